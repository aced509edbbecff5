"""The Markdown report: the targets, one table per figure, the peer's gaps and the machine line.

Absolute times depend on the machine; the ratios are what carries over. Every number in the report is
also in the JSON, with more beside it.
"""

from __future__ import annotations

from typing import Any

from bench.machine import line
from bench.tokens import ESTIMATOR
from bench.workload import LATENCY_TOOLS

__all__ = ["render"]

_CONTENDERS = ("direct", "ours", "peer")


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _range(spread: dict[str, Any], digits: int = 2) -> str:
    return f"{_num(spread['median'], digits)} ({_num(spread['min'], digits)}-{_num(spread['max'], digits)})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _targets(results: dict[str, Any]) -> list[str]:
    rows = []
    for verdict in results["targets"]:
        met = {True: "met", False: "**missed**", None: "not measured"}[verdict["met"]]
        rows.append([f"`{verdict['ratio']}`", _num(verdict["value"]), verdict["target"], met])
    return ["## Targets", "", *_table(["ratio", "value", "target", "verdict"], rows)]


def _latency_rows(latency: dict[str, Any]) -> list[list[str]]:
    rows = []
    for tool in LATENCY_TOOLS:
        cells = [f"`{tool}`"]
        for contender in _CONTENDERS:
            s = latency[contender][tool]
            failed = f", {s['failures']} failed" if s["failures"] else ""
            cells.append(f"{_num(s['p50'])} / {_num(s['p90'])} / {_num(s['p99'])}{failed}")
        for other in ("direct", "peer"):
            ours, theirs = latency["ours"][tool]["p50"], latency[other][tool]["p50"]
            cells.append(_num(ours / theirs if ours and theirs else None))
        rows.append(cells)
    return rows


def _latency(results: dict[str, Any]) -> list[str]:
    plan = results["plan"]
    header = ["tool", "direct", "ours", "peer", "ours/direct p50", "ours/peer p50"]
    ratios = results["ratios"]
    return [
        "## 1. Latency of one call (ms, p50 / p90 / p99)",
        "",
        f"{plan['latency_rounds']} rounds x {plan['latency_calls']} calls per tool and contender, "
        "one client, contenders interleaved call by call. MCP clients in the 2025-11-25 handshake era "
        "(one session each):",
        "",
        *_table(header, _latency_rows(results["latency"]["by_contender"])),
        "",
        "The same with MCP clients in the stateless 2026-07-28 era (no session; geometric-mean ratios "
        f"ours/peer {_num(ratios['latency_p50_ours_over_peer_modern_era'])}, "
        f"ours/direct {_num(ratios['latency_p50_ours_over_direct_modern_era'])}):",
        "",
        *_table(header, _latency_rows(results["latency_modern_era"]["by_contender"])),
    ]


def _throughput(results: dict[str, Any]) -> list[str]:
    data = results["throughput"]["by_contender"]
    rows = []
    for level in data["ours"]:
        cells = [level]
        for contender in _CONTENDERS:
            cells.append(_range(data[contender][level]["calls_per_s"], 0))
        cells.append(_num(results["ratios"][f"throughput_{level}_ours_over_peer"]))
        for contender in _CONTENDERS:
            cells.append(_num(data[contender][level]["latency_p50_ms"]["median"], 1))
        cpu = []
        for contender in ("ours", "peer"):
            windows = data[contender][level]["windows"]
            server = [w["cpu_ms_per_call"].get("server", 0.0) for w in windows]
            cpu.append(_num(sorted(server)[len(server) // 2], 2))
        cells.append(" / ".join(cpu))
        failures = [str(data[c][level]["failures"]) for c in _CONTENDERS]
        cells.append(" / ".join(failures))
        rows.append(cells)
    header = [
        "clients",
        "direct calls/s",
        "ours calls/s",
        "peer calls/s",
        "ours/peer",
        "direct p50 ms",
        "ours p50 ms",
        "peer p50 ms",
        "server CPU ms/call ours / peer",
        "failures d/o/p",
    ]
    return [
        "## 2. Throughput (`get_session`, calls/s: median (min-max) of rounds)",
        "",
        f"{results['plan']['throughput_rounds']} rounds x {results['plan']['throughput_seconds']} s "
        "per level and contender. Chart: [latest.png](latest.png).",
        "",
        *_table(header, rows),
        "",
        "Server CPU per completed call, ours/peer (independent of what the sandbox and the load "
        "generator took from the shared cores): "
        + ", ".join(
            f"{level} clients {_num(results['ratios'][f'server_cpu_per_call_{level}_ours_over_peer'])}"
            for level in data["ours"]
        )
        + ".",
    ]


def _cold_start(results: dict[str, Any]) -> list[str]:
    cold = results["cold_start"]
    imports = results["import_time"]
    rows = [
        [
            name,
            _range(cold["to_tools_list"][name], 3),
            _range(cold["to_initialize"][name], 3),
            f"`{imports['modules'][name]}` {_range(imports['import'][name], 3)}",
        ]
        for name in ("ours", "peer")
    ]
    return [
        "## 3. Cold start over stdio (s, median (min-max))",
        "",
        *_table(["server", "spawn to tools/list", "spawn to initialize", "import time"], rows),
        "",
        "Interpreter start-up alone (subtracted from import times): "
        f"{_range(imports['interpreter_start'], 3)} s.",
    ]


def _context(results: dict[str, Any]) -> list[str]:
    views = results["context"]["by_view"]
    rows = []
    for view, costs in views.items():
        o, p = costs["ours"], costs["peer"]
        rows.append(
            [
                view,
                f"{o['tools']} / {o['bytes']} / {o['tokens']}",
                f"{p['tools']} / {p['bytes']} / {p['tokens']}",
                _num(o["bytes"] / p["bytes"] if p["bytes"] else None),
                f"{o['model_bytes']} / {p['model_bytes']}",
            ]
        )
    out = [
        "## 4. Context cost of `tools/list`",
        "",
        f"Tokens estimated as `{ESTIMATOR}` (see `bench/tokens.py`).",
        "",
        *_table(
            [
                "view",
                "ours tools / bytes / tokens",
                "peer tools / bytes / tokens",
                "bytes ours/peer",
                "model-facing bytes ours / peer",
            ],
            rows,
        ),
        "",
        f"Only the {results['context']['default_shared_tools']['tools']} tools both offer (default view): "
        f"ours {results['context']['default_shared_tools']['ours_bytes']} bytes, peer "
        f"{results['context']['default_shared_tools']['peer_bytes']} "
        f"(ratio {_num(results['ratios']['tools_list_bytes_ours_over_peer_shared_tools'])}).",
        "",
        "Where the bytes go in the default view (bytes per field, all tools):",
        "",
        *[
            f"- {name}: "
            + ", ".join(f"{field} {size}" for field, size in views["default"][name]["bytes_by_field"].items())
            for name in ("ours", "peer")
        ],
        "",
        "Largest tool entries in the default view (bytes):",
        "",
    ]
    for name in ("ours", "peer"):
        largest = ", ".join(
            f"`{t['name']}` {t['bytes']}" for t in views["default"][name]["largest_tools"][:3]
        )
        out.append(f"- {name}: {largest}")
    out += ["", "Longest tool descriptions in the default view (bytes):", ""]
    for name in ("ours", "peer"):
        longest = ", ".join(
            f"`{t['name']}` {t['description_bytes']}"
            for t in views["default"][name]["largest_descriptions"][:3]
        )
        out.append(f"- {name}: {longest}")
    out += ["", "What the model can rely on in the default view:", ""]
    for name in ("ours", "peer"):
        c = views["default"][name]
        out.append(
            f"- {name}: {c['with_all_four_hints']}/{c['tools']} tools with all four annotation hints, "
            f"{c['with_output_schema']}/{c['tools']} with an output schema, "
            f"{c['input_properties_described']}/{c['input_properties']} input properties described"
        )
    return out


def _result_size(results: dict[str, Any]) -> list[str]:
    rows = []
    for case, sizes in results["result_size"]["by_case"].items():
        d, o, p = sizes["direct"], sizes["ours"], sizes["peer"]
        rows.append(
            [
                case,
                str(d["body_bytes"]),
                f"{o['text_bytes']} / {o['structured_bytes']} / {o['result_bytes']}",
                f"{p['text_bytes']} / {p['structured_bytes']} / {p['result_bytes']}",
                f"{o['text_tokens']} / {p['text_tokens']}",
            ]
        )
        extra = sizes.get("ours_get_scorecard")
        if extra is not None and "unavailable" in extra:
            rows.append(
                ["scorecard via ours' `get_scorecard`", "", f"unavailable: {extra['unavailable']}", "", ""]
            )
        elif extra is not None:
            rows.append(
                [
                    "scorecard via ours' `get_scorecard` (no peer equivalent)",
                    "",
                    f"{extra['text_bytes']} / {extra['structured_bytes']} / {extra['result_bytes']}",
                    "n/a",
                    f"{extra['text_tokens']} / n/a",
                ]
            )
    return [
        "## 5. Result size (bytes)",
        "",
        *_table(
            [
                "case",
                "API body",
                "ours text / structured / whole",
                "peer text / structured / whole",
                "text tokens ours / peer",
            ],
            rows,
        ),
    ]


def _memory(results: dict[str, Any]) -> list[str]:
    memory = results["memory"]["by_contender"]
    rows = [
        [
            name,
            _num(m["idle_mib"], 1),
            f"{_num(m['with_sessions_mib'], 1)} ({m['sessions']} sessions)",
            _num(m["per_session_kib"], 1),
        ]
        for name, m in memory.items()
    ]
    return [
        "## 6. Memory (RSS, MiB)",
        "",
        *_table(["server", "idle", "with open sessions", "KiB per session"], rows),
    ]


def _method_notes(results: dict[str, Any]) -> list[str]:
    end = " / ".join(str(x) for x in results["load_average_at_end"])
    return [
        "Ratios are ours over the other; lower is better except throughput. A latency ratio is the "
        "geometric mean over the three tools of the per-tool p50 ratios.",
        "Load generator: `bench/wire.py`, a minimal streamable-HTTP MCP client (one POST per request), "
        "so both servers pay the same, small client cost; the API is called with httpx2. Before timing, "
        "the SDK's own `mcp.Client` listed tools and called `get_session` on both servers in both eras: "
        + ", ".join(
            f"{key} {'ok' if check['get_session_ok'] else 'FAILED'} ({check['tools']} tools)"
            for key, check in results["sdk_client_check"].items()
        )
        + ".",
        "The upstream for all three is the sandbox (`intervyo-mcp sandbox`, a fresh database per run) "
        "in its own process.",
        "Both servers log at warning level. Ours runs with its defaults otherwise (default toolsets, "
        "sessions on); the peer with FastMCP's defaults plus route maps for the same tool selection.",
        f"Token estimator: `{ESTIMATOR}` (bench/tokens.py; a regex word-piece count is also in the JSON).",
        f"Load average at the end: {end} (the figures are medians of interleaved rounds because the "
        "machine may be shared).",
    ]


def render(results: dict[str, Any]) -> str:
    gaps = results["peer"]["gaps"] or ["none found"]
    lines = [
        "# intervyo-mcp benchmark",
        "",
        f"`{results['command']}` ({results['plan']['name']} run, {results['elapsed_s']:.0f} s). "
        "Contenders: **direct** (httpx2 to the sandbox API), **ours** "
        "(`intervyo-mcp serve --transport http`), **peer** (FastMCP `from_openapi` over the sandbox's "
        "OpenAPI). All on loopback, each in its own process, interleaved; MCP clients speak the "
        "2025-11-25 handshake, one session each.",
        "",
        f"Machine: {line(results['machine'])}.",
        "",
        *_targets(results),
        "",
        *_latency(results),
        "",
        *_throughput(results),
        "",
        *_cold_start(results),
        "",
        *_context(results),
        "",
        *_result_size(results),
        "",
        *_memory(results),
        "",
        "## What the peer cannot do",
        "",
        *[f"- {gap}" for gap in gaps],
        *[f"- {note}" for note in results["peer"]["notes"]],
        "",
        "## How it was measured",
        "",
        *[f"- {note}" for note in _method_notes(results)],
        "",
    ]
    return "\n".join(lines)
