"""Serving the sandbox with uvicorn on a loopback port: in a background thread, or as an async task.

    with serve_in_thread(SandboxConfig()) as sandbox:
        httpx2.get(f"{sandbox.base_url}/sessions", headers={"x-api-key": DEMO_KEY})

`port=0` picks a free port (the socket is bound before uvicorn starts, so there is no race). Leaving the
block stops the server and its background worker and closes the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import anyio
import uvicorn
from starlette.applications import Starlette

from sandbox.api import API_PREFIX
from sandbox.app import create_app
from sandbox.config import SandboxConfig
from server.http.binding import bind, serving_in_thread, uvicorn_config

__all__ = ["RunningSandbox", "serve_async", "serve_in_thread"]

_START_TIMEOUT = 15.0


@dataclass(frozen=True)
class RunningSandbox:
    """A served sandbox: where it listens and the app behind it."""

    host: str
    port: int
    app: Starlette

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:54321`"""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, `http://127.0.0.1:54321/api/v1`."""
        return self.origin + API_PREFIX


@contextmanager
def serve_in_thread(
    config: SandboxConfig, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningSandbox]:
    """Run the sandbox in a daemon thread until the block exits."""
    app = create_app(config)
    sock = bind(host, port)
    with serving_in_thread(uvicorn_config(app), sock, "the intervyo sandbox"):
        yield RunningSandbox(host=host, port=sock.getsockname()[1], app=app)


@asynccontextmanager
async def serve_async(
    config: SandboxConfig, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSandbox]:
    """Run the sandbox as a task on the current event loop until the block exits."""
    app = create_app(config)
    sock = bind(host, port)
    server = uvicorn.Server(uvicorn_config(app))
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(server.serve, [sock])
            with anyio.fail_after(_START_TIMEOUT):
                while not server.started:
                    await anyio.sleep(0.01)
            try:
                yield RunningSandbox(host=host, port=sock.getsockname()[1], app=app)
            finally:
                server.should_exit = True
    finally:
        sock.close()
