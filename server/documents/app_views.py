"""MCP Apps (`io.modelcontextprotocol/ui`): the scorecard, comparison and session-timeline views.

Each view is one self-contained HTML document in `server/documents/views/` (hand-written JS, no framework, no
network), served as a `ui://` resource with the `text/html;profile=mcp-app` MIME type. Tools whose
result a view renders carry `_meta.ui.resourceUri`; the host shows the view and hands it the tool's
result, and the view reads fresh data by calling our read tools through the host (`tools/call`).

All of it only for clients that negotiated the extension (capability `extensions` with the MCP Apps
MIME type): for any other client `tools/list`, `resources/list` and `resources/read` are exactly what
they were, and a `ui://` URI is not found. The views are data-only: candidate text is set with
`textContent`, and each document carries a Content-Security-Policy that allows only its own inline
script and style (by hash), no network, no frames, no plugins, and no string-to-markup sinks
(`require-trusted-types-for 'script'`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from mcp.server import ServerRequestContext
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID, client_supports_apps
from mcp.types import (
    ListResourcesResult,
    ListToolsResult,
    PaginatedRequestParams,
    ReadResourceRequestParams,
    ReadResourceResult,
    Resource,
    TextResourceContents,
)

from server.upstream.reads import not_found

__all__ = ["EXTENSION_ID", "VIEWS", "AppViews", "View", "view_html"]

_ListTools = Callable[[ServerRequestContext[Any], PaginatedRequestParams | None], Awaitable[ListToolsResult]]
_ListResources = Callable[
    [ServerRequestContext[Any], PaginatedRequestParams | None], Awaitable[ListResourcesResult]
]
_ReadResource = Callable[
    [ServerRequestContext[Any], ReadResourceRequestParams], Awaitable[ReadResourceResult]
]


@dataclass(frozen=True)
class View:
    """One `ui://` view and the tools whose results it renders."""

    uri: str
    file: str
    name: str
    title: str
    description: str
    tools: tuple[str, ...]

    @property
    def resource(self) -> Resource:
        return Resource(
            uri=self.uri,
            name=self.name,
            title=self.title,
            description=self.description,
            mime_type=APP_MIME_TYPE,
            meta=_RESOURCE_META,
        )


VIEWS = (
    View(
        uri="ui://intervyo/scorecard.html",
        file="scorecard.html",
        name="scorecard-view",
        title="Scorecard",
        description=(
            "A session's scorecard: dimension bars with weights, overall score and recommendation, "
            "reasoning with clickable transcript citations, authenticity signals."
        ),
        tools=("get_scorecard", "wait_for_scorecard"),
    ),
    View(
        uri="ui://intervyo/comparison.html",
        file="comparison.html",
        name="comparison-view",
        title="Candidate comparison",
        description="A template's scored candidates side by side: a sortable table and a dimension chart.",
        tools=("compare_candidates",),
    ),
    View(
        uri="ui://intervyo/timeline.html",
        file="timeline.html",
        name="session-timeline-view",
        title="Session timeline",
        description="A session from scheduled to in progress to scored, refreshing itself until scored.",
        tools=("get_session", "schedule_session"),
    ),
)

# No external origin of any kind; the host adds its own sandbox on top.
_RESOURCE_META: dict[str, Any] = {"ui": {"csp": {}, "prefersBorder": True}}

_BY_URI = {view.uri: view for view in VIEWS}
_LINKS = {tool: view.uri for view in VIEWS for tool in view.tools}
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@cache
def view_html(file: str) -> str:
    """The view's document as served: the shared bridge and styles inlined, the CSP filled in."""
    folder = resources.files("server.documents") / "views"
    html = (folder / file).read_text(encoding="utf-8")
    html = html.replace("/*@base*/", (folder / "base.css").read_text(encoding="utf-8"), 1)
    html = html.replace("/*@bridge*/", (folder / "bridge.js").read_text(encoding="utf-8"), 1)
    styles, scripts = _STYLE.findall(html), _SCRIPT.findall(html)
    if len(styles) != 1 or len(scripts) != 1:
        raise ValueError(f"{file}: a view has exactly one <style> and one <script>")
    policy = "; ".join(
        (
            "default-src 'none'",
            f"script-src '{_sha256(scripts[0])}'",
            f"style-src '{_sha256(styles[0])}'",
            "img-src data:",
            "connect-src 'none'",
            "frame-src 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "require-trusted-types-for 'script'",
            "trusted-types 'none'",
        )
    )
    return html.replace("__CSP__", policy, 1)


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


class AppViews:
    """Wraps the tool and resource handlers: links and views for clients that negotiated MCP Apps."""

    def __init__(self, list_tools: _ListTools, list_resources: _ListResources, read_resource: _ReadResource):
        self._list_tools = list_tools
        self._list_resources = list_resources
        self._read_resource = read_resource

    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        listed = await self._list_tools(ctx, params)
        if not client_supports_apps(ctx):
            return listed
        return listed.model_copy(
            update={
                "tools": [
                    tool.model_copy(
                        update={"meta": {**(tool.meta or {}), "ui": {"resourceUri": _LINKS[tool.name]}}}
                    )
                    if tool.name in _LINKS
                    else tool
                    for tool in listed.tools
                ]
            }
        )

    async def list_resources(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        listed = await self._list_resources(ctx, params)
        if not client_supports_apps(ctx) or (params is not None and params.cursor is not None):
            return listed
        return listed.model_copy(
            update={"resources": [*(view.resource for view in VIEWS), *listed.resources]}
        )

    async def read_resource(
        self, ctx: ServerRequestContext[Any], params: ReadResourceRequestParams
    ) -> ReadResourceResult:
        if not params.uri.startswith("ui://"):
            return await self._read_resource(ctx, params)
        view = _BY_URI.get(params.uri)
        if view is None or not client_supports_apps(ctx):
            raise not_found(params.uri)
        contents = TextResourceContents(
            uri=view.uri, mime_type=APP_MIME_TYPE, text=view_html(view.file), meta=_RESOURCE_META
        )
        return ReadResourceResult(contents=[contents])
