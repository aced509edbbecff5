"""A soak: 2,000 sessions opened and abandoned (never closed by their clients). The idle sweep closes them
all, nothing of them is left (no transport, no task), and the server's memory returns near where it was
before.

"Before" is after a first round of the same size: CPython and malloc keep freed memory for reuse rather
than give it back, so a process's RSS after its first peak stays near that peak. What must hold is that
abandoned sessions leave nothing behind: a second round fits in the memory the first one freed, near the
baseline (the test process's other allocations move it by a few MB), and a third round adds nothing to
what the second left (a leak would add the same again each round).
"""

from __future__ import annotations

import asyncio
import gc
import time

import anyio
import httpx2
import pytest
from mcp.server.streamable_http import StreamableHTTPServerTransport
from support import figures, open_session, quiet_logs, rss_mb

from server.app import build_app
from server.upstream.client import Upstream

pytestmark = [pytest.mark.anyio, pytest.mark.reliability]

SESSIONS = 2_000
KEYS = 100  # twenty sessions each: under the per-key cap, so only the idle sweep closes them
WORKERS = 20
NEAR_BASELINE_MB = 20.0  # measured 0-10 MB; a leak of 10 KB a session would be 20 MB
ROUND_TO_ROUND_MB = 5.0


def _intervyo(request: httpx2.Request) -> httpx2.Response:
    if not request.headers["x-api-key"].startswith("iv_live_soak_"):
        return httpx2.Response(401, json={"error": "Invalid or revoked API key"})
    return httpx2.Response(
        200, json={"data": [], "meta": {"page": 1, "pageSize": 1, "total": 0, "totalPages": 0}}
    )


async def _open_many(http: httpx2.AsyncClient, count: int, tag: str) -> int:
    opened = 0

    async def worker(first: int) -> None:
        nonlocal opened
        for n in range(first, count, WORKERS):
            response = await open_session(http, "http://127.0.0.1/mcp", f"iv_live_soak_{tag}{n % KEYS:03d}")
            assert response.status_code == 200, response.text
            opened += 1

    async with anyio.create_task_group() as group:
        for first in range(WORKERS):
            group.start_soon(worker, first)
    return opened


async def _wound_down() -> None:
    """Until every closed session's task has ended (they finish on their own once their transport is
    terminated; bounded)."""
    with anyio.fail_after(15):
        while _transports():
            await anyio.sleep(0.05)


def _transports() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, StreamableHTTPServerTransport))


async def test_abandoned_sessions_are_closed_and_memory_returns_near_baseline(make_settings) -> None:
    # The global cap above the run's size: here only the idle sweep closes sessions.
    settings = make_settings(
        api_base_url="https://intervyo.test/api/v1", log_level="warning", max_sessions=5000
    )
    upstream = Upstream(settings, transport=httpx2.MockTransport(_intervyo))
    app = build_app(settings, upstream)
    admission = app.state.admission
    started = time.monotonic()
    with anyio.fail_after(55), quiet_logs():
        async with (
            app.router.lifespan_context(app),
            httpx2.AsyncClient(transport=httpx2.ASGITransport(app), timeout=30) as http,
        ):
            await _open_many(http, SESSIONS, "first")
            await admission.sweep(idle_s=0)
            await _wound_down()
            baseline, tasks = rss_mb(), len(asyncio.all_tasks())
            opened = await _open_many(http, SESSIONS, "")
            held = admission.open_sessions
            peak = rss_mb()
            closed = await admission.sweep(idle_s=0)
            await _wound_down()
            left = admission.open_sessions
            after, tasks_after = rss_mb(), len(asyncio.all_tasks())
            transports = _transports()
            await _open_many(http, SESSIONS, "third")
            await admission.sweep(idle_s=0)
            await _wound_down()
            after_third = rss_mb()
    figures(
        "soak",
        abandoned=opened,
        held_before_sweep=held,
        closed_by_sweep=closed,
        left=left,
        transports_left=transports,
        tasks_before_after=(tasks, tasks_after),
        rss_baseline_mb=round(baseline, 1),
        rss_peak_mb=round(peak, 1),
        rss_after_mb=round(after, 1),
        rss_after_third_round_mb=round(after_third, 1),
        seconds=round(time.monotonic() - started, 1),
    )
    assert opened == held == closed == SESSIONS
    assert left == 0 and transports == 0 and tasks_after <= tasks
    assert after - baseline < NEAR_BASELINE_MB
    assert after_third - after < ROUND_TO_ROUND_MB
