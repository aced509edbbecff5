"""Log messages to the client: `logging/setLevel` and `notifications/message` about the client's own calls.

Handshake-era (2025-11-25) clients may set a level; from then on each tool call they make is reported at
`info` when it succeeds and at `warning` when it comes back as a tool error (tool name, outcome, time
taken, never arguments, results or keys), on that call's own stream. Logging is deprecated in
2026-07-28 (SEP-2577), where `logging/setLevel` no longer exists, so those clients are told nothing.

The level is kept per connection (weakly: it goes when the connection does), and `wants_logs` tells the
HTTP layer which sessions asked, so their tool calls are streamed rather than answered as one JSON body
(`server.response_mode`). The notification is sent as a plain typed notification because the SDK's
`send_log_message` helper is itself marked deprecated.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from mcp.server import ServerRequestContext
from mcp.server.connection import Connection
from mcp.server.context import CallNext
from mcp.types import (
    EmptyResult,
    LoggingLevel,
    LoggingMessageNotification,
    LoggingMessageNotificationParams,
    SetLevelRequestParams,
)
from starlette.requests import Request

from server.response_mode import answered_as_json
from server.subscriptions import connection_of

__all__ = ["ClientLogs"]

_RANK: dict[str, int] = {
    level: rank
    for rank, level in enumerate(
        ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
    )
}


class ClientLogs:
    """The `logging/setLevel` handler, and a server middleware reporting tool calls at that level."""

    def __init__(self) -> None:
        self._levels: weakref.WeakKeyDictionary[Connection, int] = weakref.WeakKeyDictionary()
        self._sessions: weakref.WeakValueDictionary[str, Connection] = weakref.WeakValueDictionary()

    def wants_logs(self, session_id: str) -> bool:
        """Whether the HTTP session `session_id` set a log level (its calls have messages to carry)."""
        connection = self._sessions.get(session_id)
        return connection is not None and connection in self._levels

    async def set_level(self, ctx: ServerRequestContext[Any], params: SetLevelRequestParams) -> EmptyResult:
        connection = connection_of(ctx)
        self._levels[connection] = _RANK[params.level]
        session_id = ctx.request.headers.get("mcp-session-id") if isinstance(ctx.request, Request) else None
        if session_id:
            self._sessions[session_id] = connection
        return EmptyResult()

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
        if ctx.method != "tools/call" or connection_of(ctx) not in self._levels or answered_as_json(ctx):
            return await call_next(ctx)
        started = time.monotonic()
        result = await call_next(ctx)
        # The chain hands back the result already serialised for the wire.
        if isinstance(result, dict) and "content" in result:
            name = str((ctx.params or {}).get("name", "?"))
            took = f"{(time.monotonic() - started) * 1000:.0f} ms"
            if result.get("isError"):
                await self._send(ctx, "warning", f"{name} came back as a tool error after {took}")
            else:
                await self._send(ctx, "info", f"{name} succeeded in {took}")
        return result

    async def _send(self, ctx: ServerRequestContext[Any, Any], level: LoggingLevel, message: str) -> None:
        wanted = self._levels.get(connection_of(ctx))
        if wanted is None or _RANK[level] < wanted:
            return
        notification = LoggingMessageNotification(
            params=LoggingMessageNotificationParams(level=level, logger="intervyo", data=message)
        )
        await ctx.session.send_notification(notification, related_request_id=ctx.request_id)
