"""Our HTTP app running under uvicorn in a background thread, for tests (used by both conftest files).

`running(settings)` serves on a free loopback port; pass `sock` to serve on a socket bound in advance,
so that a sandbox can be told the app's webhook URL before the app exists.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass

from server.app import build_app
from server.http.binding import bind, serving_in_thread, uvicorn_config
from server.live.hub import Live
from server.oauth import OAuth
from server.settings import Settings
from server.upstream.client import Upstream

__all__ = ["ACCEPT", "INIT", "LiveServer", "running"]

# A raw streamable-HTTP POST: the headers a client sends, and the handshake-era initialize request.
ACCEPT = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}


@dataclass(frozen=True)
class LiveServer:
    """Our HTTP app, running: where to reach it and the settings it runs with."""

    origin: str
    settings: Settings

    @property
    def mcp_url(self) -> str:
        return f"{self.origin}/mcp"

    @property
    def sse_url(self) -> str:
        return f"{self.origin}/sse"

    @property
    def webhook_url(self) -> str:
        return f"{self.origin}/webhooks/intervyo"


@contextlib.contextmanager
def running(
    settings: Settings,
    upstream: Upstream | None = None,
    *,
    sock: socket.socket | None = None,
    oauth: OAuth | None = None,
    live: Live | None = None,
) -> Iterator[LiveServer]:
    """Run the app for `settings` under uvicorn on `sock` (or a free loopback port) until the block ends."""
    sock = sock or bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    with serving_in_thread(
        uvicorn_config(build_app(settings, upstream, oauth=oauth, live=live)), sock, "the MCP server"
    ):
        yield LiveServer(origin=f"http://127.0.0.1:{port}", settings=settings)
