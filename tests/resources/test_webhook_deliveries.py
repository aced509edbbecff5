"""Live updates from intervyo's webhooks: the sandbox delivers signed events to our route, subscribers hear
about them (the poller is off when a secret is set), and forged, stale or replayed deliveries are refused."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import anyio
import httpx2
import pytest
from http_app import LiveServer, running
from live_support import (
    WEBHOOK_SECRET,
    Sandbox,
    Sessions,
    Updates,
    live_settings,
    mcp,
    webhook_sandbox,
)
from mcp.shared.exceptions import MCPDeprecationWarning

from server.http.binding import bind
from tools.webhooks import sign

pytestmark = pytest.mark.anyio

_BOUND_S = 10.0


@dataclass(frozen=True)
class Hooked:
    server: LiveServer
    sandbox: Sandbox


@pytest.fixture(scope="module")
def hooked() -> Iterator[Hooked]:
    """Our server with a webhook secret, and a sandbox that delivers its events to it."""
    sock = bind("127.0.0.1", 0)
    webhook_url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/intervyo"
    with webhook_sandbox(webhook_url) as sandbox:
        settings = live_settings(sandbox.base_url, webhook_secret=WEBHOOK_SECRET, poll_interval_s=3600)
        with running(settings, sock=sock) as served:
            yield Hooked(served, sandbox)


def _envelope(session_id: str, *, occurred: datetime | None = None, event_id: str | None = None) -> bytes:
    moment = (occurred or datetime.now(UTC)).isoformat().replace("+00:00", "Z")
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex}",
            "event": "session.started",
            "occurred_at": moment,
            "data": {"session": {"id": session_id, "status": "in_progress"}},
        }
    ).encode()


async def _post(served: LiveServer, body: bytes, signature: str | None) -> httpx2.Response:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-intervyo-signature"] = signature
    async with httpx2.AsyncClient(timeout=10) as http:
        return await http.post(served.webhook_url, content=body, headers=headers)


async def test_a_signed_delivery_from_intervyo_reaches_a_2025_subscriber(hooked: Hooked) -> None:
    sessions, updates = Sessions(hooked.sandbox), Updates()
    session = await sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    async with mcp(
        hooked.server.mcp_url, hooked.sandbox.demo_key, "legacy", message_handler=updates.handler
    ) as c:
        with pytest.warns(MCPDeprecationWarning):
            await c.subscribe_resource(uri)
        await sessions.advance(session["id"], "scored")
        assert await updates.next(_BOUND_S) == uri
    updates.close()


async def test_a_signed_delivery_from_intervyo_reaches_a_2026_listener(hooked: Hooked) -> None:
    sessions = Sessions(hooked.sandbox)
    session = await sessions.new()
    uri = f"intervyo://sessions/{session['id']}/transcript"
    async with (
        mcp(hooked.server.mcp_url, hooked.sandbox.demo_key, "auto") as client,
        client.listen(resource_subscriptions=[uri]) as subscription,
    ):
        await sessions.advance(session["id"], "failed")
        with anyio.fail_after(_BOUND_S):
            event = await subscription.__anext__()
    assert getattr(event, "uri", None) == uri


async def test_a_valid_delivery_is_accepted_once_and_its_replay_is_refused(hooked: Hooked) -> None:
    body = _envelope(str(uuid.uuid4()))
    first = await _post(hooked.server, body, sign(WEBHOOK_SECRET, body))
    replay = await _post(hooked.server, body, sign(WEBHOOK_SECRET, body))
    assert (first.status_code, first.json()["accepted"]) == (200, True)
    assert replay.status_code == 409
    assert "Replayed" in replay.json()["error"]


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=" + "0" * 64, "sha1=abc", sign("some-other-secret", b"x")],
    ids=["missing", "empty", "zeros", "wrong-algorithm", "other-secret"],
)
async def test_a_forged_delivery_is_refused_and_notifies_nobody(
    hooked: Hooked, signature: str | None
) -> None:
    sessions, updates = Sessions(hooked.sandbox), Updates()
    session = await sessions.settled()  # no delivery from the sandbox will name it: only the test's posts
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    body = _envelope(session["id"])
    async with mcp(
        hooked.server.mcp_url, hooked.sandbox.demo_key, "legacy", message_handler=updates.handler
    ) as c:
        with pytest.warns(MCPDeprecationWarning):
            await c.subscribe_resource(uri)
        response = await _post(hooked.server, body, signature)
        # A genuine delivery afterwards arrives first: the forged one published nothing.
        real = _envelope(session["id"])
        assert (await _post(hooked.server, real, sign(WEBHOOK_SECRET, real))).status_code == 200
        assert await updates.next(_BOUND_S) == uri
    assert response.status_code == 401
    assert updates.pending() == []
    updates.close()


async def test_a_body_changed_after_signing_is_refused(hooked: Hooked) -> None:
    body = _envelope(str(uuid.uuid4()))
    signature = sign(WEBHOOK_SECRET, body)
    tampered = body.replace(b"session.started", b"session.scored")
    assert (await _post(hooked.server, tampered, signature)).status_code == 401


async def test_a_stale_delivery_is_refused_even_when_correctly_signed(hooked: Hooked) -> None:
    body = _envelope(str(uuid.uuid4()), occurred=datetime.now(UTC) - timedelta(hours=1))
    response = await _post(hooked.server, body, sign(WEBHOOK_SECRET, body))
    assert response.status_code == 400
    assert "Stale" in response.json()["error"]


async def test_a_signed_body_that_is_not_an_event_envelope_is_refused(hooked: Hooked) -> None:
    body = b'{"hello": "world"}'
    assert (await _post(hooked.server, body, sign(WEBHOOK_SECRET, body))).status_code == 400


async def test_without_a_webhook_secret_there_is_no_webhook_route(polling_server) -> None:
    body = _envelope(str(uuid.uuid4()))
    assert (await _post(polling_server, body, sign(WEBHOOK_SECRET, body))).status_code == 404
