"""The ASGI app served over HTTP.

    POST/GET/DELETE /mcp   streamable HTTP, both protocol eras (the SDK routes each request on its
                           MCP-Protocol-Version header: 2026-07-28 stateless, otherwise the handshake era
                           with sessions, or without them under `--stateless`)
    GET  /sse              legacy HTTP+SSE stream ...
    POST /messages/        ... and its message endpoint
    GET  /healthz          liveness, no key needed
    POST /webhooks/intervyo  intervyo's signed event deliveries (only when INTERVYO_WEBHOOK_SECRET is
                           set; verified by signature, not by key: see `server.webhooks`)
    /.well-known/oauth-*, /authorize, /token, /register, /revoke, /oauth/consent, /oauth/grants
                           OAuth sign-in, when INTERVYO_PUBLIC_URL is set (see `server.oauth`)

Every MCP endpoint requires the caller's key (`server.auth`), validates Host and Origin against the
loopback names plus the configured allow-lists (DNS-rebinding protection), and caps request bodies.
A POST to /mcp is answered as one JSON body unless something is streamed with it (`server.response_mode`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, cast
from urllib.parse import urlsplit

from mcp.server import Server
from mcp.server.sse import SseServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

import tools
from server import __version__
from server.auth import ApiKeyMiddleware
from server.client_logs import ClientLogs
from server.factory import build_server
from server.live import Live
from server.oauth import OAuth
from server.reads import Reads
from server.response_mode import PerRequest, ResponseMode
from server.settings import Settings
from server.upstream import Upstream
from server.webhooks import PATH as WEBHOOK_PATH

__all__ = ["LOOPBACK_HOSTS", "build_app", "security_settings"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

# What browser-based clients (MCP Inspector) must be allowed to send and read.
_CORS_HEADERS = [
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


def build_app(
    settings: Settings, upstream: Upstream | None = None, *, oauth: OAuth | None = None
) -> Starlette:
    """The whole HTTP surface for `settings`. `upstream` (and `oauth`) are opened and closed with the app."""
    upstream = upstream or Upstream(settings)
    # --- OAuth sign-in (server.oauth): on when settings.public_url is set ---------------------------
    if oauth is None and settings.public_url is not None:
        oauth = OAuth(settings, upstream)
    oauth_routes = oauth.routes if oauth is not None else []
    # ----------------------------------------------------------------------------------------------
    live = Live(settings, Reads(upstream))
    client_logs = ClientLogs()
    server = build_server(settings, upstream, live, client_logs)
    webhooks = [Route(WEBHOOK_PATH, live.webhooks.handle, methods=["POST"])] if live.webhooks else []
    security = security_settings(settings)
    manager = StreamableHTTPSessionManager(
        app=server,
        stateless=settings.stateless,
        # Decided per request (server.response_mode) unless every answer is to be JSON; the SDK only
        # ever takes the truth value of this switch.
        json_response=True if settings.json_response else cast(bool, PerRequest()),
        security_settings=security,
        max_request_body_size=settings.max_body_bytes,
    )
    streamable: ASGIApp = StreamableHTTPASGIApp(manager)
    if not settings.json_response:
        streamable = ResponseMode(
            streamable,
            long_running=(tool.name for tool in tools.TOOLS if tool.long_running),
            logs_wanted=client_logs.wants_logs,
            max_body_bytes=settings.max_body_bytes,
        )
    sse = SseServerTransport(
        "/messages/", security_settings=security, max_request_body_size=settings.max_body_bytes
    )

    # Single-user mode: INTERVYO_API_KEY on an HTTP server stands in for a missing request key.
    single_user_key = settings.api_key if settings.transport != "stdio" else None

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(upstream)
            if oauth is not None:
                await stack.enter_async_context(oauth)
            await stack.enter_async_context(manager.run())
            yield

    return Starlette(
        routes=[
            Route("/healthz", _healthz, methods=["GET"]),
            *webhooks,
            *oauth_routes,
            Route("/mcp", ApiKeyMiddleware(streamable, single_user_key, oauth)),
            Route(
                "/sse",
                ApiKeyMiddleware(_SseStream(server, sse, security), single_user_key, oauth),
                methods=["GET"],
            ),
            Mount("/messages/", app=ApiKeyMiddleware(sse.handle_post_message, single_user_key, oauth)),
        ],
        middleware=[
            Middleware(_TrimmedHeaderValues),
            Middleware(
                _BrowserCors,
                allow_origin_regex=r"https?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?",
                allow_origins=list(settings.allowed_origins),
                allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                allow_headers=_CORS_HEADERS,
                expose_headers=["Mcp-Session-Id"],
            ),
        ],
        lifespan=lifespan,
    )


class _TrimmedHeaderValues:
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


class _BrowserCors:
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


async def _healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok", "version": __version__})


class _SseStream:
    """GET /sse: one legacy SSE connection, served by the same MCP server until the client leaves."""

    def __init__(self, server: Server[object], sse: SseServerTransport, security: TransportSecuritySettings):
        self._server = server
        self._sse = sse
        self._security = TransportSecurityMiddleware(security)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Checked here first: the transport answers a bad Host itself but then raises.
        refusal = await self._security.validate_request(Request(scope, receive))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        async with self._sse.connect_sse(scope, receive, send) as (read, write):
            await self._server.run(read, write, self._server.create_initialization_options())
