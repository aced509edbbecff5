"""Helpers for the reliability runs: our app under uvicorn on loopback, RSS, figures, raw MCP requests."""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import uvicorn
from http_app import ACCEPT, INIT
from starlette.applications import Starlette

from server.http.admission import Admission
from server.http.binding import bind

__all__ = ["ACCEPT", "INIT", "Served", "figures", "rss_mb", "serving"]


@dataclass(frozen=True)
class Served:
    origin: str
    app: Starlette

    @property
    def mcp_url(self) -> str:
        return f"{self.origin}/mcp"

    @property
    def admission(self) -> Admission:
        admission: Admission = self.app.state.admission
        return admission


@contextlib.contextmanager
def serving(app: Starlette) -> Iterator[Served]:
    """`app` under uvicorn on a free loopback port, in a thread, until the block ends."""
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = time.monotonic()
    while not server.started:
        if not thread.is_alive() or time.monotonic() - started > 10:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield Served(f"http://127.0.0.1:{sock.getsockname()[1]}", app)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def quiet_logs() -> Iterator[None]:
    """No log record below WARNING is made while memory is measured: pytest keeps every record it
    captures, and earlier tests in the same run may have set loggers to INFO, so thousands of sessions'
    records would read as growth of the server's memory."""
    before = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(before)


def rss_mb() -> float:
    """This process's resident set size now, in MB (after a collection, so garbage does not count)."""
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def figures(name: str, **values: Any) -> str:
    """One line of figures, printed (pytest -s shows it; -ra lists it for failures)."""
    line = f"[reliability] {name}: " + ", ".join(f"{key}={value}" for key, value in values.items())
    print(line)
    return line


async def open_session(http: httpx2.AsyncClient, url: str, key: str) -> httpx2.Response:
    """POST one `initialize` (a new session) with `key` as the bearer token."""
    return await http.post(url, json=INIT, headers={**ACCEPT, "authorization": f"Bearer {key}"})
