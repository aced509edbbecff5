"""Log messages to the client: `logging/setLevel` and `notifications/message` about the client's own calls.

Handshake-era (2025-11-25) clients may set a level; from then on each tool call they make is reported at
`info` when it succeeds and at `warning` when it comes back as a tool error (tool name, outcome, time
taken, never arguments, results or keys), on that call's own stream. Logging is deprecated in
2026-07-28 (SEP-2577), where `logging/setLevel` no longer exists, so those clients are told nothing.

The level is kept per connection (`server.live.connections`: it goes when the connection ends), and
`wants_logs` tells the HTTP layer which sessions asked, so their tool calls are streamed rather than
answered as one JSON body (`server.http.response_mode`). The notification is sent as a plain typed
notification because the SDK's `send_log_message` helper is itself marked deprecated.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from mcp.server import ServerRequestContext
from mcp.server.context import CallNext
from mcp.types import (
    EmptyResult,
    LoggingLevel,
    LoggingMessageNotification,
    LoggingMessageNotificationParams,
    SetLevelRequestParams,
)

from server.http.response_mode import answered_as_json
from server.live.connections import Connections, session_key

__all__ = ["ClientLogs"]

_RANK: dict[str, int] = {
    level: rank
    for rank, level in enumerate(
        ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
    )
}


class ClientLogs:
    """The `logging/setLevel` handler, and a server middleware reporting tool calls at that level."""

    def __init__(self, connections: Connections) -> None:
        self._connections = connections
        self._levels: dict[str, int] = {}  # connection key -> lowest rank reported

    def wants_logs(self, session_id: str) -> bool:
        """Whether the HTTP session `session_id` set a log level (its calls have messages to carry)."""
        return session_key(session_id) in self._levels

    async def set_level(self, ctx: ServerRequestContext[Any], params: SetLevelRequestParams) -> EmptyResult:
        connection = self._connections.key(ctx)
        if connection is None:  # stateless HTTP: no later call could be told anything
            return EmptyResult()
        if connection not in self._levels:
            self._connections.on_close(connection, partial(self._levels.pop, connection, None))
        self._levels[connection] = _RANK[params.level]
        return EmptyResult()

    def _wanted(self, ctx: ServerRequestContext[Any, Any]) -> int | None:
        if not self._levels:  # nobody asked: every tool call passes here
            return None
        connection = self._connections.key(ctx)
        return None if connection is None else self._levels.get(connection)

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
        if ctx.method != "tools/call" or self._wanted(ctx) is None or answered_as_json(ctx):
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
        wanted = self._wanted(ctx)
        if wanted is None or _RANK[level] < wanted:
            return
        notification = LoggingMessageNotification(
            params=LoggingMessageNotificationParams(level=level, logger="intervyo", data=message)
        )
        await ctx.session.send_notification(notification, related_request_id=ctx.request_id)
