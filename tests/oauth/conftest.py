"""Fixtures of the OAuth tests: a real redis-server for the replica tests."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest
from prerequisites import redis_missing, redis_server


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A real redis-server on a free loopback port, stopped afterwards (as in tests/resources).

    Without a redis-server the tests skip saying so (`tests/prerequisites.py`; CI fails on the skip).
    """
    binary = redis_server()
    if binary is None:
        pytest.skip(redis_missing() or "needs redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="intervyo-redis-") as workdir:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir, "--save", ""]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start")
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
                time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(10)
