"""Which interpreter runs each language, found on this machine at call time.

Python is the sandbox's own interpreter (`-I`: isolated mode, no user site or PYTHON* variables), or,
when code runs as another user who cannot reach that one (`process.account`), the first `python3` on the
runner's PATH that user can run. Every runtime must be runnable by the account code runs as.
JavaScript is `node`. TypeScript uses the first of `tsx`, `ts-node`, `deno run`, `bun run`, or a Node
recent enough to strip types (22.6+); none installed is the runner failing (502). TypeScript has no
batched harness (422 when `batch` is asked for).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from sandbox.execution.process import account, python, usable

__all__ = ["BATCH_HARNESS", "command_for"]

_HERE = Path(__file__).parent

# The batched runner script for each language that has one.
BATCH_HARNESS: dict[str, Path] = {"python": _HERE / "py_harness.py", "javascript": _HERE / "js_harness.js"}

_NODE_STRIPS_TYPES = (22, 6)


def command_for(language: str) -> list[str] | None:
    """The argv prefix that runs a source file in `language`, or None when no runtime is installed
    (or none the account code runs as can run). Raises `RunnerUnavailable` when code would run as root."""
    who = account()
    command: list[str] | None = None
    if language == "python":
        found = python()
        command = None if found is None else [found, "-I"]
    elif language == "javascript":
        node = shutil.which("node")
        command = None if node is None else [node, "--max-old-space-size=512"]
    elif language == "typescript":
        command = _typescript()
    if command is None or not usable(command[0], who):
        return None
    return command


@functools.cache
def _typescript() -> list[str] | None:
    for name, args in (("tsx", []), ("ts-node", ["--transpile-only"]), ("deno", ["run"]), ("bun", ["run"])):
        found = shutil.which(name)
        if found:
            return [found, *args]
    node = shutil.which("node")
    if node and _node_version(node) >= _NODE_STRIPS_TYPES:
        return [node, "--experimental-strip-types", "--no-warnings"]
    return None


def _node_version(node: str) -> tuple[int, int]:
    try:
        text = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
        major, minor, *_ = text.strip().lstrip("v").split(".")
        return int(major), int(minor)
    except (OSError, subprocess.SubprocessError, ValueError):
        return (0, 0)
