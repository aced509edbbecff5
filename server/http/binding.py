"""Sockets and uvicorn for everything this project serves: the MCP server, the sandbox, tests.

`bind` opens the listening socket before uvicorn starts, which turns "address in use" into a one-line
CLI error rather than a log dump, tells the real port when asked for port 0, and leaves no race between
choosing a port and serving on it. `serving_in_thread` runs an ASGI app under uvicorn in a daemon
thread until the block ends (the sandbox embedded in `serve --sandbox`, and tests).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

__all__ = ["bind", "serving_in_thread", "uvicorn_config"]

_START_TIMEOUT_S = 15.0
_STOP_TIMEOUT_S = 15.0


def bind(host: str, port: int, *, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on host:port (IPv6 for an IPv6 literal); OSError if it cannot be had."""
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and without it
    # every keep-alive response written in two parts waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: object, *, log_level: str = "warning") -> uvicorn.Config:
    """uvicorn for an embedded app: our logging set-up kept (log_config=None), no access log."""
    return uvicorn.Config(
        app,  # type: ignore[arg-type]  # any ASGI app
        log_config=None,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )


@contextmanager
def serving_in_thread(config: uvicorn.Config, sock: socket.socket, name: str) -> Iterator[uvicorn.Server]:
    """Serve `config`'s app on `sock` in a daemon thread until the block exits; the socket is closed."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT_S)
        sock.close()
