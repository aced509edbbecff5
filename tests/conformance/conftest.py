"""Fixtures for the checks by tools nobody here wrote: the official conformance suite and MCP Inspector.

Both are Node programs fetched from the npm registry by `npx` (they need Node 22, which `npx -p node@22`
brings). The server under test is started exactly as a user would start it: the `intervyo-mcp` command in
its own process, in single-user mode (INTERVYO_API_KEY set, loopback only), against the sandbox.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from node_tools import ServedCommand

_START_TIMEOUT_S = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def single_user_server(sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedCommand]:
    """`intervyo-mcp serve --transport http` with the demo key in the environment, as its own process."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "stderr.log"
    env = {
        **os.environ,
        "INTERVYO_API_KEY": sandbox.demo_key,
        "INTERVYO_API_BASE_URL": sandbox.base_url,
        "INTERVYO_TOOLSETS": "all",
    }
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "intervyo-mcp"),
                "serve",
                "--transport",
                "http",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            origin = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + _START_TIMEOUT_S
            while True:
                try:
                    if httpx2.get(f"{origin}/healthz", timeout=1).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.1)
            yield ServedCommand(url=f"{origin}/mcp", key=sandbox.demo_key)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
