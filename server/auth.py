"""Per-user credentials: each caller's own intervyo API key, used for that caller's request only.

Over HTTP every MCP request must carry `Authorization: Bearer <key>` or `x-api-key: <key>`; without one
the request is answered 401 before any MCP processing. The key rides the request as the SDK's
`AuthenticatedUser`, whose principal is the key's SHA-256, so a stateful MCP session is bound to the key
that opened it. On stdio there is no request, and the key comes from the settings
(`INTERVYO_API_KEY`). Nothing is cached per key, and logs only ever show `fingerprint(key)`.

With OAuth sign-in on (`server.oauth`), a bearer token of ours (`ivo_...`) stands for a grant: it is
resolved to the key behind it, and the grant's scopes narrow the request exactly as the
`X-Intervyo-Read-Only` / `X-Intervyo-Toolsets` headers would. Every 401 then names the resource metadata.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from mcp.server.auth.middleware.auth_context import auth_context_var, get_access_token
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from starlette.authentication import AuthCredentials
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from server.visibility import READ_ONLY_HEADER, TOOLSETS_HEADER

if TYPE_CHECKING:
    from server.oauth import Grant, OAuth

__all__ = ["MAX_KEY_LENGTH", "ApiKeyMiddleware", "fingerprint", "key_from_headers", "request_key"]

MAX_KEY_LENGTH = 512

_MISSING = (
    "Send your intervyo API key with every request, as 'Authorization: Bearer <key>' or 'x-api-key: <key>'."
)
_INVALID_TOKEN = "The access token is expired, revoked or not for this server; sign in again."


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

    def __init__(self, app: ASGIApp, fallback_key: str | None = None, oauth: OAuth | None = None) -> None:
        self.app = app
        self.fallback_key = fallback_key
        self.oauth = oauth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = key_from_headers(Headers(scope=scope))
        if key is not None and self.oauth is not None and self.oauth.recognises(key):
            grant = await self.oauth.resolve(key)
            if grant is None:
                await _unauthorized(send, self.oauth, invalid_token=True)
                return
            key = grant.api_key
            scope = _narrowed(scope, grant)
        key = key or self.fallback_key
        if key is None:
            await _unauthorized(send, self.oauth)
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


def _narrowed(scope: Scope, grant: Grant) -> Scope:
    """The request as if it had sent the narrowing headers the grant's scopes amount to."""
    headers = Headers(scope=scope)
    replaced: dict[bytes, str] = {}
    if grant.read_only:
        replaced[READ_ONLY_HEADER.encode()] = "true"
    elif READ_ONLY_HEADER in headers:
        replaced[READ_ONLY_HEADER.encode()] = headers[READ_ONLY_HEADER]
    if grant.toolsets is not None:
        asked = headers.get(TOOLSETS_HEADER)
        allowed = (
            grant.toolsets & {p.strip() for p in asked.split(",")} if asked is not None else grant.toolsets
        )
        replaced[TOOLSETS_HEADER.encode()] = ",".join(sorted(allowed))
    kept = [(name, value) for name, value in scope["headers"] if name.lower() not in replaced]
    return {**scope, "headers": [*kept, *((name, value.encode()) for name, value in replaced.items())]}


async def _unauthorized(send: Send, oauth: OAuth | None, *, invalid_token: bool = False) -> None:
    error = {"error": "invalid_token", "error_description": _INVALID_TOKEN} if invalid_token else None
    body = json.dumps(error or {"error": "missing_api_key", "error_description": _MISSING}).encode()
    challenge = 'Bearer realm="intervyo-mcp"'
    if oauth is not None:
        challenge = oauth.challenge("invalid_token", _INVALID_TOKEN) if invalid_token else oauth.challenge()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", challenge.encode()),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": 401, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
