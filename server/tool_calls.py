"""The `tools/list` and `tools/call` handlers: the catalog, proxied under each caller's own key.

One call: find the tool in the caller's view (unknown or hidden: a protocol error) -> the caller's key
-> validate the arguments (failures come back as an `isError` result naming each field; intervyo is not
called) -> derive an idempotency key if the tool takes one -> call intervyo -> the structured result
and its text rendering. Every `ToolError` on the way becomes an `isError` result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from mcp.server import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp.types import (
    INVALID_PARAMS,
    CallToolRequestParams,
    CallToolResult,
    ListToolsResult,
    PaginatedRequestParams,
)
from pydantic import BaseModel
from starlette.requests import Request

import tools
from server import idempotency
from server.arguments import parse
from server.auth import fingerprint, request_key
from server.errors import MissingApiKey, ToolError
from server.refinements import Refinements
from server.rendering import render
from server.results import shape, tool_result
from server.settings import Settings
from server.upstream import Upstream
from server.visibility import Visibility
from tools import Operation

__all__ = ["ToolCalls"]

logger = logging.getLogger(__name__)

# Re-schedules of one call inside one idempotency window; past this, the replay is returned as is.
_MAX_RESCHEDULES = 5


class ToolCalls:
    """Handlers for the tool methods, sharing the process's upstream client."""

    def __init__(
        self, settings: Settings, upstream: Upstream, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._visibility = Visibility.from_settings(settings)
        self._stdio_key = settings.api_key
        self._upstream = upstream
        self._refinements = Refinements(upstream)
        self._clock = clock

    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        # One page: 25 tools are well within what clients take at once.
        return ListToolsResult(tools=[op.tool for op in self._view(ctx).operations])

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: CallToolRequestParams
    ) -> CallToolResult | dict[str, Any]:
        op = self._view(ctx).find(params.name)
        if op is None:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {params.name}")
        started = time.monotonic()
        key = self._key(ctx)
        try:
            if key is None:
                raise MissingApiKey()
            result = await self._call(op, params.arguments, key)
        except ToolError as failed:
            error = (
                failed if key is None else await self._refinements.explain(op, params.arguments, failed, key)
            )
            label = _Fingerprint(key)
            logger.info("tool %s -> %d in %.0f ms (key %s)", op.name, error.status, _ms(started), label)
            return error.as_result()
        logger.info("tool %s -> ok in %.0f ms (key %s)", op.name, _ms(started), _Fingerprint(key))
        return result

    @staticmethod
    def input_schema(name: str) -> Mapping[str, Any] | None:
        """For the SDK's `Mcp-Param-*` header check, which runs before any request context exists."""
        op = tools.by_name(name)
        return op.input_schema if op is not None else None

    async def _call(self, op: Operation, raw: dict[str, Any] | None, key: str) -> dict[str, Any]:
        arguments = await self._refinements.before(op, parse(op, raw), key)
        derived = (
            idempotency.FIELD in type(arguments).model_fields
            and getattr(arguments, idempotency.FIELD) is None
        )
        if derived:
            arguments = self._with_derived_key(op, arguments, key)
        structured = await self._refinements.call(op, arguments, key)
        for _ in range(_MAX_RESCHEDULES):
            if not (derived and idempotency.is_finished_replay(structured)):
                break
            # The earlier call's session is over (cancelled, failed or done): asking again is a deliberate
            # re-schedule, not a repeat. Chain the new key on the old session, so this is idempotent too.
            arguments = self._with_derived_key(op, arguments, key, after=str(structured["id"]))
            structured = shape(op, arguments, await self._upstream.call(op, arguments, key=key))
        structured = await self._refinements.after(op, arguments, structured, key)
        return tool_result(render(op, structured), structured)

    def _with_derived_key(
        self, op: Operation, arguments: BaseModel, key: str, after: str | None = None
    ) -> BaseModel:
        values = arguments.model_dump(mode="json", exclude={idempotency.FIELD})
        if after is not None:
            values["after"] = after
        derived = idempotency.derive(key, op.name, values, now=self._clock())
        return arguments.model_copy(update={idempotency.FIELD: derived})

    def _view(self, ctx: ServerRequestContext[Any]) -> Visibility:
        headers = ctx.request.headers if isinstance(ctx.request, Request) else None
        return self._visibility.narrowed(headers)

    def _key(self, ctx: ServerRequestContext[Any]) -> str | None:
        # Over HTTP only the request's own key counts; the configured key is for stdio alone.
        if ctx.request is not None:
            return request_key(ctx.request)
        return self._stdio_key


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


class _Fingerprint:
    """A key's fingerprint, computed only if the log line is written."""

    def __init__(self, key: str | None) -> None:
        self._key = key

    def __str__(self) -> str:
        return fingerprint(self._key) if self._key else "none"
