"""RFC 9207 on every authorization response, errors included.

The consent page puts `iss` on the redirects it makes; the SDK's /authorize handler makes its own error
redirects (`invalid_target`, `invalid_scope`, ...) without it. A client that saw
`authorization_response_iss_parameter_supported` rejects a response without `iss` before reading the
error, so this wrapper adds it to any redirect from /authorize that carries `error`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from mcp.server.auth.provider import construct_redirect_uri
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["WithIssuer"]


class WithIssuer:
    def __init__(self, app: ASGIApp, issuer: str) -> None:
        self._app = app
        self._issuer = issuer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_issuer(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (302, 303):
                message = {
                    **message,
                    "headers": [self._header(name, value) for name, value in message["headers"]],
                }
            await send(message)

        await self._app(scope, receive, send_with_issuer)

    def _header(self, name: bytes, value: bytes) -> tuple[bytes, bytes]:
        if name.lower() != b"location":
            return name, value
        query = dict(parse_qsl(urlsplit(value.decode("latin-1")).query))
        if "error" not in query or "iss" in query:
            return name, value
        return name, construct_redirect_uri(value.decode("latin-1"), iss=self._issuer).encode("latin-1")
