"""Our HTTP app running under uvicorn in a background thread, for tests (used by both conftest files).

`running(settings)` serves on a free loopback port; pass `sock` to serve on a socket bound in advance,
so that a sandbox can be told the app's webhook URL before the app exists.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from server.app import build_app
from server.oauth import OAuth
from server.serving import bind
from server.settings import Settings
from server.upstream import Upstream

__all__ = ["LiveServer", "running"]

_START_TIMEOUT_S = 10.0


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
) -> Iterator[LiveServer]:
    """Run the app for `settings` under uvicorn on `sock` (or a free loopback port) until the block ends."""
    sock = sock or bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        build_app(settings, upstream, oauth=oauth), log_config=None, lifespan="on", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = time.monotonic()
    while not server.started:
        if not thread.is_alive() or time.monotonic() - started > _START_TIMEOUT_S:
            raise RuntimeError("the MCP server did not start")
        time.sleep(0.01)
    try:
        yield LiveServer(origin=f"http://127.0.0.1:{port}", settings=settings)
    finally:
        server.should_exit = True
        thread.join(_START_TIMEOUT_S)
        sock.close()
