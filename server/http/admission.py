"""Who may open an MCP session or SSE stream, how many each key may hold, and which give way when full.

Every request to /mcp that does not belong to a session this server admitted (a session's opening
`initialize`, stateless and 2026-07-28 requests) and every GET /sse is first checked with intervyo
(`server.upstream.key_check`): a key intervyo does not know gets 401 and nothing is created, so junk
keys cannot fill the session table.

    per key    at most `max_sessions_per_key` open sessions and SSE streams. A key at its cap that opens
               another gives up its own oldest idle session; with none idle the newcomer gets 429.
    idle       a session with no request in flight for `session_idle_minutes` is closed.
    global     at most `max_sessions`. When full, the oldest idle session of the key holding the most is
               closed to make room: a newcomer with a valid key is never the one refused while any
               session is idle; with none idle anywhere it gets 503.

Sessions are the SDK's (`StreamableHTTPSessionManager`). It has no public call to close one, so this
module closes a session the way its client would: a DELETE with its `Mcp-Session-Id`, sent as its owner
through the manager's public `handle_request`. A session is learnt from the `Mcp-Session-Id` header of
the answer that opened it; an SSE stream is held open by its connection and counted while it lasts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.streamable_http import MCP_SESSION_ID_HEADER
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.upstream.key_check import KeyCheckUnavailable

__all__ = ["Admission", "KeyVerifier", "Limits"]

logger = logging.getLogger(__name__)

KeyVerifier = Callable[[str], Awaitable[bool]]
"""`await accepted(key)`: whether intervyo knows the key (`server.upstream.key_check.KeyCheck.accepted`)."""

_SESSION_HEADER = MCP_SESSION_ID_HEADER.lower().encode()
_VERSION_HEADER = b"mcp-protocol-version"
_HANDSHAKE_VERSIONS = frozenset(HANDSHAKE_PROTOCOL_VERSIONS)


@dataclass(frozen=True)
class Limits:
    """How many sessions, per key and in all, and how long one may sit idle."""

    per_key: int
    total: int
    idle_s: float


@dataclass
class _Session:
    id: str
    owner: str  # SHA-256 of the key: enough to count and choose, nothing to reveal
    user: AuthenticatedUser | None  # to close it as its owner would; None for an SSE stream
    kind: Literal["http", "sse"]
    opened: float
    last_active: float
    in_flight: int = 0
    stop: anyio.CancelScope | None = field(default=None, repr=False)

    def idle_since(self) -> float | None:
        return None if self.in_flight or self.kind == "sse" else self.last_active


class _Refused(Exception):
    def __init__(self, status: int, error: str, description: str, retry_after_s: float | None = None):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.retry_after_s = retry_after_s


class Admission:
    """The gate in front of the session manager (`streamable`) and the SSE endpoint (`sse`).

    `close_session` is the manager's public `handle_request`, used to send the DELETE that closes an
    idle session. Run `async with admission.run():` for the idle sweep.
    """

    def __init__(
        self,
        accepted: KeyVerifier,
        limits: Limits,
        close_session: ASGIApp,
        *,
        stateless: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._accepted = accepted
        self._limits = limits
        self._close_session = close_session
        self._stateless = stateless
        self._clock = clock
        self._sessions: dict[str, _Session] = {}
        self._opening: dict[str, int] = {}  # owner -> sessions being opened right now
        self._lock = anyio.Lock()
        self.refused = 0  # opens refused for an unknown key (figures)
        self.shed = 0  # idle sessions closed to make room (figures)

    # -- figures ----------------------------------------------------------------------------------

    @property
    def open_sessions(self) -> int:
        return len(self._sessions)

    # -- the two gates ------------------------------------------------------------------------------

    def streamable(self, app: ASGIApp) -> ASGIApp:
        """Wrap the streamable HTTP endpoint (inside the key middleware, which sets `scope["user"]`)."""

        async def gate(scope: Scope, receive: Receive, send: Send) -> None:
            user = scope.get("user")
            if scope["type"] != "http" or not isinstance(user, AuthenticatedUser):
                await app(scope, receive, send)
                return
            key = user.access_token.token
            session_id = _header(scope, _SESSION_HEADER)
            if session_id is not None:
                await self._within_session(app, session_id, key, scope, receive, send)
                return
            try:
                await self._verify(key)
            except _Refused as refusal:
                await _refuse(refusal, send)
                return
            opening = (
                not self._stateless
                and scope["method"] == "POST"
                and _header(scope, _VERSION_HEADER) in (None, *_HANDSHAKE_VERSIONS)
            )
            if not opening:
                await app(scope, receive, send)
                return
            await self._open(app, key, user, scope, receive, send)

        return gate

    def sse(self, app: ASGIApp) -> ASGIApp:
        """Wrap GET /sse: a verified key, counted against the caps for as long as the stream is open."""

        async def gate(scope: Scope, receive: Receive, send: Send) -> None:
            user = scope.get("user")
            if scope["type"] != "http" or not isinstance(user, AuthenticatedUser):
                await app(scope, receive, send)
                return
            key = user.access_token.token
            owner = _owner(key)
            try:
                await self._verify(key)
                await self._make_room(owner)
            except _Refused as refusal:
                await _refuse(refusal, send)
                return
            now = self._clock()
            stream = _Session(f"sse-{id(scope)}", owner, None, "sse", now, now, in_flight=1)
            stream.stop = anyio.CancelScope()
            async with self._lock:
                self._release_opening(owner)
                self._sessions[stream.id] = stream
            try:
                with stream.stop:
                    await app(scope, receive, send)
            finally:
                self._sessions.pop(stream.id, None)

        return gate

    # -- the idle sweep ---------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """Close idle sessions every so often while the block runs."""
        interval = min(60.0, max(self._limits.idle_s / 4, 0.05))

        async def sweeping() -> None:
            while True:
                await anyio.sleep(interval)
                await self.sweep()

        async with anyio.create_task_group() as group:
            group.start_soon(sweeping)
            try:
                yield
            finally:
                group.cancel_scope.cancel()

    async def sweep(self, idle_s: float | None = None) -> int:
        """Close every session idle for longer than `idle_s` (default: the idle timeout) now; how many
        were closed."""
        cutoff = self._clock() - (self._limits.idle_s if idle_s is None else idle_s)
        async with self._lock:
            idle = [
                s
                for s in self._sessions.values()
                if (since := s.idle_since()) is not None and since <= cutoff
            ]
            for session in idle:
                del self._sessions[session.id]
        for session in idle:
            await self._close(session)
        if idle:
            logger.info("closed %d idle session(s)", len(idle))
        return len(idle)

    # -- inside ----------------------------------------------------------------------------------------

    async def _verify(self, key: str) -> None:
        try:
            known = await self._accepted(key)
        except KeyCheckUnavailable as error:
            raise _Refused(
                503,
                "key_check_unavailable",
                "intervyo could not verify your API key just now; try again shortly.",
                error.retry_after_s,
            ) from None
        if not known:
            self.refused += 1
            raise _Refused(
                401,
                "invalid_api_key",
                "intervyo does not recognise this API key (unknown or revoked): check the key you send as "
                "'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
            )

    async def _open(
        self, app: ASGIApp, key: str, user: AuthenticatedUser, scope: Scope, receive: Receive, send: Send
    ) -> None:
        owner = _owner(key)
        try:
            await self._make_room(owner)
        except _Refused as refusal:
            await _refuse(refusal, send)
            return
        opened: list[str] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                session_id = _header_of(message.get("headers", ()), _SESSION_HEADER)
                if session_id is not None:
                    now = self._clock()
                    self._sessions[session_id] = _Session(
                        session_id, owner, user, "http", now, now, in_flight=1
                    )
                    opened.append(session_id)
            await send(message)

        try:
            await app(scope, receive, watch)
        finally:
            async with self._lock:
                self._release_opening(owner)
            for session_id in opened:
                self._done(session_id)

    async def _within_session(
        self, app: ASGIApp, session_id: str, key: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        session = self._sessions.get(session_id)
        if session is None or session.owner != _owner(key):
            await app(scope, receive, send)  # not ours to count: the SDK answers 404
            return
        session.in_flight += 1
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await app(scope, receive, watch)
        finally:
            self._done(session_id)
            ended = status[:1] == [404] or (scope["method"] == "DELETE" and status[:1] and status[0] < 300)
            if ended:
                self._sessions.pop(session_id, None)

    def _done(self, session_id: str) -> None:
        session = self._sessions.get(session_id)
        if session is not None:
            session.in_flight -= 1
            session.last_active = self._clock()

    async def _make_room(self, owner: str) -> None:
        """Count one more opening for `owner`, closing an idle session first if a cap says so."""
        async with self._lock:
            victim: _Session | None = None
            mine = sum(1 for s in self._sessions.values() if s.owner == owner) + self._opening.get(owner, 0)
            if mine >= self._limits.per_key:
                victim = self._oldest_idle(owner)
                if victim is None:
                    raise _Refused(
                        429,
                        "too_many_sessions",
                        f"This API key already holds {self._limits.per_key} open MCP sessions and streams, "
                        "all busy. Close one you no longer use (DELETE /mcp with its Mcp-Session-Id) or "
                        "wait for one to finish.",
                        5.0,
                    )
            elif len(self._sessions) + sum(self._opening.values()) >= self._limits.total:
                victim = self._shed_candidate()
                if victim is None:
                    raise _Refused(
                        503,
                        "server_full",
                        "The server holds as many MCP sessions as it can, all busy; try again shortly.",
                        5.0,
                    )
                self.shed += 1
            if victim is not None:
                del self._sessions[victim.id]
            self._opening[owner] = self._opening.get(owner, 0) + 1
        if victim is not None:
            await self._close(victim)

    def _release_opening(self, owner: str) -> None:
        left = self._opening.get(owner, 0) - 1
        if left > 0:
            self._opening[owner] = left
        else:
            self._opening.pop(owner, None)

    def _oldest_idle(self, owner: str) -> _Session | None:
        idle = [s for s in self._sessions.values() if s.owner == owner and s.idle_since() is not None]
        return min(idle, key=lambda s: s.last_active, default=None)

    def _shed_candidate(self) -> _Session | None:
        """The oldest idle session of the key holding the most sessions among those with one idle."""
        held: dict[str, int] = {}
        for session in self._sessions.values():
            held[session.owner] = held.get(session.owner, 0) + 1
        best: _Session | None = None
        for session in self._sessions.values():
            if session.idle_since() is None:
                continue
            if best is None or (held[session.owner], -session.last_active) > (
                held[best.owner],
                -best.last_active,
            ):
                best = session
        return best

    async def _close(self, session: _Session) -> None:
        if session.kind == "sse":
            if session.stop is not None:
                session.stop.cancel()
            return
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "DELETE",
            "scheme": "http",
            "path": "/mcp",
            "raw_path": b"/mcp",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"127.0.0.1"), (_SESSION_HEADER, session.id.encode())],
            "client": None,
            "server": None,
            "user": session.user,
        }

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(_: Message) -> None:
            pass

        with anyio.CancelScope(shield=True):
            try:
                await self._close_session(scope, receive, send)
            except Exception:  # a session that ends badly while being closed is closed all the same
                logger.info("closing session %s raised", session.id[:8], exc_info=True)


def _owner(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _header(scope: Scope, name: bytes) -> str | None:
    return _header_of(scope["headers"], name)


def _header_of(headers: Any, name: bytes) -> str | None:
    for header, value in headers:
        if header.lower() == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


async def _refuse(refusal: _Refused, send: Send) -> None:
    body = json.dumps({"error": refusal.error, "error_description": refusal.description}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if refusal.status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="intervyo-mcp", error="invalid_token"'))
    if refusal.retry_after_s is not None:
        headers.append((b"retry-after", str(max(1, math.ceil(refusal.retry_after_s))).encode()))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
