"""Figure 1: the latency of one tool call, one client at a time, contenders interleaved call by call.

Each contender gets one client (one MCP session, or one keep-alive connection for the API). Per round
and per tool, call i of every contender is made before call i+1 of any, in an order that rotates every
round, so a noisy neighbour slows all three alike. Warm-up calls are not timed. Reported per tool and
contender: p50/p90/p99 over every timed call (milliseconds), the spread of the per-round medians, and
the calls that did not succeed. Run once with MCP clients in the handshake era (2025-11-25, the
headline figure) and once in the stateless 2026-07-28 era.
"""

from __future__ import annotations

import time
from typing import Any

from bench.callers import CALL_ERRORS, Caller
from bench.rig import CONTENDERS, Contender, Rig, rotated
from bench.stats import median, spread, summarize
from bench.wire import HANDSHAKE
from bench.workload import LATENCY_TOOLS

__all__ = ["measure_latency"]


async def measure_latency(rig: Rig, era: str = HANDSHAKE) -> dict[str, Any]:
    """Latency with MCP clients in `era` (the API has no era; it is measured alongside either way)."""
    plan = rig.plan
    clients = {c: rig.client(c, 1) for c in CONTENDERS}
    callers: dict[Contender, Caller] = {}
    samples = {c: {t: list[float]() for t in LATENCY_TOOLS} for c in CONTENDERS}
    round_medians = {c: {t: list[float]() for t in LATENCY_TOOLS} for c in CONTENDERS}
    failures = {c: {t: 0 for t in LATENCY_TOOLS} for c in CONTENDERS}
    try:
        for contender in CONTENDERS:
            callers[contender] = await rig.caller(contender, clients[contender], era)
        for tool in LATENCY_TOOLS:
            for _ in range(plan.warmup_calls):
                for contender in CONTENDERS:
                    await callers[contender].call(tool, rig.workload.arguments(tool))
        for round_index in range(plan.latency_rounds):
            order = tuple(rotated(CONTENDERS, round_index))
            for tool in LATENCY_TOOLS:
                this_round = {c: list[float]() for c in CONTENDERS}
                for _ in range(plan.latency_calls):
                    for contender in order:
                        arguments = rig.workload.arguments(tool)
                        started = time.perf_counter()
                        try:
                            outcome = await callers[contender].call(tool, arguments)
                        except CALL_ERRORS:
                            failures[contender][tool] += 1
                            continue
                        this_round[contender].append((time.perf_counter() - started) * 1000.0)
                        if not outcome.ok:
                            failures[contender][tool] += 1
                for contender in CONTENDERS:
                    samples[contender][tool] += this_round[contender]
                    round_medians[contender][tool].append(median(this_round[contender]) or 0.0)
    finally:
        for caller in callers.values():
            await caller.close()
        for client in clients.values():
            await client.aclose()
    return {
        "unit": "ms",
        "protocol_version": era,
        "calls_per_round": plan.latency_calls,
        "rounds": plan.latency_rounds,
        "by_contender": {
            c: {
                t: {
                    **summarize(samples[c][t]),
                    "round_p50": spread(round_medians[c][t]),
                    "failures": failures[c][t],
                }
                for t in LATENCY_TOOLS
            }
            for c in CONTENDERS
        },
    }
