"""`--json-response`: each MCP POST is answered with one JSON body instead of an SSE stream."""

from __future__ import annotations

import httpx2
import pytest

pytestmark = pytest.mark.anyio

_INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}


@pytest.mark.parametrize("json_response", [False, True])
async def test_the_answer_is_json_only_when_asked(sandbox, serve, make_settings, connect, json_response):
    settings = make_settings(api_base_url=sandbox.base_url, json_response=json_response)
    with serve(settings) as live:
        headers = {
            "accept": "application/json, text/event-stream",
            "authorization": f"Bearer {sandbox.demo_key}",
        }
        async with httpx2.AsyncClient(timeout=10) as http:
            answer = await http.post(live.mcp_url, json=_INITIALIZE, headers=headers)
        kind = answer.headers["content-type"].split(";")[0]
        assert kind == ("application/json" if json_response else "text/event-stream")
        async with connect(live.mcp_url, sandbox.demo_key, mode="legacy") as client:
            result = await client.call_tool("list_sessions", {"page_size": 1})
        assert not result.is_error
