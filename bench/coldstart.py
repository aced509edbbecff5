"""Figure 3: cold start over stdio (spawn to first `tools/list` answer), ours vs the peer, and the
import time of each server's module.

Runs alternate ours and peer, starting with a different one each time. Import time is the wall time of
`python -c "import M"` minus that of `python -c "pass"` (interpreter and site start-up), medians over
the runs: `server.cli` for ours (what the `intervyo-mcp` command imports) and `fastmcp` for the peer
(the peer's own launcher adds only argparse and json).
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

from bench import launch
from bench.processes import Fleet
from bench.stats import spread
from bench.stdio_probe import probe

__all__ = ["IMPORTS", "measure_cold_start", "measure_imports"]

IMPORTS = {"ours": "server.cli", "peer": "fastmcp"}


def measure_cold_start(
    fleet: Fleet, runs: int, api_base_url: str, api_key: str, spec_path: Any, timeout_s: float
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """The default view's catalogs (from the last run) and the cold-start figures."""
    commands = {
        "ours": launch.ours_stdio(api_base_url, api_key),
        "peer": launch.peer_stdio(spec_path, api_base_url, api_key),
    }
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    catalogs: dict[str, list[dict[str, Any]]] = {}
    handshake: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for run in range(runs):
        for name in names[run % 2 :] + names[: run % 2]:
            result = probe(fleet, f"{name}-stdio", commands[name], timeout_s)
            seconds[name].append(result.tools_list_s)
            handshake[name].append(result.initialize_s)
            catalogs[name] = result.tools
    return catalogs, {
        "unit": "s",
        "to_tools_list": {name: spread(values) for name, values in seconds.items()},
        "to_initialize": {name: spread(values) for name, values in handshake.items()},
    }


def _wall(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, stdin=subprocess.DEVNULL, timeout=120)
    return time.perf_counter() - started


def measure_imports(runs: int) -> dict[str, Any]:
    found: dict[str, list[float]] = {name: [] for name in IMPORTS}
    baseline: list[float] = []
    for _ in range(runs):
        base = _wall("pass")
        baseline.append(base)
        for name, module in IMPORTS.items():
            found[name].append(_wall(f"import {module}") - base)
    return {
        "unit": "s",
        "modules": IMPORTS,
        "interpreter_start": spread(baseline),
        "import": {name: spread(values) for name, values in found.items()},
    }
