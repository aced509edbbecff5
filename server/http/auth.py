"""Per-user credentials over HTTP: each request's own intervyo key, resolved into its `Caller` once.

Every MCP request must carry `Authorization: Bearer <key>` or `x-api-key: <key>`; without one it is
answered 401 before any MCP processing. The middleware resolves the request's `Caller` (`server.caller`:
the key, and the server's view narrowed by the request's visibility headers) and attaches it as the SDK's
authenticated user, through which the SDK binds a stateful session to the key that opened it. Nothing is
cached per key, and logs only ever show `fingerprint(key)`.

With OAuth sign-in on (`server.oauth`), a bearer token of ours (`ivo_...`) stands for a grant: it is
resolved to the key behind it, the grant's scopes narrow the caller's view exactly as the
`X-Intervyo-Read-Only` / `X-Intervyo-Toolsets` headers would, and the session is bound to the grant.
Every 401 then names the resource metadata.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from starlette.authentication import AuthCredentials
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from server.caller import Caller, CallerUser
from server.visibility import Visibility

if TYPE_CHECKING:
    from server.oauth import OAuth

__all__ = ["MAX_KEY_LENGTH", "ApiKeyMiddleware", "key_from_headers"]

MAX_KEY_LENGTH = 512

_MISSING = (
    "Send your intervyo API key with every request, as 'Authorization: Bearer <key>' or 'x-api-key: <key>'."
)
_INVALID_TOKEN = "The access token is expired, revoked or not for this server; sign in again."


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

    def __init__(
        self, app: ASGIApp, view: Visibility, fallback_key: str | None = None, oauth: OAuth | None = None
    ) -> None:
        self.app = AuthContextMiddleware(app)
        self.view = view
        self.fallback_key = fallback_key
        self.oauth = oauth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = key_from_headers(headers)
        view = self.view.narrowed(headers)
        principal = None
        if key is not None and self.oauth is not None and self.oauth.recognises(key):
            grant = await self.oauth.resolve(key)
            if grant is None:
                await _unauthorized(send, self.oauth, invalid_token=True)
                return
            key = grant.api_key
            view = view.restricted(grant.toolsets, read_only=grant.read_only)
            principal = f"grant:{grant.grant_id}"
        key = key or self.fallback_key
        if key is None:
            await _unauthorized(send, self.oauth)
            return
        scope["user"] = CallerUser(Caller(key, view), principal=principal)
        scope["auth"] = AuthCredentials([])
        await self.app(scope, receive, send)


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
