"""The processes a run starts (sandbox, servers, stdio probes), and the guarantee that each one stops.

Every child gets its own session (process group) so that Ctrl-C in the terminal reaches only the
benchmark, which then stops its children itself, by their ids: SIGTERM to the child's own group, then
SIGKILL after a grace period. `Fleet` is the context manager that owns them; leaving it for any
reason (success, error, KeyboardInterrupt, SIGTERM turned into one by the CLI) stops every child.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx2

__all__ = ["LOOPBACK", "Child", "Fleet", "StartError", "free_port", "python", "stop"]

LOOPBACK = "127.0.0.1"
_GRACE_S = 5.0


class StartError(RuntimeError):
    """A child did not become ready; the message carries the tail of its log."""


def free_port() -> int:
    """A TCP port on loopback that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Child:
    """A started process, its log file and (for HTTP servers) the URL it answers on."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    base_url: str | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_http(self, url: str, timeout_s: float) -> None:
        """Poll `url` until it answers below 500; raise StartError if the child dies or time runs out."""
        deadline = time.monotonic() + timeout_s
        with httpx2.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.popen.poll() is not None:
                    raise StartError(f"{self.name} exited with {self.popen.returncode}:\n{self.log_tail()}")
                with contextlib.suppress(httpx2.TransportError):
                    if client.get(url).status_code < 500:
                        return
                time.sleep(0.05)
        raise StartError(f"{self.name} not ready at {url} after {timeout_s:.0f} s:\n{self.log_tail()}")


def stop(child: Child) -> None:
    """Stop `child` and anything it started in its group: SIGTERM, a grace period, then SIGKILL."""
    popen = child.popen
    if popen.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(popen.pid, signal.SIGTERM)
        try:
            popen.wait(_GRACE_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(popen.pid, signal.SIGKILL)
            popen.wait(_GRACE_S)
    else:
        # The leader is gone; a grandchild may still hold the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(popen.pid, signal.SIGKILL)
    for stream in (popen.stdin, popen.stdout, popen.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


class Fleet:
    """Owns every child of a run; stops them all, last started first, when the block is left."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._children: list[Child] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Fleet:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop_all()

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        pipes: bool = False,
        base_url: str | None = None,
    ) -> Child:
        """Start `argv` in its own process group; with `pipes`, stdin/stdout are pipes (stdio servers)."""
        log_path = self.log_dir / f"{name}.log"
        log = log_path.open("ab")
        try:
            popen = subprocess.Popen(
                list(argv),
                stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
                stdout=subprocess.PIPE if pipes else log,
                stderr=log,
                env={**os.environ, **(env or {})},
                start_new_session=True,
                bufsize=0,
            )
        finally:
            log.close()
        child = Child(name, popen, log_path, base_url)
        with self._lock:
            self._children.append(child)
        return child

    def stop(self, child: Child) -> None:
        stop(child)
        with self._lock:
            if child in self._children:
                self._children.remove(child)

    def stop_all(self) -> None:
        while True:
            with self._lock:
                if not self._children:
                    return
                child = self._children[-1]
            self.stop(child)


def python() -> str:
    """The interpreter running the benchmark (the venv's), for children that are Python modules."""
    return sys.executable
