"""Several replicas sharing one Redis: an update one replica detects reaches subscribers on the other.

A real `redis-server` is started for these tests (see `live_support.redis_url`). Replica A receives
intervyo's webhooks; the subscribers are connected to replica B only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
import httpx2
import pytest
from live_support import (
    WEBHOOK_SECRET,
    Sandbox,
    Served,
    Sessions,
    Updates,
    live_settings,
    mcp,
    serve_on,
    serving,
    webhook_sandbox,
)
from mcp.server.subscriptions import ResourceUpdated, ServerEvent
from mcp.shared.exceptions import MCPDeprecationWarning

from server.redis_bus import RedisBus
from server.serving import bind
from server.webhooks import sign

pytestmark = pytest.mark.anyio

_BOUND_S = 10.0


@dataclass(frozen=True)
class Replicas:
    a: Served
    b: Served
    sandbox: Sandbox


@pytest.fixture(scope="module")
def replicas(redis_url: str) -> Iterator[Replicas]:
    """Two servers on one Redis; the sandbox sends its webhooks to A."""
    sock_a = bind("127.0.0.1", 0)
    with webhook_sandbox(f"http://127.0.0.1:{sock_a.getsockname()[1]}/webhooks/intervyo") as sandbox:
        settings = live_settings(
            sandbox.base_url, redis_url=redis_url, webhook_secret=WEBHOOK_SECRET, poll_interval_s=3600
        )
        with serve_on(sock_a, settings) as a, serving(settings) as b:
            yield Replicas(a, b, sandbox)


async def test_a_2025_subscriber_on_one_replica_hears_an_update_the_other_received(
    replicas: Replicas,
) -> None:
    sessions, updates = Sessions(replicas.sandbox), Updates()
    session = await sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    key = replicas.sandbox.demo_key
    async with mcp(replicas.b.mcp_url, key, "legacy", message_handler=updates.handler) as client:
        with pytest.warns(MCPDeprecationWarning):
            await client.subscribe_resource(uri)
        await sessions.advance(session["id"], "in_progress")  # webhook -> replica A -> Redis -> B
        assert await updates.next(_BOUND_S) == uri
    updates.close()


async def test_a_2026_listener_on_one_replica_hears_an_update_the_other_received(replicas: Replicas) -> None:
    sessions = Sessions(replicas.sandbox)
    session = await sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    async with (
        mcp(replicas.b.mcp_url, replicas.sandbox.demo_key, "auto") as client,
        client.listen(resource_subscriptions=[uri]) as subscription,
    ):
        await sessions.advance(session["id"], "completed")
        with anyio.fail_after(_BOUND_S):
            event = await subscription.__anext__()
    assert getattr(event, "uri", None) == uri


async def test_a_delivery_accepted_by_one_replica_is_a_replay_on_the_other(replicas: Replicas) -> None:
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "event": "session.scored",
            "occurred_at": moment,
            "data": {"session": {"id": str(uuid.uuid4())}},
        }
    ).encode()
    headers = {"x-intervyo-signature": sign(WEBHOOK_SECRET, body), "content-type": "application/json"}
    async with httpx2.AsyncClient(timeout=10) as http:
        first = await http.post(replicas.a.webhook_url, content=body, headers=headers)
        again = await http.post(replicas.b.webhook_url, content=body, headers=headers)
    assert (first.status_code, again.status_code) == (200, 409)


async def test_the_redis_bus_delivers_a_publish_to_every_bus_on_the_channel(redis_url: str) -> None:
    heard: list[ServerEvent] = []
    arrived = anyio.Event()

    def listener(event: ServerEvent) -> None:
        heard.append(event)
        arrived.set()

    channel = f"test-{uuid.uuid4().hex}"
    async with (
        RedisBus(redis_url, channel=channel) as sender,
        RedisBus(redis_url, channel=channel) as receiver,
    ):
        unsubscribe = receiver.subscribe(listener)
        await sender.publish(ResourceUpdated(uri="intervyo://sessions/x/scorecard"))
        with anyio.fail_after(_BOUND_S):
            await arrived.wait()
        unsubscribe()
        unsubscribe()  # idempotent
    assert heard == [ResourceUpdated(uri="intervyo://sessions/x/scorecard")]
