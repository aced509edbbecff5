"""One confined child process: clean environment, resource limits, a temp working dir, a wall clock.

The environment is built from scratch (PATH, HOME and TMPDIR in the working dir, a UTF-8 locale), so no
secret of the sandbox's own environment reaches candidate code. Limits are set by a tiny exec shim (a
Python one-liner that calls `setrlimit` and then `execv`s the real command) rather than `preexec_fn`,
which is unsafe in a threaded server: CPU seconds, address space, file size, open files, no core dumps.
The child leads its own process group so a timeout kills everything it started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MEMORY_LIMIT", "Finished", "run_confined"]

MEMORY_LIMIT = 1024 * 1024 * 1024
_FILE_SIZE_LIMIT = 16 * 1024 * 1024
_OPEN_FILES_LIMIT = 256
_OUTPUT_LIMIT = 64 * 1024
# How a child ends at RLIMIT_CPU: SIGXCPU at the soft limit, SIGKILL at the hard one if it ignored that.
_CPU_LIMIT_SIGNALS = (-signal.SIGXCPU, -signal.SIGKILL)

_SHIM = (
    "import os, resource as r, sys\n"
    "cpu, mem, fsize, files = (int(v) for v in sys.argv[1:5])\n"
    "r.setrlimit(r.RLIMIT_CPU, (cpu, cpu + 1))\n"
    "r.setrlimit(r.RLIMIT_AS, (mem, mem))\n"
    "r.setrlimit(r.RLIMIT_FSIZE, (fsize, fsize))\n"
    "r.setrlimit(r.RLIMIT_NOFILE, (files, files))\n"
    "r.setrlimit(r.RLIMIT_CORE, (0, 0))\n"
    "os.execv(sys.argv[5], sys.argv[5:])\n"
)


@dataclass(frozen=True)
class Finished:
    """What one run produced; `timed_out` means it was killed at the wall-clock deadline."""

    stdout: str
    stderr: str
    exit_code: int
    duration_ms: float
    timed_out: bool


def run_confined(argv: list[str], workdir: Path, stdin: str, deadline: float) -> Finished:
    """Run `argv` in `workdir` with `stdin`, killed at `deadline` (a `time.monotonic()` value)."""
    limits = [str(max(1, int(deadline - time.monotonic()) + 1)), str(MEMORY_LIMIT)]
    limits += [str(_FILE_SIZE_LIMIT), str(_OPEN_FILES_LIMIT)]
    command = [sys.executable, "-I", "-c", _SHIM, *limits, *argv]
    started = time.monotonic()
    child = subprocess.Popen(
        command,
        cwd=workdir,
        env=_clean_environment(workdir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(
            stdin.encode("utf-8", errors="replace"), timeout=max(0.0, deadline - time.monotonic())
        )
        # Killed at the CPU-seconds limit (the same budget): on a busy machine that can come first.
        timed_out = child.returncode in _CPU_LIMIT_SIGNALS
    except subprocess.TimeoutExpired:
        _kill_group(child)
        out, err = child.communicate()
        timed_out = True
    finally:
        _kill_group(child)
    return Finished(
        stdout=_text(out),
        stderr=_text(err),
        exit_code=child.returncode,
        duration_ms=(time.monotonic() - started) * 1000,
        timed_out=timed_out,
    )


def _clean_environment(workdir: Path) -> dict[str, str]:
    home = str(workdir)
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NODE_OPTIONS": "",
    }


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)


def _text(data: bytes | None) -> str:
    return (data or b"")[:_OUTPUT_LIMIT].decode("utf-8", errors="replace")
