"""Toolsets and read-only mode hide exactly the right tools, and a hidden tool cannot be called."""

from __future__ import annotations

import httpx2
import pytest
from mcp import MCPError

import tools

pytestmark = pytest.mark.anyio

KEY = "iv_live_visibility_key"
WRITES = {op.name for op in tools.CATALOG if not op.read_only}


def _never(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError("a hidden tool reached intervyo")


def _names(listed) -> list[str]:
    return [tool.name for tool in listed.tools]


async def test_by_default_every_toolset_but_code_execution_is_shown(scripted) -> None:
    async with scripted(_never, toolsets="default") as (client, _):
        names = _names(await client.list_tools())
    assert names == [tool.name for tool in tools.TOOLS if tool.toolset != "code_execution"]


async def test_read_only_mode_shows_exactly_the_read_tools(scripted) -> None:
    async with scripted(_never, read_only=True) as (client, _):
        names = _names(await client.list_tools())
    assert names == [tool.name for tool in tools.TOOLS if tool.read_only]
    assert not WRITES & set(names)


async def test_toolsets_show_exactly_their_tools(scripted) -> None:
    async with scripted(_never, toolsets="sessions,participants") as (client, _):
        names = _names(await client.list_tools())
    assert names == [op.name for op in tools.CATALOG if op.toolset in ("participants", "sessions")]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_hidden_tool_cannot_be_called(scripted, mode: str) -> None:
    async with scripted(_never, mode=mode, read_only=True, toolsets="participants") as (client, upstream):
        with pytest.raises(MCPError, match="Unknown tool"):
            await client.call_tool(
                "delete_participant", {"participant_id": "7d1e6a0f-2b8c-4d5e-9f1a-3c4b5d6e7f80"}
            )
        with pytest.raises(MCPError, match="Unknown tool"):
            await client.call_tool("list_sessions", {})
    assert upstream.requests == []


@pytest.fixture
def live(serve, upstreams, make_settings):
    # Nothing may reach intervyo here, not even the key check on opening (tested in test_admission).
    settings = make_settings(toolsets="participants,sessions", verify_keys=False)
    with serve(settings, upstreams(_never).upstream(settings)) as server:
        yield server


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_request_headers_narrow_the_toolsets_and_to_read_only(live, connect, mode: str) -> None:
    headers = {"X-Intervyo-Toolsets": "sessions", "X-Intervyo-Read-Only": "true"}
    async with connect(live.mcp_url, KEY, mode=mode, headers=headers) as client:
        names = _names(await client.list_tools())
        with pytest.raises(MCPError, match="Unknown tool"):
            await client.call_tool("cancel_session", {"session_id": "0b0c3c57-5d4e-4a83-9a9b-1f0d3c2e4a10"})
    assert names == ["list_sessions", "get_session"]


async def test_request_headers_never_widen_the_view(live, connect) -> None:
    headers = {
        "X-Intervyo-Toolsets": "sessions,code_execution,agent_profiles",
        "X-Intervyo-Read-Only": "false",
    }
    async with connect(live.mcp_url, KEY, headers=headers) as client:
        names = _names(await client.list_tools())
    assert names == [op.name for op in tools.CATALOG if op.toolset == "sessions"]


async def test_a_read_only_server_stays_read_only_whatever_the_headers_say(
    serve, upstreams, make_settings, connect
):
    settings = make_settings(read_only=True, verify_keys=False)
    with serve(settings, upstreams(_never).upstream(settings)) as server:
        async with connect(server.mcp_url, KEY, headers={"X-Intervyo-Read-Only": "false"}) as client:
            names = _names(await client.list_tools())
    assert not WRITES & set(names)


async def test_an_unreadable_read_only_header_narrows_rather_than_widens(live, connect) -> None:
    async with connect(live.mcp_url, KEY, headers={"X-Intervyo-Read-Only": "maybe"}) as client:
        names = _names(await client.list_tools())
    assert not WRITES & set(names)
