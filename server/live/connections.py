"""Which client connection a request came on, and when that connection ends, from what we see ourselves.

The SDK hands lowlevel handlers a per-request `ServerSession` and no public handle on the connection
behind it, yet 2025-era resource subscriptions and client log levels belong to a connection and must be
let go when it ends. So connections are named and closed here, per transport:

    streamable HTTP   the `Mcp-Session-Id` header names the session. It ends with a DELETE for that id
                      that the SDK accepted (seen by `watching`), when the app stops (`close_all`), or
                      when whoever expires idle sessions calls `forget_session(id)`.
    legacy SSE        the `session_id` query parameter of the POSTs names the connection, as announced in
                      the stream's `endpoint` event, which `SseStream` notes through `sse_stream`; it ends
                      when that GET stream does.
    stdio, in memory  no HTTP request: one connection for the process, `LOCAL`.

A key means nothing outside this process; `on_close` callbacks run once, when the connection ends.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from mcp.server import ServerRequestContext
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["LOCAL", "Connections", "session_key"]

logger = logging.getLogger(__name__)

LOCAL = "local"
_SESSION_HEADER = "mcp-session-id"
# The legacy SSE transport's first event tells the client where to POST: `...?session_id=<uuid hex>`.
_ENDPOINT_SESSION = re.compile(rb"[?&]session_id=([0-9a-fA-F-]{32,36})")


class Connections:
    """Names each client connection and runs what must happen when it ends."""

    def __init__(self) -> None:
        self._on_close: dict[str, list[Callable[[], object]]] = {}
        self._sse_open: set[str] = set()

    def key(self, ctx: ServerRequestContext[Any, Any]) -> str | None:
        """The connection `ctx`'s request came on; None when it has none that lasts (stateless HTTP)."""
        request = ctx.request
        if request is None:
            return LOCAL
        if not isinstance(request, Request):
            return None
        session_id = request.headers.get(_SESSION_HEADER)
        if session_id:
            return session_key(session_id)
        # Only while that stream is open: no state outlives it, and the id alone names nothing elsewhere.
        sse = _sse_key(request.query_params.get("session_id"))
        return sse if sse in self._sse_open else None

    def on_close(self, key: str, callback: Callable[[], object]) -> None:
        """Run `callback` once when the connection `key` ends."""
        self._on_close.setdefault(key, []).append(callback)

    def forget(self, key: str) -> None:
        """The connection `key` has ended: run its callbacks."""
        for callback in self._on_close.pop(key, ()):
            try:
                callback()
            except Exception:  # one holder's failure must not keep the others' state alive
                logger.exception("releasing state of a closed connection failed")

    def forget_session(self, session_id: str) -> None:
        """The streamable HTTP session `session_id` has ended (for whoever expires idle sessions)."""
        self.forget(session_key(session_id))

    def close_all(self) -> None:
        """Every connection has ended (the app stops)."""
        for key in list(self._on_close):
            self.forget(key)

    @contextlib.contextmanager
    def sse_stream(self, send: Send) -> Iterator[Send]:
        """`send` of a legacy SSE GET, noting the connection it announces, which ends with the block."""
        announced: list[str] = []

        async def sending(message: Message) -> None:
            if not announced and message["type"] == "http.response.body":
                found = _ENDPOINT_SESSION.search(message.get("body", b""))
                key = _sse_key(found.group(1).decode()) if found else None
                if key is not None:
                    announced.append(key)
                    self._sse_open.add(key)
            await send(message)

        try:
            yield sending
        finally:
            for key in announced:
                self._sse_open.discard(key)
                self.forget(key)

    def watching(self, app: ASGIApp) -> ASGIApp:
        """`app` (the streamable HTTP endpoint), ending a session once the SDK accepts its DELETE."""

        async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
            session_id = Headers(scope=scope).get(_SESSION_HEADER) if scope["type"] == "http" else None
            if scope.get("method") != "DELETE" or not session_id:
                await app(scope, receive, send)
                return

            async def sending(message: Message) -> None:
                # A 2xx means the SDK terminated the session; a 404 (unknown id, another caller's
                # session) leaves everything as it was.
                if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                    self.forget_session(session_id)
                await send(message)

            await app(scope, receive, sending)

        return endpoint


def session_key(session_id: str) -> str:
    """The key of the streamable HTTP session `session_id`."""
    return f"http:{session_id}"


def _sse_key(session_id: str | None) -> str | None:
    # Spelt as the SDK reads it (any form `UUID(hex=...)` takes), so both sides agree.
    if session_id is None:
        return None
    try:
        return f"sse:{uuid.UUID(hex=session_id).hex}"
    except ValueError:
        return None
