"""Handshake-era clients may set a log level and then hear how their own tool calls went."""

from __future__ import annotations

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.types import LoggingMessageNotificationParams

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
