"""Figure 6: resident memory of each MCP server, idle and holding N open sessions.

Idle is measured after start-up and one session's `tools/list` (both servers have then loaded what a
first client needs). Then N sessions are opened at once (handshake only) and held while RSS is read,
then closed. RSS comes from psutil, for the server process alone.
"""

from __future__ import annotations

import asyncio
from typing import Any

import psutil

from bench.rig import MCP_CONTENDERS, Rig
from bench.wire import McpSession

__all__ = ["measure_memory"]

_MIB = 1024 * 1024


def _rss_mib(pid: int) -> float:
    rss: int = psutil.Process(pid).memory_info().rss
    return rss / _MIB


async def measure_memory(rig: Rig) -> dict[str, Any]:
    sessions_wanted = rig.plan.memory_sessions
    found: dict[str, Any] = {}
    for contender in MCP_CONTENDERS:
        pid = rig.servers[contender].pid
        pool = rig.client(contender, sessions_wanted)
        sessions: list[McpSession] = []
        try:
            first = McpSession(pool, rig.mcp_url(contender))
            await first.open()
            await first.list_tools()
            await first.close()
            await asyncio.sleep(0.2)
            idle = _rss_mib(pid)
            sessions = [McpSession(pool, rig.mcp_url(contender)) for _ in range(sessions_wanted)]
            await asyncio.gather(*(s.open() for s in sessions))
            await asyncio.sleep(0.2)
            loaded = _rss_mib(pid)
        finally:
            await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
            await pool.aclose()
        found[contender] = {
            "idle_mib": round(idle, 2),
            "sessions": sessions_wanted,
            "with_sessions_mib": round(loaded, 2),
            "per_session_kib": round((loaded - idle) * 1024 / sessions_wanted, 2),
        }
    return {"unit": "MiB", "by_contender": found}
