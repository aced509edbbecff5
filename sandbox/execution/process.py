"""One confined child process: clean environment, resource limits, a temp working dir, a wall clock.

The environment is built from scratch (PATH, HOME and TMPDIR in the working dir, a UTF-8 locale), so no
secret of the sandbox's own environment reaches candidate code. Limits are set by a tiny exec shim (a
Python one-liner that calls `setrlimit` and then `execv`s the real command) rather than `preexec_fn`,
which is unsafe in a threaded server: CPU seconds, address space, file size, open files, no core dumps.
The child leads its own process group so a timeout kills everything it started.

Candidate code never runs as root: when the sandbox itself runs as root (a container's default), every
child is started as the unprivileged `nobody` user and group (`Popen(user=, group=, extra_groups=[])`,
applied by the child between fork and exec, no `preexec_fn`), its working dir handed over to it. A root
sandbox on a machine without that user refuses to run code at all (`RunnerUnavailable`).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MEMORY_LIMIT",
    "RUN_AS",
    "Account",
    "Finished",
    "RunnerUnavailable",
    "account",
    "python",
    "run_confined",
    "usable",
]

RUN_AS = "nobody"
_RUNNER_PATH = "/usr/local/bin:/usr/bin:/bin"

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


class RunnerUnavailable(Exception):
    """The runner cannot run code here without running it as root."""


@dataclass(frozen=True)
class Account:
    """The user and group candidate code runs as, when not this process's own."""

    uid: int
    gid: int


def account() -> Account | None:
    """`nobody` when this process is root (code must not run as root), else None: our own user."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(RUN_AS)
    except KeyError:
        raise RunnerUnavailable(
            f"the sandbox runs as root and this machine has no '{RUN_AS}' user to run code as"
        ) from None
    if entry.pw_uid == 0:
        raise RunnerUnavailable(f"the '{RUN_AS}' user is root on this machine: code will not run as root")
    return Account(entry.pw_uid, entry.pw_gid)


def usable(path: str, who: Account | None) -> bool:
    """Whether `who` (None: this process) can run or read `path`: for another user, every directory on
    the way must be searchable by anyone, and the file readable and executable by anyone."""
    if who is None:
        return os.access(path, os.X_OK)
    real = Path(path).resolve()
    try:
        if any(not os.stat(parent).st_mode & stat.S_IXOTH for parent in real.parents):
            return False
        return real.stat().st_mode & (stat.S_IROTH | stat.S_IXOTH) == stat.S_IROTH | stat.S_IXOTH
    except OSError:
        return False


def python() -> str | None:
    """An interpreter the account code runs as can run: ours, else the first `python3` on the PATH."""
    who = account()
    if usable(sys.executable, who):
        return sys.executable
    found = shutil.which("python3", path=_RUNNER_PATH)
    return found if found is not None and usable(found, who) else None


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
    who = account()
    shim = python()
    if shim is None:
        raise RunnerUnavailable("no Python interpreter the code's account can run for the limits shim")
    limits = [str(max(1, int(deadline - time.monotonic()) + 1)), str(MEMORY_LIMIT)]
    limits += [str(_FILE_SIZE_LIMIT), str(_OPEN_FILES_LIMIT)]
    command = [shim, "-I", "-c", _SHIM, *limits, *argv]
    if who is not None:
        os.chown(workdir, who.uid, who.gid)  # its files are world-readable; what it writes goes here
    started = time.monotonic()
    child = subprocess.Popen(
        command,
        cwd=workdir,
        env=_clean_environment(workdir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        user=None if who is None else who.uid,
        group=None if who is None else who.gid,
        extra_groups=None if who is None else [],
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
