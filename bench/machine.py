"""The machine line: what the figures were measured on (cores, load, Python, package versions)."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import psutil

__all__ = ["PACKAGES", "describe", "line"]

PACKAGES = ("intervyo-mcp", "mcp", "fastmcp", "httpx2", "pydantic", "starlette", "uvicorn", "anyio")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def describe() -> dict[str, Any]:
    return {
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
    return (
        f"{machine['cores_usable']} usable cores ({machine['cores_logical']} logical), "
        f"{machine['memory_gib']} GiB, load {load} at start; {machine['implementation']} "
        f"{machine['python']} on {machine['platform']}; {packages}"
    )
