"""The HTTP layers around the MCP endpoints: Host/Origin checks, header hygiene, CORS, the SSE stream.

security_settings    Host and Origin allow-lists (DNS-rebinding protection): loopback plus config
TrimmedHeaderValues  header values without surrounding whitespace, as RFC 9110 defines them
BrowserCors          CORS for browser clients (MCP Inspector); agents' requests pass by
SseStream            GET /sse: one legacy SSE connection served by the MCP server
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from mcp.server import Server
from mcp.server.sse import SseServerTransport
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from server.live.connections import Connections
from server.settings import Settings

__all__ = [
    "CORS_HEADERS",
    "LOOPBACK_HOSTS",
    "BrowserCors",
    "SseStream",
    "TrimmedHeaderValues",
    "security_settings",
]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

# What browser-based clients (MCP Inspector) must be allowed to send and read.
CORS_HEADERS = [
    "Authorization",
    "Content-Type",
    "x-api-key",
    "Mcp-Protocol-Version",
    "Mcp-Session-Id",
    "Mcp-Method",
    "Mcp-Name",
    "Last-Event-ID",
    "X-Intervyo-Toolsets",
    "X-Intervyo-Read-Only",
]


def security_settings(settings: Settings) -> TransportSecuritySettings:
    """Host/Origin allow-lists: loopback on any port, plus what the deployment configures."""
    hosts = [*LOOPBACK_HOSTS, *(f"{host}:*" for host in LOOPBACK_HOSTS), *settings.allowed_hosts]
    if settings.public_url is not None:  # the public origin's Host is expected (OAuth, server.oauth)
        hosts.append(urlsplit(settings.public_url).netloc)
    origins = [
        *(
            f"{scheme}://{host}{port}"
            for scheme in ("http", "https")
            for host in LOOPBACK_HOSTS
            for port in ("", ":*")
        ),
        *settings.allowed_origins,
    ]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


class TrimmedHeaderValues:
    """Header values without surrounding spaces or tabs, as RFC 9110 defines them.

    uvicorn's fast parser (httptools) keeps the whitespace after a value that its pure-Python one (h11)
    drops, and the SDK compares `Mcp-Method` and `Mcp-Name` with the request body exactly.
    """

    def __init__(self, app: ASGIApp, /) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(_padded(value) for _, value in scope["headers"]):
            scope = {**scope, "headers": [(name, value.strip(b" \t")) for name, value in scope["headers"]]}
        await self._app(scope, receive, send)


def _padded(value: bytes) -> bool:
    return value[:1] in (b" ", b"\t") or value[-1:] in (b" ", b"\t")


class BrowserCors:
    """CORS for browser clients such as MCP Inspector; a request without an Origin header passes by.

    Only browsers send Origin, and Starlette's CORS layer wraps every response it sees; agents' HTTP
    clients need none of it.
    """

    def __init__(self, app: ASGIApp, /, **options: Any) -> None:
        self._app = app
        self._cors = CORSMiddleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(name == b"origin" for name, _ in scope["headers"]):
            await self._cors(scope, receive, send)
        else:
            await self._app(scope, receive, send)


class SseStream:
    """GET /sse: one legacy SSE connection, served by the same MCP server until the client leaves."""

    def __init__(
        self,
        server: Server[object],
        sse: SseServerTransport,
        security: TransportSecuritySettings,
        connections: Connections,
    ):
        self._server = server
        self._sse = sse
        self._connections = connections
        self._security = TransportSecurityMiddleware(security)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Checked here first: the transport answers a bad Host itself but then raises.
        refusal = await self._security.validate_request(Request(scope, receive))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        # The connection's subscriptions and log level go when its stream ends (server.live.connections).
        with self._connections.sse_stream(send) as sending:
            async with self._sse.connect_sse(scope, receive, sending) as (read, write):
                await self._server.run(read, write, self._server.create_initialization_options())
