"""The command line: `python -m sandbox` starts, prints where and with which keys, stops cleanly;
bad input is one line on stderr and exit status 2."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from sandbox import DEMO_KEY, OTHER_KEY, READONLY_KEY, UNPAID_KEY
from sandbox.cli import main

_DEADLINE = 20.0


def _read_until(process: subprocess.Popen[bytes], marker: str) -> str:
    """stdout up to `marker`, read unbuffered so select() sees all of it, within the deadline."""
    assert process.stdout is not None
    seen = b""
    give_up = time.monotonic() + _DEADLINE
    while marker.encode() not in seen:
        remaining = give_up - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            pytest.fail(f"no {marker!r} in output: {seen!r}")
        ready, _, _ = select.select([process.stdout], [], [], remaining)
        if ready:
            seen += os.read(process.stdout.fileno(), 65536)
    return seen.decode()


def _start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_the_sandbox_starts_prints_its_url_and_keys_and_stops_cleanly(tmp_path: Path) -> None:
    process = _start("--db", str(tmp_path / "cli.db"), "--key", "iv_live_cli_test=interviews.read")
    try:
        banner = _read_until(process, "Ctrl-C")
        for key in (DEMO_KEY, READONLY_KEY, OTHER_KEY, UNPAID_KEY, "iv_live_cli_test"):
            assert key in banner
        base_url = next(line.split()[-1] for line in banner.splitlines() if "base URL" in line)
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/api/v1")
        response = httpx2.get(f"{base_url}/sessions", headers={"x-api-key": "iv_live_cli_test"})
        assert response.status_code == 200
        assert (
            httpx2.get(f"{base_url}/participants", headers={"x-api-key": "iv_live_cli_test"}).status_code
            == 403
        )
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=_DEADLINE)
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert (tmp_path / "cli.db").exists()


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--port", "abc"], "--port"),
        (["--time-scale", "0"], "--time-scale"),
        (["--time-scale", "nan"], "--time-scale"),
        (["--rate-limit", "0"], "--rate-limit"),
        (["--host", "0.0.0.0"], "loopback"),
        (["--key", "nokey"], "KEY=scope"),
        (["--key", "k=not.a.scope"], "unknown scope"),
        (["--key", "k=interviews.read@nowhere"], "unknown workspace"),
        (["--webhook-url", "http://127.0.0.1:1/"], "--webhook-secret"),
        (["--db", "/no/such/dir/x.db"], "does not exist"),
        (["--bogus"], "unrecognized"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(
    args: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--port", "0", *args]) == 2
    err = capsys.readouterr().err
    assert complaint in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_bad_flag_from_the_command_line_exits_2_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sandbox", "--time-scale", "fast"],
        capture_output=True,
        text=True,
        timeout=_DEADLINE,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
