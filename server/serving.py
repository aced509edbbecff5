"""Running the server on a transport: stdio, or uvicorn on a socket bound up front (`server.binding`)."""

from __future__ import annotations

import gc
import socket

import uvicorn
from mcp.server.stdio import stdio_server

from server.app import build_app
from server.factory import build_server
from server.settings import Settings
from server.upstream import Upstream

__all__ = ["serve_http", "serve_stdio"]


def serve_http(settings: Settings, sock: socket.socket) -> None:
    """Serve /mcp, /sse, /messages/ and /healthz on `sock` until interrupted."""
    config = uvicorn.Config(
        build_app(settings),
        log_config=None,  # our handler (server.logs) already owns stderr
        log_level=settings.log_level,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    _collect_less()
    uvicorn.Server(config).run(sockets=[sock])


def _collect_less() -> None:
    """Fewer, smaller garbage collections per call on a long-running server.

    What start-up built (the catalog, its schemas, the SDK's types) is moved out of every collection, and
    the youngest generation is collected every 10,000 allocations instead of 700: one MCP call allocates
    hundreds of short-lived objects.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


async def serve_stdio(settings: Settings) -> None:
    """Serve one MCP connection over stdin/stdout; the key comes from the settings."""
    async with Upstream(settings) as upstream:
        server = build_server(settings, upstream)
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())
