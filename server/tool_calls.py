"""The `tools/list` and `tools/call` handlers: the one dispatcher over the catalog (`tools.TOOLS`).

One call: the request's caller (`server.caller`) -> find the tool in the caller's view (unknown or hidden:
a protocol error) -> validate the arguments (failures come back as an `isError` result naming each field;
intervyo is not called) -> an operation is proxied to intervyo under the caller's key (with a derived
idempotency key if it takes one); a composite tool runs the handler its declaration names -> the
structured result and its text rendering. Every `ToolError` on the way becomes an `isError` result.
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

import tools
from server import idempotency
from server.arguments import parse
from server.caller import Caller, Callers
from server.composite_tools import CompositeCall, composite_result
from server.errors import ToolError
from server.live import Live
from server.reads import Reads
from server.refinements import Refinements
from server.rendering import render
from server.results import shape, tool_result
from server.settings import Settings
from server.upstream import Upstream
from tools import Composite, Operation

__all__ = ["ToolCalls"]

logger = logging.getLogger(__name__)

# Re-schedules of one call inside one idempotency window; past this, the replay is returned as is.
_MAX_RESCHEDULES = 5


class ToolCalls:
    """Handlers for the tool methods, sharing the process's upstream client."""

    def __init__(
        self,
        settings: Settings,
        callers: Callers,
        upstream: Upstream,
        live: Live,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._callers = callers
        self._upstream = upstream
        self._reads = Reads(upstream)
        self._refinements = Refinements(upstream)
        self._live = live
        self._clock = clock

    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        caller = self._callers.find(ctx)
        view = caller.view if caller is not None else self._callers.view
        # One page: 28 tools are well within what clients take at once.
        return ListToolsResult(tools=[tool.tool for tool in view.tools])

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: CallToolRequestParams
    ) -> CallToolResult | dict[str, Any]:
        caller = self._callers.find(ctx)
        view = caller.view if caller is not None else self._callers.view
        tool = view.find(params.name)
        if tool is None:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {params.name}")
        started = time.monotonic()
        label = _Fingerprint(caller)
        try:
            if caller is None:
                caller = self._callers.of(ctx)
            if isinstance(tool, Operation):
                result = await self._call(tool, params.arguments, caller.key)
            else:
                result = await self._compose(ctx, tool, params.arguments, caller)
        except ToolError as failed:
            error = failed
            if isinstance(tool, Operation) and caller is not None:
                error = await self._refinements.explain(tool, params.arguments, failed, caller.key)
            logger.info("tool %s -> %d in %.0f ms (key %s)", tool.name, error.status, _ms(started), label)
            return error.as_result()
        logger.info("tool %s -> ok in %.0f ms (key %s)", tool.name, _ms(started), label)
        return result

    @staticmethod
    def input_schema(name: str) -> Mapping[str, Any] | None:
        """For the SDK's `Mcp-Param-*` header check, which runs before any request context exists."""
        tool = tools.tool_by_name(name)
        return tool.input_schema if tool is not None else None

    async def _compose(
        self, ctx: ServerRequestContext[Any], tool: Composite, raw: dict[str, Any] | None, caller: Caller
    ) -> dict[str, Any]:
        arguments = parse(tool, raw)
        call = CompositeCall(ctx, caller, self._reads, self._live.bus, self._settings)
        return composite_result(await tool.handler(call, arguments))

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


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


class _Fingerprint:
    """A caller's key fingerprint, computed only if the log line is written."""

    def __init__(self, caller: Caller | None) -> None:
        self._caller = caller

    def __str__(self) -> str:
        return self._caller.fingerprint if self._caller is not None else "none"
