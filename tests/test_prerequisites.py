"""A test needing a program that is missing skips with the reason, unless INTERVYO_REQUIRE_ALL=1 (CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prerequisites import REQUIRE_ALL

HERE = Path(__file__).resolve().parent

_NEEDS_NODE = """
import pytest

@pytest.mark.node
def test_needs_node():
    pass

def test_needs_nothing():
    pass
"""


def _run_without_node(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(_NEEDS_NODE)
    (tmp_path / "conftest.py").write_text("from prerequisites import *  # noqa: F403\n")
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {
        **{name: value for name, value in os.environ.items() if name != REQUIRE_ALL},
        "PATH": str(empty),  # no node, no npx
        "PYTHONPATH": str(HERE),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", "--strict-markers", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_node_test_skips_with_the_reason_where_node_is_missing(tmp_path: Path) -> None:
    run = _run_without_node(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout
    assert "needs Node.js >= 20 with npx on PATH" in run.stdout


def test_with_require_all_a_skipped_test_fails(tmp_path: Path) -> None:
    run = _run_without_node(tmp_path, **{REQUIRE_ALL: "1"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed, 1 error" in run.stdout  # the skip happens while setting the test up
    assert "but this one was skipped: needs Node.js >= 20" in run.stdout


@pytest.mark.redis
def test_the_redis_marker_finds_a_redis_server() -> None:
    from prerequisites import redis_server

    binary = redis_server()
    assert binary is not None
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=True)
    assert version.stdout.startswith("Redis server v=")
