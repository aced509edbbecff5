"""Live updates without webhooks: subscribe (2025 era) or listen (2026 era), the session changes in the
sandbox, the poller notices, and the subscriber hears about it within a bounded time."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import anyio
import httpx2
import pytest
from anyio import wait_all_tasks_blocked
from http_app import LiveServer, running
from live_support import Updates, live_settings, mcp
from mcp import Client
from mcp.client.sse import sse_client
from mcp.server import ServerRequestContext
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp.types import INVALID_PARAMS, SubscribeRequestParams
from starlette.requests import Request

from server.app import build_server
from server.caller import Caller, Callers, CallerUser
from server.live.hub import Live
from server.upstream.client import Upstream
from server.upstream.reads import Reads

pytestmark = pytest.mark.anyio

_BOUND_S = 10.0


async def _subscribe(client: Client, uri: str) -> None:
    with pytest.warns(MCPDeprecationWarning):
        await client.subscribe_resource(uri)


async def _unsubscribe(client: Client, uri: str) -> None:
    with pytest.warns(MCPDeprecationWarning):
        await client.unsubscribe_resource(uri)


async def test_a_2025_subscriber_hears_when_its_session_starts_and_when_it_is_scored(
    polling_server, slow_sandbox, slow_sessions, updates: Updates
) -> None:
    session = await slow_sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    async with mcp(
        polling_server.mcp_url, slow_sandbox.demo_key, "legacy", message_handler=updates.handler
    ) as c:
        await _subscribe(c, uri)
        await slow_sessions.advance(session["id"], "in_progress")
        assert await updates.next(_BOUND_S) == uri
        await slow_sessions.advance(session["id"], "scored")
        assert await updates.next(_BOUND_S) == uri
        card = await c.read_resource(uri)
    assert '"ready": true' in card.contents[0].text  # type: ignore[union-attr]


async def test_a_2025_subscriber_hears_nothing_after_unsubscribing(
    polling_server, slow_sandbox, slow_sessions, updates: Updates
) -> None:
    watched, other = await slow_sessions.new(), await slow_sessions.new()
    uri = f"intervyo://sessions/{watched['id']}/scorecard"
    other_uri = f"intervyo://sessions/{other['id']}/scorecard"
    async with mcp(
        polling_server.mcp_url, slow_sandbox.demo_key, "legacy", message_handler=updates.handler
    ) as c:
        await _subscribe(c, uri)
        await _subscribe(c, other_uri)
        await _unsubscribe(c, uri)
        await slow_sessions.advance(watched["id"], "in_progress")
        await slow_sessions.advance(other["id"], "in_progress")
        assert await updates.next(_BOUND_S) == other_uri
        # A later round has polled both sessions since: still nothing about the unsubscribed one.
        await slow_sessions.advance(other["id"], "failed")  # final: no scoring follows while connected
        assert await updates.next(_BOUND_S) == other_uri
    assert updates.pending() == []


async def test_a_2026_listener_hears_when_its_session_changes(
    polling_server, slow_sandbox, slow_sessions
) -> None:
    session = await slow_sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, "auto") as client:
        assert client.protocol_version == "2026-07-28"
        async with client.listen(resource_subscriptions=[uri]) as subscription:
            await slow_sessions.advance(session["id"], "completed")
            with anyio.fail_after(_BOUND_S):
                event = await subscription.__anext__()
    assert getattr(event, "uri", None) == uri


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_nobody_can_subscribe_to_another_workspaces_session_or_an_unknown_one(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    theirs = await slow_sessions.new(slow_sandbox.other_key)
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        for uri in (
            f"intervyo://sessions/{theirs['id']}/scorecard",
            f"intervyo://sessions/{uuid.uuid4()}/transcript",
            "intervyo://sessions/nope/scorecard",
        ):
            with pytest.raises(MCPError) as raised:
                if mode == "legacy":
                    await _subscribe(client, uri)
                else:
                    async with client.listen(resource_subscriptions=[uri]):
                        pass
            assert raised.value.error.code == INVALID_PARAMS
            assert raised.value.error.data == {"uri": uri}


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_subscribers_keys_are_held_only_while_someone_is_subscribed(
    slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    settings = live_settings(slow_sandbox.base_url, api_key=slow_sandbox.demo_key)
    async with Upstream(settings) as upstream:
        live = Live(settings, Reads(upstream), Callers.from_settings(settings))
        async with Client(build_server(settings, upstream, live), mode=mode) as client:  # type: ignore[arg-type]
            assert live.watchlist.keys_held() == 0
            if mode == "legacy":
                await _subscribe(client, uri)
                assert session["id"] in live.watchlist
                await _unsubscribe(client, uri)
            else:
                async with client.listen(resource_subscriptions=[uri]):
                    assert session["id"] in live.watchlist
            with anyio.fail_after(_BOUND_S):
                await wait_all_tasks_blocked()  # the server's side of the stream has wound down
            assert live.watchlist.keys_held() == 0
            assert len(live.watchlist) == 0


async def test_a_stateless_server_refuses_2025_subscriptions_it_could_never_deliver(
    slow_sandbox, slow_sessions
) -> None:
    session = await slow_sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    with running(live_settings(slow_sandbox.base_url, stateless=True)) as served:
        async with mcp(served.mcp_url, slow_sandbox.demo_key, "legacy") as client:
            with pytest.raises(MCPError, match="subscriptions/listen"):
                await _subscribe(client, uri)


@contextlib.contextmanager
def _watched_server(sandbox_url: str) -> Iterator[tuple[LiveServer, Live]]:
    """Our app over HTTP, with its live-update machinery in reach."""
    settings = live_settings(sandbox_url)
    upstream = Upstream(settings)  # opened and closed by the app
    live = Live(settings, Reads(upstream), Callers.from_settings(settings))
    with running(settings, upstream, live=live) as served:
        yield served, live


async def _released(live: Live) -> None:
    # The server runs in another thread and notices a connection's end on its own time.
    with anyio.fail_after(_BOUND_S):
        while live.watchlist.keys_held():
            await anyio.sleep(0.01)


async def test_a_2025_http_sessions_subscriptions_end_when_the_client_deletes_the_session(
    slow_sandbox, slow_sessions
) -> None:
    session = await slow_sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    with _watched_server(slow_sandbox.base_url) as (served, live):
        async with mcp(served.mcp_url, slow_sandbox.demo_key, "legacy") as client:
            await _subscribe(client, uri)
            assert session["id"] in live.watchlist
        # Leaving sends DELETE; the subscription was released before its answer went out.
        assert live.watchlist.keys_held() == 0
        assert len(live.watchlist) == 0


async def test_a_refused_delete_leaves_the_sessions_subscriptions_alone(slow_sandbox, slow_sessions) -> None:
    session = await slow_sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    with _watched_server(slow_sandbox.base_url) as (served, live):
        async with mcp(served.mcp_url, slow_sandbox.demo_key, "legacy") as client:
            await _subscribe(client, uri)
            async with httpx2.AsyncClient(timeout=30) as http:
                for key in (slow_sandbox.other_key, slow_sandbox.demo_key):
                    refused = await http.delete(
                        served.mcp_url,
                        headers={
                            "Authorization": f"Bearer {key}",
                            "Mcp-Session-Id": uuid.uuid4().hex,  # nobody's session
                            "MCP-Protocol-Version": "2025-11-25",
                        },
                    )
                    assert refused.status_code == 404
            assert session["id"] in live.watchlist


async def test_a_legacy_sse_connection_hears_its_updates_and_lets_go_when_it_leaves(
    slow_sandbox, slow_sessions, updates: Updates
) -> None:
    session = await slow_sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    with _watched_server(slow_sandbox.base_url) as (served, live):
        sent = {"Authorization": f"Bearer {slow_sandbox.demo_key}"}
        async with Client(
            sse_client(served.sse_url, headers=sent), mode="legacy", message_handler=updates.handler
        ) as client:
            await _subscribe(client, uri)
            assert session["id"] in live.watchlist
            await slow_sessions.advance(session["id"], "in_progress")
            assert await updates.next(_BOUND_S) == uri
        await _released(live)
        assert len(live.watchlist) == 0


class _Session:
    """Stands in for the `ServerSession` a subscribe request came with."""

    def __init__(self, *, gone: bool = False) -> None:
        self.gone = gone
        self.attempts: list[str] = []

    async def send_resource_updated(self, uri: str) -> None:
        self.attempts.append(uri)
        if self.gone:
            raise anyio.BrokenResourceError


def _subscribe_request(session_id: str, session: _Session, key: str, callers: Callers) -> Any:
    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"mcp-session-id", session_id.encode())],
        "user": CallerUser(Caller(key, callers.view)),
    }
    return ServerRequestContext(
        session=session,  # type: ignore[arg-type]
        lifespan_context={},
        protocol_version="2025-11-25",
        method="resources/subscribe",
        request=Request(scope),
    )


async def test_subscriptions_end_with_the_session_or_when_it_cannot_be_reached(
    slow_sandbox, slow_sessions
) -> None:
    first, second = await slow_sessions.new(), await slow_sessions.new()
    first_uri = f"intervyo://sessions/{first['id']}/scorecard"
    settings = live_settings(slow_sandbox.base_url)
    callers = Callers.from_settings(settings)
    async with Upstream(settings) as upstream:
        live = Live(settings, Reads(upstream), callers)
        reachable, gone = _Session(), _Session(gone=True)
        async with live.lifespan(None):
            for session_id, sender, uri in (
                ("kept", reachable, first_uri),
                ("idle", reachable, f"intervyo://sessions/{second['id']}/scorecard"),
                ("gone", gone, first_uri),
            ):
                ctx = _subscribe_request(session_id, sender, slow_sandbox.demo_key, callers)
                await live.subscriptions.subscribe(ctx, SubscribeRequestParams(uri=uri))
            assert first["id"] in live.watchlist and second["id"] in live.watchlist

            live.connections.forget_session("idle")  # what expiring an idle session calls
            assert second["id"] not in live.watchlist

            for round_ in (1, 2):
                await live.subscriptions.changed(first["id"])
                with anyio.fail_after(_BOUND_S):
                    while len(reachable.attempts) < round_:
                        await anyio.sleep(0.01)
            assert reachable.attempts == [first_uri, first_uri]
            assert gone.attempts == [first_uri]  # its failure dropped it: never tried again
            assert first["id"] in live.watchlist  # still held for "kept"

            live.connections.close_all()  # the app stops
            assert live.watchlist.keys_held() == 0
            assert len(live.watchlist) == 0
