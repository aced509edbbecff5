"""The composite tools (`tools.COMPOSITES`) and how they join the catalog's tools in one tool list.

`get_scorecard` and `get_transcript` return the same documents as the scorecard and transcript
resources, for clients that do not support resources. `wait_for_scorecard` re-reads the session every
`wait_poll_interval_s` (and at once when the bus announces an update for it), reports progress while it
waits, and returns the scorecard as soon as it exists, or after the wait (default `wait_default_s`,
inside a client's ~60 s tool budget) a "not yet" saying when to ask again.

`ToolRouter` puts them after the catalog's tools in `tools/list` and dispatches `tools/call`, under the
same visibility rules (toolsets, read-only, the narrowing headers) as every other tool.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import anyio
from mcp.server import ServerRequestContext
from mcp.server.subscriptions import ResourceUpdated, ServerEvent
from mcp.shared.exceptions import MCPError
from mcp.types import (
    INVALID_PARAMS,
    CallToolRequestParams,
    CallToolResult,
    ListToolsResult,
    PaginatedRequestParams,
)
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

import tools
from server.bus import Bus
from server.errors import InvalidArguments, MissingApiKey, ToolError
from server.local_times import echo_local
from server.reads import MissingKey, Reads, caller_key
from server.results import tool_result
from server.scorecards import scorecard_document
from server.settings import Settings
from server.tool_calls import ToolCalls
from server.transcripts import transcript_document
from server.uris import scorecard_uri
from server.visibility import Visibility
from tools import Composite
from tools.scorecards import (
    TRANSCRIPT_PAGE,
    GetScorecard,
    GetTranscript,
    ScorecardDocument,
    WaitForScorecard,
)

__all__ = ["CompositeTools", "ToolRouter"]

_NEVER_SCORED = frozenset({"failed", "cancelled"})
_ASK_AGAIN_S = 30


class CompositeTools:
    """Answers the composite tools from reads under the caller's key."""

    def __init__(self, settings: Settings, reads: Reads, bus: Bus) -> None:
        self._reads = reads
        self._bus = bus
        self._stdio_key = settings.api_key
        self._default_wait_s = settings.wait_default_s
        self._poll_s = settings.wait_poll_interval_s

    async def call(
        self, ctx: ServerRequestContext[Any], tool: Composite, raw: dict[str, Any] | None
    ) -> CallToolResult | dict[str, Any]:
        try:
            key = caller_key(ctx, self._stdio_key)
        except MissingKey:
            return MissingApiKey().as_result()
        try:
            arguments = _parse(tool, raw)
            if isinstance(arguments, GetScorecard):
                return _result(scorecard_document(await self._reads.session(str(arguments.session_id), key)))
            if isinstance(arguments, GetTranscript):
                session = await self._reads.session(str(arguments.session_id), key)
                document = await transcript_document(
                    self._reads, session, from_turn=arguments.from_turn, limit=TRANSCRIPT_PAGE
                )
                return _result(document)
            if isinstance(arguments, WaitForScorecard):
                return _result(await self._wait(ctx, arguments, key))
        except ToolError as error:
            return error.as_result()
        raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {tool.name}")

    async def _wait(
        self, ctx: ServerRequestContext[Any], arguments: WaitForScorecard, key: str
    ) -> ScorecardDocument:
        session_id = str(arguments.session_id)
        budget = float(arguments.timeout_s or self._default_wait_s)
        started = time.monotonic()
        wake = _Wake(scorecard_uri(session_id))
        unsubscribe = self._bus.subscribe(wake.hear)
        try:
            while True:
                session = await self._reads.session(session_id, key)
                document = scorecard_document(session)
                if document.ready or document.status in _NEVER_SCORED:
                    return document
                if document.status == "scheduled":
                    return _not_due(document, session)
                waited = time.monotonic() - started
                await ctx.session.report_progress(
                    min(waited, budget), budget, f"Waiting for the scorecard: status is {document.status}."
                )
                if waited >= budget:
                    break
                await wake.wait(min(self._poll_s, budget - waited))
        finally:
            unsubscribe()
        return document.model_copy(
            update={
                "message": (
                    f"Not yet: still not scored after waiting {budget:.0f} s (status is {document.status}); "
                    f"scorecards arrive 30 s-2 min after completion. Call wait_for_scorecard again in "
                    f"about {_ASK_AGAIN_S} s."
                ),
                "retry_after_s": _ASK_AGAIN_S,
            }
        )


def _not_due(document: ScorecardDocument, session: dict[str, Any]) -> ScorecardDocument:
    """A session that has not started cannot be scored within any wait: say when it is, at once."""
    times = echo_local({k: session.get(k) for k in ("scheduled_at", "timezone")}, ["scheduled_at"])
    when = session.get("scheduled_at")
    starts = f" for {when} ({times.get('scheduled_at_local')} local)" if when else ""
    seconds = _seconds_until(when)
    return document.model_copy(
        update={
            "message": (
                f"Not due: the interview is scheduled{starts} and has not started; its scorecard comes "
                "30 s-2 min after it ends. Call wait_for_scorecard once it has taken place."
            ),
            "retry_after_s": max(_ASK_AGAIN_S, seconds),
        }
    )


def _seconds_until(when: object) -> int:
    if not isinstance(when, str):
        return 0
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((moment - datetime.now(UTC)).total_seconds()))


class ToolRouter:
    """`tools/list` and `tools/call` over the catalog's operations and the composite tools."""

    def __init__(self, settings: Settings, tool_calls: ToolCalls, composites: CompositeTools) -> None:
        self._visibility = Visibility.from_settings(settings)
        self._tool_calls = tool_calls
        self._composites = composites

    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        listed = await self._tool_calls.list_tools(ctx, params)
        extra = [tool.tool for tool in tools.COMPOSITES if self._visible(ctx, tool)]
        return ListToolsResult(tools=[*listed.tools, *extra])

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: CallToolRequestParams
    ) -> CallToolResult | dict[str, Any]:
        composite = tools.composite_by_name(params.name)
        if composite is None:
            result = await self._tool_calls.call_tool(ctx, params)
            return result
        if not self._visible(ctx, composite):
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {params.name}")
        return await self._composites.call(ctx, composite, params.arguments)

    def input_schema(self, name: str) -> Mapping[str, Any] | None:
        composite = tools.composite_by_name(name)
        if composite is not None:
            return composite.input_schema
        return self._tool_calls.input_schema(name)

    def _visible(self, ctx: ServerRequestContext[Any], tool: Composite) -> bool:
        headers = ctx.request.headers if isinstance(ctx.request, Request) else None
        view = self._visibility.narrowed(headers)
        return tool.toolset in view.toolsets and (tool.read_only or not view.read_only)


class _Wake:
    """Set when the bus announces an update of `uri`; `wait` sleeps until then or for `seconds`."""

    def __init__(self, uri: str) -> None:
        self._uri = uri
        self._event = anyio.Event()

    def hear(self, event: ServerEvent) -> None:
        if isinstance(event, ResourceUpdated) and event.uri == self._uri:
            self._event.set()

    async def wait(self, seconds: float) -> None:
        with anyio.move_on_after(seconds):
            await self._event.wait()
        self._event = anyio.Event()


def _parse(tool: Composite, raw: dict[str, Any] | None) -> BaseModel:
    try:
        return tool.arguments.model_validate(raw or {})
    except ValidationError as error:
        raise InvalidArguments.from_validation(tool.name, error) from None


def _result(document: BaseModel) -> dict[str, Any]:
    structured = document.model_dump(mode="json", exclude_none=True)
    message = structured.get("message")
    text = json.dumps(structured, ensure_ascii=False, separators=(",", ":"))
    return tool_result(f"{message}\n{text}" if message else text, structured)
