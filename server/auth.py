"""Per-user credentials over HTTP: each request's own intervyo key, resolved into its `Caller` once.

Every MCP request must carry `Authorization: Bearer <key>` or `x-api-key: <key>`; without one it is
answered 401 before any MCP processing. The middleware resolves the request's `Caller` (`server.caller`:
the key, and the server's view narrowed by the request's visibility headers) and attaches it as the SDK's
authenticated user, through which the SDK binds a stateful session to the key that opened it. Nothing is
cached per key, and logs only ever show `fingerprint(key)`.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from starlette.authentication import AuthCredentials
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from server.caller import Caller, CallerUser
from server.visibility import Visibility

__all__ = ["MAX_KEY_LENGTH", "ApiKeyMiddleware", "key_from_headers"]

MAX_KEY_LENGTH = 512

_MISSING = (
    "Send your intervyo API key with every request, as 'Authorization: Bearer <key>' or 'x-api-key: <key>'."
)


def key_from_headers(headers: Headers) -> str | None:
    """The caller's key from `Authorization: Bearer` or `x-api-key`; None when absent or malformed."""
    authorization = headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    key = value.strip() if scheme.lower() == "bearer" else headers.get("x-api-key", "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable() or " " in key:
        return None
    return key


class ApiKeyMiddleware:
    """Require a key on every request to the wrapped MCP endpoint (401 without one); resolve its caller.

    `fallback_key` is single-user mode: a person serving HTTP for themselves on loopback sets
    `INTERVYO_API_KEY`, and requests without a key use it (a key on the request still wins). The CLI
    refuses to combine it with a non-loopback address.
    """

    def __init__(self, app: ASGIApp, view: Visibility, fallback_key: str | None = None) -> None:
        self.app = AuthContextMiddleware(app)
        self.view = view
        self.fallback_key = fallback_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = key_from_headers(headers) or self.fallback_key
        if key is None:
            await _unauthorized(send)
            return
        scope["user"] = CallerUser(Caller(key, self.view.narrowed(headers)))
        scope["auth"] = AuthCredentials([])
        await self.app(scope, receive, send)


async def _unauthorized(send: Send) -> None:
    body = json.dumps({"error": "missing_api_key", "error_description": _MISSING}).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", b'Bearer realm="intervyo-mcp"'),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": 401, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
