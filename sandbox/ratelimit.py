"""Per-key rate limiting and the `X-RateLimit-*` headers on every `/api/v1` response.

A fixed one-minute window per API key (callers without a key are counted by client address).
`X-RateLimit-Limit` is the window's allowance, `X-RateLimit-Remaining` what is left of it, and
`X-RateLimit-Reset` the Unix time (seconds) when the window resets. Over the limit: 429 with
`Retry-After` (whole seconds until the reset). With no limit configured the sandbox never throttles
and reports a generous nominal allowance, so clients that pace themselves on the headers still can.
The counters are runtime state, deliberately not persisted: a restart forgets them, as a real
gateway's would.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.api import API_PREFIX
from sandbox.auth import API_KEY_HEADER

__all__ = ["NOMINAL_LIMIT", "RateLimitMiddleware", "RateLimiter", "Verdict"]

NOMINAL_LIMIT = 10_000
_WINDOW = 60.0


@dataclass(frozen=True)
class Verdict:
    """One request's standing in its window, and the headers that report it."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(math.ceil(self.reset_at)).encode()),
        ]
        if not self.allowed:
            headers.append((b"retry-after", str(max(1, math.ceil(self.reset_at - time.time()))).encode()))
        return headers


class RateLimiter:
    """Fixed-window counters per caller; `per_minute` None never refuses."""

    def __init__(self, per_minute: int | None) -> None:
        self._per_minute = per_minute
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, caller: str) -> Verdict:
        """Count one request of `caller`, unless it is over the limit."""
        now = time.time()
        limit = self._per_minute or NOMINAL_LIMIT
        with self._lock:
            started, used = self._windows.get(caller, (now, 0))
            if now - started >= _WINDOW:
                started, used = now, 0
            allowed = self._per_minute is None or used < limit
            if allowed:
                used += 1
            self._windows[caller] = (started, used)
        return Verdict(allowed, limit, max(0, limit - used), started + _WINDOW)


class RateLimitMiddleware:
    """Counts each `/api/v1` request against its caller; answers 429 over the limit."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        verdict = self.limiter.hit(_caller(scope))
        if not verdict.allowed:
            body = json.dumps({"error": "Rate limit exceeded; retry after the Retry-After delay"}).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 429, "headers": headers + verdict.headers()})
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *verdict.headers()]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _caller(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name.decode("latin-1").lower() == API_KEY_HEADER:
            return "key:" + str(value.decode("latin-1")).strip()
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"
