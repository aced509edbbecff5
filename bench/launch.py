"""How each process of a run is started: the sandbox, ours and the peer, over HTTP or stdio.

Ours is started exactly as a user starts it: the `intervyo-mcp` console script of the venv running
the benchmark (stdio with `INTERVYO_API_KEY`, or `serve --transport http`). The peer is the launcher in
`bench.peer`. Both log at warning level, so neither pays for a log line per call. A `View` names one
of the three tool selections the issue compares: the default toolsets, read-only mode, and everything.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import tools
from bench.processes import LOOPBACK

__all__ = [
    "VIEWS",
    "Command",
    "View",
    "excluded",
    "ours_http",
    "ours_stdio",
    "peer_http",
    "peer_stdio",
    "sandbox_http",
]

View = Literal["default", "read_only", "all"]
VIEWS: tuple[View, ...] = ("default", "read_only", "all")


@dataclass(frozen=True)
class Command:
    """An argv and the environment variables added for it."""

    argv: list[str]
    env: dict[str, str]


_REPO = Path(__file__).resolve().parents[1]


def _script(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def sandbox_http(port: int, db_path: Path) -> Command:
    """The sandbox on its own, as `intervyo-mcp sandbox` runs it, with a fresh database per run."""
    return Command([_script("intervyo-mcp"), "sandbox", "--port", str(port), "--db", str(db_path)], {})


def ours_http(port: int, api_base_url: str) -> Command:
    argv = [
        _script("intervyo-mcp"),
        "serve",
        "--transport",
        "http",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--api-base-url",
        api_base_url,
        "--log-level",
        "warning",
        # Every simulated client shares the one demo key; the per-key session cap is for people.
        "--max-sessions-per-key",
        "10000",
    ]
    return Command(argv, {})


def ours_stdio(api_base_url: str, api_key: str, view: View = "default") -> Command:
    env = {
        "INTERVYO_API_KEY": api_key,
        "INTERVYO_API_BASE_URL": api_base_url,
        "INTERVYO_LOG_LEVEL": "warning",
    }
    if view == "read_only":
        env["INTERVYO_READ_ONLY"] = "true"
    elif view == "all":
        env["INTERVYO_TOOLSETS"] = "all"
    return Command([_script("intervyo-mcp")], env)


def excluded(toolsets: tuple[str, ...], *, read_only: bool) -> list[str]:
    """`METHOD /path` of every catalog operation outside `toolsets` (and every write if `read_only`).

    Passed to the peer as `--exclude` flags, so the peer process never imports our catalog and its
    start-up pays only for FastMCP.
    """
    kept = {op.name for op in tools.select(toolsets, read_only=read_only)}
    return [f"{op.method} {op.path}" for op in tools.CATALOG if op.name not in kept]


def _peer(spec: Path, api_base_url: str, view: View) -> list[str]:
    argv = [sys.executable, "-m", "bench.peer", "--spec", str(spec), "--api-base-url", api_base_url]
    toolsets = tools.TOOLSETS if view == "all" else tools.DEFAULT_TOOLSETS
    for operation in excluded(toolsets, read_only=view == "read_only"):
        argv += ["--exclude", operation]
    return argv


def peer_http(port: int, spec: Path, api_base_url: str, api_key: str) -> Command:
    argv = [
        *_peer(spec, api_base_url, "default"),
        "--transport",
        "http",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
    ]
    return Command(argv, _peer_env(api_key))


def _peer_env(api_key: str) -> dict[str, str]:
    # `bench` is not part of the installed wheel: the peer imports it from the source tree.
    return {"INTERVYO_API_KEY": api_key, "PYTHONPATH": str(_REPO)}


def peer_stdio(spec: Path, api_base_url: str, api_key: str, view: View = "default") -> Command:
    return Command([*_peer(spec, api_base_url, view), "--transport", "stdio"], _peer_env(api_key))
