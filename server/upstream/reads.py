"""Reads of intervyo under one caller's key: what resources, prompts, completions and live updates use.

They go through the catalog operations and the shared upstream client, exactly like `tools/call`, so
the same key handling, origin check, retries and error mapping apply. Nothing is cached: every read is
made with the key of the request it serves, so one caller's data never answers another's request.

Failures come back as `ToolError` (from `server.errors`); outside a tool call they become protocol
errors with `protocol_error`: a 404 (unknown id, or another workspace's) is the spec's not-found error.
"""

from __future__ import annotations

from typing import Any

from mcp.shared.exceptions import MCPError
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST

import tools
from server.errors import ToolError
from server.upstream.client import Upstream
from server.upstream.results import shape

__all__ = ["Reads", "not_found", "protocol_error"]


def not_found(uri: str, what: str = "Resource") -> MCPError:
    """The spec's resource-not-found error (-32602 with the URI in `data`)."""
    return MCPError(code=INVALID_PARAMS, message=f"{what} not found: {uri}", data={"uri": uri})


def protocol_error(error: ToolError, uri: str) -> MCPError:
    """A failed read behind a resource request, as a JSON-RPC error (the message is already safe)."""
    if error.status == 404:
        return not_found(uri)
    code = INTERNAL_ERROR if error.status >= 500 else INVALID_REQUEST
    return MCPError(code=code, message=error.message, data={"uri": uri, "status": error.status})


class Reads:
    """Catalog reads and linked documents, shaped exactly like the tools' structured results."""

    def __init__(self, upstream: Upstream) -> None:
        self._upstream = upstream

    async def get(self, tool: str, key: str, **arguments: object) -> dict[str, Any]:
        """Run the catalog operation `tool` with `arguments` under `key`; its structured result."""
        op = tools.by_name(tool)
        if op is None:
            raise LookupError(tool)
        parsed = op.arguments.model_validate(arguments)
        answer = await self._upstream.call(op, parsed, key=key)
        return shape(op, parsed, answer)

    async def items(self, tool: str, key: str, **arguments: object) -> list[dict[str, Any]]:
        """The rows of one page of a list operation."""
        page = await self.get(tool, key, **arguments)
        rows = page.get("items", [])
        return [row for row in rows if isinstance(row, dict)]

    async def session(self, session_id: str, key: str) -> dict[str, Any]:
        return await self.get("get_session", key, session_id=session_id)

    async def document(self, url: str) -> object:
        """A JSON document intervyo links to (presigned), fetched without the key."""
        return await self._upstream.fetch_document(url)
