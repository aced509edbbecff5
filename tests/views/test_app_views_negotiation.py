"""The MCP Apps views and tool links are served to clients that negotiate the extension, and only to them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx2
import pytest
from mcp import Client
from mcp.client import advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from mcp.shared.exceptions import MCPError

from server.app import build_server
from server.documents.app_views import VIEWS
from server.settings import Settings
from server.upstream.client import Upstream

LINKED = {tool: view.uri for view in VIEWS for tool in view.tools}


def _no_sessions(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(
        200, json={"data": [], "meta": {"page": 1, "page_size": 100, "total": 0, "total_pages": 1}}
    )


@contextlib.asynccontextmanager
async def _client(
    settings: Settings, mode: str, *, apps: bool, mime_types: list[str] | None = None
) -> AsyncIterator[Client]:
    extensions = [advertise(EXTENSION_ID, {"mimeTypes": mime_types or [APP_MIME_TYPE]})] if apps else None
    async with (
        Upstream(settings, transport=httpx2.MockTransport(_no_sessions)) as upstream,
        Client(build_server(settings, upstream), mode=mode, extensions=extensions) as client,  # type: ignore[arg-type]
    ):
        yield client


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_a_client_with_apps_gets_tool_links_and_the_view_resources(make_settings, mode: str) -> None:
    async with _client(make_settings(api_key="iv_live_unit_test_key"), mode, apps=True) as client:
        if mode == "auto":  # handshake-era capabilities have no `extensions` field to advertise it in
            assert EXTENSION_ID in (client.server_capabilities.extensions or {})
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        for name, uri in LINKED.items():
            assert (tools[name].meta or {}).get("ui") == {"resourceUri": uri}, name
        assert not [t.name for t in tools.values() if t.name not in LINKED and (t.meta or {}).get("ui")]
        listed = {resource.uri: resource for resource in (await client.list_resources()).resources}
        for view in VIEWS:
            assert listed[view.uri].mime_type == APP_MIME_TYPE
            read = await client.read_resource(view.uri)
            (content,) = read.contents
            assert content.mime_type == APP_MIME_TYPE
            html = content.text  # type: ignore[union-attr]
            assert html.startswith("<!doctype html>")
            assert "default-src 'none'" in html and "'unsafe-inline'" not in html
            assert (content.meta or {}).get("ui", {}).get("csp") == {}


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
@pytest.mark.parametrize("mime_types", [None, ["text/html"]])
async def test_a_client_without_apps_sees_no_links_and_no_views(
    make_settings, mode: str, mime_types: list[str] | None
) -> None:
    settings = make_settings(api_key="iv_live_unit_test_key")
    async with _client(settings, mode, apps=mime_types is not None, mime_types=mime_types) as client:
        tools = (await client.list_tools()).tools
        assert [tool.name for tool in tools if (tool.meta or {}).get("ui")] == []
        assert not [r for r in (await client.list_resources()).resources if r.uri.startswith("ui://")]
        for view in VIEWS:
            with pytest.raises(MCPError) as raised:
                await client.read_resource(view.uri)
            assert "not found" in raised.value.error.message.lower()


@pytest.mark.anyio
async def test_an_unknown_ui_uri_is_not_found_even_with_apps(make_settings) -> None:
    async with _client(make_settings(api_key="iv_live_unit_test_key"), "legacy", apps=True) as client:
        with pytest.raises(MCPError):
            await client.read_resource("ui://intervyo/nothing.html")
