"""One benchmark run, start to finish: bring up the rig, measure every figure, write the outputs.

Order matters a little: the stdio figures (cold start, import time, catalogs) come first, while the
HTTP servers sit idle; memory is read on the fresh HTTP servers before any load; then result sizes,
latency and throughput. The blocking stdio measurements run inside the event loop on purpose:
nothing else is running at that point, so there is nothing to starve.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import chart, report
from bench.coldstart import measure_cold_start, measure_imports
from bench.context import measure_context, shared_cost
from bench.latency import measure_latency
from bench.machine import describe
from bench.memory import measure_memory
from bench.plan import Plan
from bench.processes import Fleet
from bench.ratios import compute_ratios, judge
from bench.result_size import measure_result_size
from bench.rig import Rig
from bench.sdk_check import check_with_sdk_client
from bench.throughput import measure_throughput
from bench.wire import MODERN

__all__ = ["OUTPUTS", "PEER_NOTES", "run"]

OUTPUTS = ("latest.json", "latest.md", "latest.png")

PEER_NOTES = (
    "One key per process: the peer's API key is fixed at start-up in its HTTP client, so it cannot act "
    "under each caller's own key as ours does over HTTP (each user would need their own peer process).",
    "No toolset or read-only switch of its own: the benchmark builds the same selection with FastMCP "
    "route maps that exclude operations (`--exclude 'METHOD /path'` in bench/peer.py).",
)


async def _measure(plan: Plan, fleet: Fleet, work_dir: Path, api_key: str, progress: Any) -> dict[str, Any]:
    progress("starting the sandbox, ours and the peer")
    rig = await Rig.start(plan, fleet, work_dir, api_key)
    sdk_check = await check_with_sdk_client(rig)
    timeout = plan.start_timeout_s
    progress("cold start over stdio")
    catalogs, cold_start = measure_cold_start(
        fleet, plan.cold_start_runs, rig.api_base_url, api_key, rig.spec_path, timeout
    )
    progress("import time")
    import_time = measure_imports(plan.import_runs)
    progress("tools/list context cost")
    context = measure_context(fleet, rig.api_base_url, api_key, rig.spec_path, timeout, catalogs)
    context["default_shared_tools"] = shared_cost(
        catalogs["ours"], catalogs["peer"], {ours: peer.name for ours, peer in rig.peer_map.tools.items()}
    )
    progress("memory")
    memory = await measure_memory(rig)
    progress("result sizes")
    result_size = await measure_result_size(rig)
    progress("latency (2025-11-25 handshake era)")
    latency = await measure_latency(rig)
    progress("latency (2026-07-28 stateless era)")
    latency_modern = await measure_latency(rig, MODERN)
    progress("throughput")
    throughput = await measure_throughput(rig)
    return {
        "fixtures": rig.workload.fixtures.__dict__,
        "sdk_client_check": sdk_check,
        "peer": {
            "tool_names": {ours: peer.name for ours, peer in rig.peer_map.tools.items()},
            "gaps": rig.peer_map.gaps,
            "renamed": rig.peer_map.notes,
            "notes": [*PEER_NOTES, *_annotation_notes(context)],
        },
        "latency": latency,
        "latency_modern_era": latency_modern,
        "throughput": throughput,
        "cold_start": cold_start,
        "import_time": import_time,
        "context": context,
        "result_size": result_size,
        "memory": memory,
    }


def _annotation_notes(context: dict[str, Any]) -> list[str]:
    peer = context["by_view"]["default"]["peer"]
    if peer["with_all_four_hints"] == peer["tools"]:
        return []
    return [
        f"Tool annotations: {peer['with_all_four_hints']} of its {peer['tools']} tools carry all four hints "
        "(readOnlyHint, destructiveHint, idempotentHint, openWorldHint); OpenAPI has no place for them, so a "
        "client cannot tell the peer's reads from its writes or deletes."
    ]


def run(plan: Plan, out_dir: Path, command: str, api_key: str, progress: Any = print) -> dict[str, Any]:
    """Measure everything under `plan` and write latest.json, latest.md and latest.png to `out_dir`."""
    started = time.perf_counter()
    machine = describe()
    with tempfile.TemporaryDirectory(prefix="intervyo-bench-") as tmp, Fleet(Path(tmp) / "logs") as fleet:
        figures = asyncio.run(_measure(plan, fleet, Path(tmp), api_key, progress))
    results: dict[str, Any] = {
        "command": command,
        "plan": plan.__dict__,
        "machine": machine,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        **figures,
    }
    results["ratios"] = compute_ratios(results)
    results["targets"] = judge(results["ratios"])
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
    (out_dir / "latest.md").write_text(report.render(results))
    chart.draw(results, out_dir / "latest.png")
    return results
