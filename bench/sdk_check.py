"""A sanity check with the SDK's own client: each MCP server lists its tools and answers `get_session`
through `mcp.Client` over streamable HTTP, in both protocol eras, before anything is timed.

The timed figures use the minimal client in `bench.wire`; this check makes sure that what it measures
is what a real MCP client gets (a server the SDK client cannot use would fail the run here).
"""

from __future__ import annotations

from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from bench.rig import MCP_CONTENDERS, Rig
from bench.wire import MODERN

__all__ = ["check_with_sdk_client"]


async def check_with_sdk_client(rig: Rig) -> dict[str, Any]:
    """Per server and era: tools listed and whether `get_session` succeeded."""
    found: dict[str, Any] = {}
    for contender in MCP_CONTENDERS:
        headers = {"authorization": f"Bearer {rig.api_key}"} if contender == "ours" else {}
        name, arguments = "get_session", rig.workload.arguments("get_session")
        if contender == "peer":
            peer = rig.peer_map.tools[name]
            name, arguments = peer.name, peer.translate(arguments)
        for mode in ("legacy", MODERN):
            async with (
                httpx2.AsyncClient(headers=headers, timeout=rig.plan.call_timeout_s) as http,
                Client(streamable_http_client(rig.mcp_url(contender), http_client=http), mode=mode) as client,
            ):
                listed = await client.list_tools()
                result = await client.call_tool(name, arguments)
            found[f"{contender}/{mode}"] = {"tools": len(listed.tools), "get_session_ok": not result.is_error}
    return found
