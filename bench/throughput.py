"""Figure 2: completed tool calls per second under 1, 8, 32 and 128 concurrent clients.

Each contender first gets as many clients as the highest level (N MCP sessions over one pool of N
connections, or N callers sharing a pool of N connections for the API), kept for the whole figure as
agents keep their sessions; a window at level n uses the first n of them. One window per (level,
round, contender), in an order that rotates, each bounded by a duration and by a call budget. In a
window every client calls `get_session` back to back until time or budget runs out (the full run
first makes one untimed call per client). Calls still in flight at the deadline finish and count;
the rate is completed calls over the wall time until the last one returned. Beside the rate: the
latency under that load, failures, and CPU milliseconds per call spent by each process (server,
sandbox, and the load generator itself), which shows where the bottleneck was on this machine.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx2
import psutil

from bench.callers import CALL_ERRORS, Caller
from bench.rig import CONTENDERS, Contender, Rig, rotated
from bench.stats import spread, summarize
from bench.workload import THROUGHPUT_TOOL

__all__ = ["measure_throughput"]


def _cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    found: dict[str, float] = {}
    for name, pid in pids.items():
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        found[name] = times.user + times.system
    return found


async def _window(rig: Rig, contender: Contender, callers: list[Caller]) -> dict[str, Any]:
    plan = rig.plan
    latencies: list[float] = []
    failures = 0
    completed = 0
    pids = {"sandbox": rig.sandbox.pid, "bench": psutil.Process().pid}
    if contender != "direct":
        pids["server"] = rig.servers[contender].pid

    async def client_loop(caller: Caller, deadline: float) -> None:
        nonlocal failures, completed
        while time.perf_counter() < deadline and completed + failures < plan.throughput_max_calls:
            arguments = rig.workload.arguments(THROUGHPUT_TOOL)
            started = time.perf_counter()
            try:
                outcome = await caller.call(THROUGHPUT_TOOL, arguments)
            except CALL_ERRORS:
                failures += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000.0)
            if outcome.ok:
                completed += 1
            else:
                failures += 1

    if plan.throughput_warmup:
        await asyncio.gather(
            *(c.call(THROUGHPUT_TOOL, rig.workload.arguments(THROUGHPUT_TOOL)) for c in callers)
        )
    cpu_before = _cpu_seconds(pids)
    started = time.perf_counter()
    deadline = started + plan.throughput_seconds
    async with asyncio.timeout(plan.throughput_seconds + plan.call_timeout_s + 5.0):
        await asyncio.gather(*(client_loop(c, deadline) for c in callers))
    elapsed = time.perf_counter() - started
    cpu_after = _cpu_seconds(pids)
    cpu_ms = {
        name: round((cpu_after[name] - cpu_before[name]) * 1000.0 / max(completed, 1), 3)
        for name in cpu_before
        if name in cpu_after
    }
    return {
        "clients": len(callers),
        "completed": completed,
        "failures": failures,
        "seconds": elapsed,
        "calls_per_s": completed / elapsed if elapsed > 0 else 0.0,
        "latency_ms": summarize(latencies),
        "cpu_ms_per_call": cpu_ms,
    }


async def measure_throughput(rig: Rig) -> dict[str, Any]:
    plan = rig.plan
    most = max(plan.concurrency)
    windows: dict[Contender, dict[int, list[dict[str, Any]]]] = {
        c: {n: [] for n in plan.concurrency} for c in CONTENDERS
    }
    pools: dict[Contender, httpx2.AsyncClient] = {}
    callers: dict[Contender, list[Caller]] = {}
    try:
        for contender in CONTENDERS:
            pools[contender] = rig.client(contender, most)
            callers[contender] = list(
                await asyncio.gather(*(rig.caller(contender, pools[contender]) for _ in range(most)))
            )
        shift = 0
        for clients in plan.concurrency:
            for _ in range(plan.throughput_rounds):
                for contender in rotated(CONTENDERS, shift):
                    window = await _window(rig, contender, callers[contender][:clients])
                    windows[contender][clients].append(window)
                shift += 1
    finally:
        for group in callers.values():
            await asyncio.gather(*(c.close() for c in group), return_exceptions=True)
        for pool in pools.values():
            await pool.aclose()
    return {
        "tool": THROUGHPUT_TOOL,
        "seconds_per_window": plan.throughput_seconds,
        "rounds": plan.throughput_rounds,
        "by_contender": {
            c: {
                str(n): {
                    "calls_per_s": spread([w["calls_per_s"] for w in windows[c][n]]),
                    "latency_p50_ms": spread([w["latency_ms"]["p50"] or 0.0 for w in windows[c][n]]),
                    "latency_p90_ms": spread([w["latency_ms"]["p90"] or 0.0 for w in windows[c][n]]),
                    "failures": sum(w["failures"] for w in windows[c][n]),
                    "windows": windows[c][n],
                }
                for n in plan.concurrency
            }
            for c in CONTENDERS
        },
    }
