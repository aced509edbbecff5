"""Answering each MCP request as one JSON body, unless something has to be streamed with it.

Streamable HTTP lets a server answer a POSTed request either with `application/json` (the response
alone) or with `text/event-stream` (messages about the request, then the response), and clients must
accept both. A stream costs the SDK a response task group, a disconnect watcher and a hand-off per
message, about a third of the server's CPU per tool call, so a request is streamed only when something
can ride along with its answer or when it can run long:

- it carries a progress token (`params._meta.progressToken`);
- it is a `tools/call` in a handshake-era session whose client set a log level (`ClientLogs` reports
  each call on that call's own stream);
- it calls a `long_running` tool (`wait_for_scorecard`, `execute_code`): a stream notices a client that
  goes away and cancels the call, a JSON answer does not;
- it is `subscriptions/listen`, a stream by definition.

Everything else (most tool calls, every list, read and get, the handshake itself) is answered as JSON.
`INTERVYO_JSON_RESPONSE` turns this off and answers everything as JSON, streams included.

How: the SDK reads its JSON-response switch as a truth value where it chooses (`json_response` on the
session manager and on the 2026 path, `is_json_response_enabled` on the handshake-era transport).
`PerRequest` is that switch, true only inside the HTTP request task that chose JSON; tasks started from
that request (a new session's message loop and router) see it false, so they route a streamed request's
messages as usual. The choice is also written into the ASGI scope, where handlers can see it
(`answered_as_json`) and so never send a message that a JSON answer has no room for.

Why not a public switch (issue 11): a handshake-era session's transport takes the manager's switch once,
when the session opens, and the SDK gives no public way to reach that transport or choose per request;
two session managers (one JSON, one streaming) could split 2026-07-28 and stateless traffic, but a
stateful session lives in one manager, so `PerRequest` would still be needed for it. Streaming every
handshake-era request instead (measured with `python -m bench`, 2 runs each against 2 of main) raised
the server's CPU per call from 0.38-0.54 to 0.45-0.75 of the peer's, the 2025-11-25 latency ratio to
0.81-0.82 (target <= 0.8; main 0.71-0.80) and dropped throughput at 32 clients to 1.21-1.45x the peer
(target >= 1.5; main 1.74-2.25).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from mcp.server import ServerRequestContext
from pydantic_core import from_json
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PerRequest", "ResponseMode", "answered_as_json"]

_SCOPE_KEY = "intervyo.answered_as_json"

_chosen_by: ContextVar[asyncio.Task[Any] | None] = ContextVar("intervyo_json_chosen_by", default=None)


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop
        return None


class PerRequest:
    """The SDK's JSON-response switch, decided request by request by `ResponseMode`."""

    def __bool__(self) -> bool:
        chosen = _chosen_by.get()
        return chosen is not None and chosen is _current_task()

    def __repr__(self) -> str:
        return "PerRequest()"


def answered_as_json(ctx: ServerRequestContext[Any, Any]) -> bool:
    """Whether the request behind `ctx` is being answered as one JSON body (no room for notifications)."""
    request = ctx.request
    return isinstance(request, Request) and request.scope.get(_SCOPE_KEY) is True


class ResponseMode:
    """ASGI wrapper around the streamable HTTP endpoint that chooses JSON or a stream for each POST.

    `long_running` names the tools that are always streamed; `logs_wanted(session_id)` says whether a
    handshake-era session asked for log messages. Bodies over `max_body_bytes` are passed on undecided
    (streamed, the SDK's default) for the SDK to refuse.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        long_running: Iterable[str],
        logs_wanted: Callable[[str], bool],
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self._long_running = frozenset(long_running)
        self._logs_wanted = logs_wanted
        self._max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        received, body = await _read_body(receive, self._max_body_bytes)
        replay = _replaying(received, receive)
        if body is None or not self._as_json(scope, body):
            await self.app(scope, replay, send)
            return
        scope[_SCOPE_KEY] = True
        token = _chosen_by.set(_current_task())
        try:
            await self.app(scope, replay, send)
        finally:
            _chosen_by.reset(token)

    def _as_json(self, scope: Scope, body: bytes) -> bool:
        try:
            message = from_json(body)
        except ValueError:
            return False  # the SDK answers the parse error
        if not isinstance(message, dict) or "id" not in message or not isinstance(message.get("method"), str):
            return False  # notifications get 202 either way; anything else is the SDK's to refuse
        params = message.get("params")
        params = params if isinstance(params, dict) else {}
        meta = params.get("_meta")
        if isinstance(meta, dict) and meta.get("progressToken") is not None:
            return False
        method = message["method"]
        if method == "subscriptions/listen":
            return False
        if method == "tools/call":
            name = params.get("name")
            if not isinstance(name, str) or name in self._long_running:  # a bad name is the SDK's to refuse
                return False
            session_id = Headers(scope=scope).get("mcp-session-id")
            if session_id is not None and self._logs_wanted(session_id):
                return False
        return True


async def _read_body(receive: Receive, limit: int) -> tuple[list[Message], bytes | None]:
    """The messages read, and the whole body (None when the client left or the body is over `limit`)."""
    received: list[Message] = []
    size = 0
    while True:
        message = await receive()
        received.append(message)
        if message["type"] != "http.request":
            return received, None
        size += len(message.get("body", b""))
        if size > limit:
            return received, None
        if not message.get("more_body", False):
            return received, b"".join(m.get("body", b"") for m in received)


def _replaying(received: list[Message], receive: Receive) -> Receive:
    """A `receive` that hands out the messages already read, then reads on."""
    pending = deque(received)

    async def replay() -> Message:
        return pending.popleft() if pending else await receive()

    return replay
