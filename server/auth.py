"""Per-user credentials: each caller's own intervyo API key, used for that caller's request only.

Over HTTP every MCP request must carry `Authorization: Bearer <key>` or `x-api-key: <key>`; without one
the request is answered 401 before any MCP processing. The key rides the request as the SDK's
`AuthenticatedUser`, whose principal is the key's SHA-256, so a stateful MCP session is bound to the key
that opened it. On stdio there is no request, and the key comes from the settings
(`INTERVYO_API_KEY`). Nothing is cached per key, and logs only ever show `fingerprint(key)`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from mcp.server.auth.middleware.auth_context import auth_context_var, get_access_token
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from starlette.authentication import AuthCredentials
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["MAX_KEY_LENGTH", "ApiKeyMiddleware", "fingerprint", "key_from_headers", "request_key"]

MAX_KEY_LENGTH = 512

_MISSING = (
    "Send your intervyo API key with every request, as 'Authorization: Bearer <key>' or 'x-api-key: <key>'."
)


def fingerprint(key: str) -> str:
    """A short, non-reversible label for a key, the only form a key may take in logs."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def key_from_headers(headers: Headers) -> str | None:
    """The caller's key from `Authorization: Bearer` or `x-api-key`; None when absent or malformed."""
    authorization = headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    key = value.strip() if scheme.lower() == "bearer" else headers.get("x-api-key", "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable() or " " in key:
        return None
    return key


def request_key(request: object) -> str | None:
    """The key authenticated for this MCP message's HTTP request, if it came over HTTP."""
    if isinstance(request, Request):
        user = request.scope.get("user")
        if isinstance(user, AuthenticatedUser):
            return user.access_token.token
    token = get_access_token()
    return token.token if token is not None else None


class ApiKeyMiddleware:
    """Require a key on every request to the wrapped MCP endpoint; 401 without one.

    `fallback_key` is single-user mode: a person serving HTTP for themselves on loopback sets
    `INTERVYO_API_KEY`, and requests without a key use it (a key on the request still wins). The CLI
    refuses to combine it with a non-loopback address.
    """

    def __init__(self, app: ASGIApp, fallback_key: str | None = None) -> None:
        self.app = app
        self.fallback_key = fallback_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = key_from_headers(Headers(scope=scope)) or self.fallback_key
        if key is None:
            await _unauthorized(send)
            return
        # The principal is the full hash: sessions bind to it, and it says nothing about the key.
        token = AccessToken(token=key, client_id=hashlib.sha256(key.encode()).hexdigest(), scopes=[])
        user = AuthenticatedUser(token)
        scope["user"] = user
        scope["auth"] = AuthCredentials([])
        reset = auth_context_var.set(user)
        try:
            await self.app(scope, receive, send)
        finally:
            auth_context_var.reset(reset)


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
