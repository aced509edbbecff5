"""Handshake-era clients may set a log level and then hear how their own tool calls went."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server import ServerRequestContext
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.types import LoggingMessageNotificationParams, SetLevelRequestParams
from starlette.requests import Request
from starlette.types import Message

from server.http.client_logs import ClientLogs
from server.live.connections import Connections

pytestmark = pytest.mark.anyio


async def test_a_client_that_sets_a_level_hears_its_tool_calls_at_or_above_it(live_server, sandbox):
    heard: list[LoggingMessageNotificationParams] = []

    async def on_log(params: LoggingMessageNotificationParams) -> None:
        heard.append(params)

    headers = {"Authorization": f"Bearer {sandbox.demo_key}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(
            streamable_http_client(live_server.mcp_url, http_client=http),
            mode="legacy",
            logging_callback=on_log,
        ) as client,
    ):
        assert client.server_capabilities.logging is not None
        await client.call_tool("list_sessions", {"page_size": 1})
        assert heard == []  # nothing before a level is set

        with pytest.warns(MCPDeprecationWarning):
            await client.set_logging_level("info")
        await client.call_tool("list_sessions", {"page_size": 1})
        await client.call_tool("get_session", {"session_id": "00000000-0000-4000-8000-000000000000"})
        assert [(p.level, str(p.data).split(" ")[0]) for p in heard] == [
            ("info", "list_sessions"),
            ("warning", "get_session"),
        ]

        with pytest.warns(MCPDeprecationWarning):
            await client.set_logging_level("warning")
        await client.call_tool("list_sessions", {"page_size": 1})
        assert len(heard) == 2
    assert all(sandbox.demo_key not in str(p.data) for p in heard)


def _set_level_request(headers: list[tuple[bytes, bytes]], query: bytes = b"") -> Any:
    scope = {"type": "http", "method": "POST", "headers": headers, "query_string": query}
    return ServerRequestContext(
        session=None,  # type: ignore[arg-type]
        lifespan_context={},
        protocol_version="2025-11-25",
        method="logging/setLevel",
        request=Request(scope),
    )


async def test_a_sessions_level_goes_when_the_session_ends() -> None:
    connections = Connections()
    logs = ClientLogs(connections)
    for session_id in ("first", "second"):
        ctx = _set_level_request([(b"mcp-session-id", session_id.encode())])
        await logs.set_level(ctx, SetLevelRequestParams(level="info"))
    sse = _set_level_request([], b"session_id=" + b"ab" * 16)
    await logs.set_level(sse, SetLevelRequestParams(level="info"))
    assert logs._wanted(sse) is None  # no such stream is open
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    with connections.sse_stream(send) as sending:
        endpoint = b"event: endpoint\r\ndata: /messages/?session_id=" + b"ab" * 16 + b"\r\n\r\n"
        await sending({"type": "http.response.body", "body": endpoint, "more_body": True})
        await logs.set_level(sse, SetLevelRequestParams(level="info"))
        assert logs._wanted(sse) is not None  # a legacy SSE connection, named by its POSTs' session_id
    assert logs._wanted(sse) is None  # the stream ended
    assert len(sent) == 1
    stateless = _set_level_request([])  # no session: nothing to remember
    await logs.set_level(stateless, SetLevelRequestParams(level="info"))
    assert logs.wants_logs("first") and logs.wants_logs("second")
    assert logs._wanted(stateless) is None

    connections.forget_session("first")
    assert not logs.wants_logs("first") and logs.wants_logs("second")
    connections.close_all()
    assert not logs.wants_logs("second")
