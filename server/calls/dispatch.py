"""The `tools/list` and `tools/call` handlers: the one dispatcher over the catalog (`tools.TOOLS`).

One call: the request's caller (`server.caller`) -> find the tool in the caller's view (unknown or hidden:
a protocol error) -> validate the arguments (failures come back as an `isError` result naming each field;
intervyo is not called) -> an operation is proxied to intervyo under the caller's key; one that takes an
idempotency key gets one derived if none was given, claimed for these arguments first
(`server.upstream.idempotency`); a composite tool runs the handler its declaration names -> the
structured result and its text rendering. Every `ToolError` on the way becomes an `isError` result; a
keyed call's result and error both name its key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
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
from server.caller import Caller, Callers
from server.calls.arguments import parse
from server.calls.composites import CompositeCall, composite_result
from server.calls.refinements import Refinements
from server.calls.rendering import render
from server.errors import ToolError
from server.live.hub import Live
from server.settings import Settings
from server.upstream import idempotency
from server.upstream.client import Upstream
from server.upstream.idempotency_keys import KeyRecords, records_for
from server.upstream.reads import Reads
from server.upstream.results import tool_result
from tools import Composite, Operation

__all__ = ["ToolCalls"]

logger = logging.getLogger(__name__)

# Deliberate re-schedules chained on one call's finished sessions; past this, the replay is returned as is.
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
        keys: KeyRecords | None = None,
    ) -> None:
        self._settings = settings
        self._callers = callers
        self._upstream = upstream
        self._reads = Reads(upstream)
        self._refinements = Refinements(upstream)
        self._live = live
        self._keys = keys or records_for(settings)

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
        if idempotency.FIELD in type(arguments).model_fields:
            structured = await self._keyed_call(op, arguments, key)
        else:
            structured = await self._refinements.call(op, arguments, key)
        structured = await self._refinements.after(op, arguments, structured, key)
        return tool_result(render(op, structured), structured)

    async def _keyed_call(self, op: Operation, arguments: BaseModel, key: str) -> dict[str, Any]:
        values = arguments.model_dump(mode="json", exclude={idempotency.FIELD})
        derived = getattr(arguments, idempotency.FIELD) is None
        if derived:
            arguments = arguments.model_copy(
                update={idempotency.FIELD: idempotency.derive(key, op.name, values)}
            )
        try:
            structured = await self._send_keyed(op, arguments, values, key)
            for _ in range(_MAX_RESCHEDULES):
                if not (derived and idempotency.is_finished_replay(structured)):
                    break
                # The earlier call's session is over (cancelled, failed or done): asking again is a
                # deliberate re-schedule, not a repeat. Chain the new key on the old session, so this is
                # idempotent too.
                chained = idempotency.derive(key, op.name, {**values, "after": str(structured["id"])})
                arguments = arguments.model_copy(update={idempotency.FIELD: chained})
                structured = await self._send_keyed(op, arguments, values, key)
        except ToolError as error:
            if error.idempotency_key is None:
                error.idempotency_key = getattr(arguments, idempotency.FIELD)
            raise
        structured[idempotency.FIELD] = getattr(arguments, idempotency.FIELD)
        return structured

    async def _send_keyed(
        self, op: Operation, arguments: BaseModel, values: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """One keyed call: the key claimed for these arguments first, the replay checked against them."""
        idempotency_key: str = getattr(arguments, idempotency.FIELD)
        request = idempotency.fingerprint(op.name, values)
        if await self._keys.claim(key, idempotency_key, request) != request:
            raise idempotency.KeyReused(idempotency_key)
        structured = await self._refinements.call(op, arguments, key)
        if idempotency.replay_mismatch(structured, values):
            raise idempotency.KeyReused(idempotency_key)
        return structured


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


class _Fingerprint:
    """A caller's key fingerprint, computed only if the log line is written."""

    def __init__(self, caller: Caller | None) -> None:
        self._caller = caller

    def __str__(self) -> str:
        return self._caller.fingerprint if self._caller is not None else "none"
