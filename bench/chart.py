"""The PNG chart: throughput and latency against concurrent clients, one line per contender.

Left: completed calls per second (median of rounds; bars span the rounds' min to max). Right: latency
p50 (solid) and p90 (dashed) under that load, log scale. Rendered with matplotlib's Agg backend, so no
display is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # after use("Agg"): the backend must be chosen first
from matplotlib.ticker import ScalarFormatter

__all__ = ["COLORS", "LABELS", "draw"]

COLORS = {"direct": "#7f7f7f", "ours": "#1f77b4", "peer": "#ff7f0e"}
LABELS = {
    "direct": "direct (API, the limit)",
    "ours": "ours (intervyo-mcp)",
    "peer": "peer (FastMCP from_openapi)",
}


def draw(results: dict[str, Any], path: Path) -> None:
    throughput = results["throughput"]["by_contender"]
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), dpi=110)
    for contender, by_level in throughput.items():
        levels = sorted(int(n) for n in by_level)
        rows = [by_level[str(n)] for n in levels]
        rate = [r["calls_per_s"]["median"] or 0.0 for r in rows]
        low = [m - (r["calls_per_s"]["min"] or 0.0) for m, r in zip(rate, rows, strict=True)]
        high = [(r["calls_per_s"]["max"] or 0.0) - m for m, r in zip(rate, rows, strict=True)]
        color = COLORS.get(contender, "black")
        left.errorbar(
            levels, rate, yerr=[low, high], marker="o", capsize=3, color=color, label=LABELS[contender]
        )
        p50 = [r["latency_p50_ms"]["median"] or 0.0 for r in rows]
        p90 = [r["latency_p90_ms"]["median"] or 0.0 for r in rows]
        right.plot(levels, p50, marker="o", color=color, label=f"{contender} p50")
        right.plot(levels, p90, marker="x", linestyle="--", color=color, alpha=0.7, label=f"{contender} p90")
    for axis in (left, right):
        axis.set_xscale("log", base=2)
        axis.set_xticks(sorted(int(n) for n in next(iter(throughput.values()))))
        axis.get_xaxis().set_major_formatter(ScalarFormatter())
        axis.set_xlabel("concurrent clients")
        axis.grid(True, which="both", alpha=0.3)
    left.set_ylabel("completed get_session calls / s")
    left.set_ylim(bottom=0)
    left.set_title("Throughput (median of rounds, bars: min-max)")
    left.legend(fontsize=8, loc="best")
    right.set_yscale("log")
    right.set_ylabel("latency per call, ms (log)")
    right.set_title("Latency under load")
    right.legend(fontsize=7, ncol=3, loc="upper left")
    machine = results["machine"]
    figure.suptitle(
        f"intervyo-mcp benchmark ({results['plan']['name']} run, {machine['cores_usable']} cores, "
        f"Python {machine['python']}, {machine['at']})",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
