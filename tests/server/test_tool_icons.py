"""Every tool, and the server itself, carries intervyo's icon: a small inline SVG, no script, no link."""

from __future__ import annotations

import base64

import httpx2
import pytest

PREFIX = "data:image/svg+xml;base64,"


def _unreachable(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError("listing tools must not call intervyo")


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_every_tool_and_the_server_show_the_icon(scripted, mode: str) -> None:
    async with scripted(_unreachable, mode=mode) as (client, _):
        listed = (await client.list_tools()).tools
        server_icons = client.server_info.icons
    assert listed and all(tool.icons for tool in listed)
    for icon in {icon.src: icon for tool in listed for icon in tool.icons or []}.values():
        assert icon.mime_type == "image/svg+xml" and icon.src.startswith(PREFIX)
        svg = base64.b64decode(icon.src.removeprefix(PREFIX)).decode()
        assert svg.startswith("<svg") and "<script" not in svg and "href" not in svg and len(svg) < 1024
    assert server_icons is not None
    assert [icon.src for icon in server_icons] == [listed[0].icons[0].src]  # type: ignore[index]
