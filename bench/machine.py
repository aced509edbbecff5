"""The machine line: what the figures were measured on (commit, cores, load, Python, versions)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import psutil

__all__ = ["PACKAGES", "describe", "line"]

PACKAGES = ("intervyo-mcp", "mcp", "fastmcp", "httpx2", "pydantic", "starlette", "uvicorn", "anyio")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


_REPO = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=_REPO, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip()


def describe() -> dict[str, Any]:
    return {
        "commit": _git("rev-parse", "--short", "HEAD"),
        # Uncommitted changes to the code under test make the commit alone not enough to reproduce.
        "code_under_test_modified": bool(_git("status", "--porcelain", "--", "server", "tools", "sandbox")),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def line(machine: dict[str, Any]) -> str:
    """One line for the report."""
    packages = ", ".join(f"{name} {v}" for name, v in machine["packages"].items())
    load = " / ".join(str(x) for x in machine["load_average"])
    modified = " (server/, tools/ or sandbox/ modified)" if machine["code_under_test_modified"] else ""
    return (
        f"commit {machine['commit']}{modified}; "
        f"{machine['cores_usable']} usable cores ({machine['cores_logical']} logical), "
        f"{machine['memory_gib']} GiB, load {load} at start; {machine['implementation']} "
        f"{machine['python']} on {machine['platform']}; {packages}"
    )
