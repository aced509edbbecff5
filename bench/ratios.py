"""The headline ratios (ours over the peer, ours over the API) and the issue's targets against them.

Lower is better for every ratio except throughput. A latency ratio is the geometric mean, over the
three timed tools, of the per-tool ratio of p50s (each tool counts the same however slow it is); the
per-tool ratios are kept beside it. `server_cpu_per_call_N_ours_over_peer` compares the CPU each
server process spent per completed call at N clients: unlike calls/s it does not depend on how much
of the machine the sandbox and the load generator took. A ratio is None when either side has no
figure.
"""

from __future__ import annotations

import math
from typing import Any

from bench.stats import median
from bench.workload import LATENCY_TOOLS

__all__ = ["TARGETS", "compute_ratios", "judge"]

# (ratio name, "<=" or ">=", limit)
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("latency_p50_ours_over_peer", "<=", 0.8),
    ("throughput_32_ours_over_peer", ">=", 1.5),
    ("cold_start_ours_over_peer", "<=", 1.0),
    ("tools_list_bytes_ours_over_peer", "<=", 0.7),
    # What a model's context pays for tools/list: names, descriptions and input schemas (issue 14).
    ("tools_list_model_bytes_ours_over_peer_default", "<=", 0.6),
    ("latency_p50_ours_over_direct", "<=", 2.5),
)


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return round(top / bottom, 4)


def _geomean(values: list[float | None]) -> float | None:
    if not values or any(v is None or v <= 0 for v in values):
        return None
    return round(math.exp(sum(math.log(v) for v in values if v is not None) / len(values)), 4)


def compute_ratios(results: dict[str, Any]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    latency = results["latency"]["by_contender"]
    for other in ("peer", "direct"):
        by_tool = {t: _ratio(latency["ours"][t]["p50"], latency[other][t]["p50"]) for t in LATENCY_TOOLS}
        ratios[f"latency_p50_ours_over_{other}"] = _geomean(list(by_tool.values()))
        ratios[f"latency_p50_ours_over_{other}_by_tool"] = by_tool
    modern = results["latency_modern_era"]["by_contender"]
    for other in ("peer", "direct"):
        by_tool = {t: _ratio(modern["ours"][t]["p50"], modern[other][t]["p50"]) for t in LATENCY_TOOLS}
        ratios[f"latency_p50_ours_over_{other}_modern_era"] = _geomean(list(by_tool.values()))
    latency_p90 = {t: _ratio(latency["ours"][t]["p90"], latency["peer"][t]["p90"]) for t in LATENCY_TOOLS}
    ratios["latency_p90_ours_over_peer"] = _geomean(list(latency_p90.values()))

    throughput = results["throughput"]["by_contender"]
    for level in throughput["ours"]:
        ours = throughput["ours"][level]["calls_per_s"]["median"]
        ratios[f"throughput_{level}_ours_over_peer"] = _ratio(
            ours, throughput["peer"][level]["calls_per_s"]["median"]
        )
        ratios[f"throughput_{level}_ours_over_direct"] = _ratio(
            ours, throughput["direct"][level]["calls_per_s"]["median"]
        )

    for level in throughput["ours"]:
        cpu = {
            c: median([w["cpu_ms_per_call"].get("server", 0.0) for w in throughput[c][level]["windows"]])
            for c in ("ours", "peer")
        }
        ratios[f"server_cpu_per_call_{level}_ours_over_peer"] = _ratio(cpu["ours"], cpu["peer"])

    cold = results["cold_start"]["to_tools_list"]
    ratios["cold_start_ours_over_peer"] = _ratio(cold["ours"]["median"], cold["peer"]["median"])
    imports = results["import_time"]["import"]
    ratios["import_time_ours_over_peer"] = _ratio(imports["ours"]["median"], imports["peer"]["median"])

    views = results["context"]["by_view"]
    ratios["tools_list_bytes_ours_over_peer"] = _ratio(
        views["default"]["ours"]["bytes"], views["default"]["peer"]["bytes"]
    )
    shared = results["context"]["default_shared_tools"]
    ratios["tools_list_bytes_ours_over_peer_shared_tools"] = _ratio(
        shared["ours_bytes"], shared["peer_bytes"]
    )
    for view, costs in views.items():
        ratios[f"tools_list_bytes_ours_over_peer_{view}"] = _ratio(
            costs["ours"]["bytes"], costs["peer"]["bytes"]
        )
        ratios[f"tools_list_model_bytes_ours_over_peer_{view}"] = _ratio(
            costs["ours"]["model_bytes"], costs["peer"]["model_bytes"]
        )

    for case, sizes in results["result_size"]["by_case"].items():
        ratios[f"result_text_bytes_ours_over_peer_{case}"] = _ratio(
            sizes["ours"]["text_bytes"], sizes["peer"]["text_bytes"]
        )
        ratios[f"result_text_bytes_ours_over_direct_{case}"] = _ratio(
            sizes["ours"]["text_bytes"], sizes["direct"]["body_bytes"]
        )

    memory = results["memory"]["by_contender"]
    ratios["memory_idle_ours_over_peer"] = _ratio(memory["ours"]["idle_mib"], memory["peer"]["idle_mib"])
    ratios["memory_sessions_ours_over_peer"] = _ratio(
        memory["ours"]["with_sessions_mib"], memory["peer"]["with_sessions_mib"]
    )
    return ratios


def judge(ratios: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured ratio and whether it is met (None: not measured)."""
    verdicts: list[dict[str, Any]] = []
    for name, op, limit in TARGETS:
        value = ratios.get(name)
        met = None if value is None else (value <= limit if op == "<=" else value >= limit)
        verdicts.append({"ratio": name, "value": value, "target": f"{op} {limit}", "met": met})
    return verdicts
