"""A flood of 10,000 session opens with junk keys: none is admitted, memory stays bounded, and a user with
a valid key connects at once, during the flood and after it."""

from __future__ import annotations

import time

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from support import figures, open_session, quiet_logs, rss_mb, serving

from server.app import build_app

pytestmark = [pytest.mark.anyio, pytest.mark.reliability]

OPENS = 10_000
JUNK_KEYS = 1_000  # each tried ten times: a thousand distinct keys to check, nine cached verdicts each
WORKERS = 50
RSS_BOUND_MB = 60.0
CONNECT_BOUND_S = 5.0


async def _valid_user_connects(url: str, key: str) -> float:
    started = time.monotonic()
    with anyio.fail_after(CONNECT_BOUND_S):
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=30) as http,
            Client(streamable_http_client(url, http_client=http), mode="legacy") as client,  # type: ignore[arg-type]
        ):
            result = await client.call_tool("list_sessions", {"page_size": 1})
            assert not result.is_error
    return time.monotonic() - started


async def test_a_junk_key_flood_admits_nothing_and_locks_nobody_out(sandbox, make_settings) -> None:
    app = build_app(make_settings(api_base_url=sandbox.base_url, log_level="warning"))
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    with serving(app) as served:
        baseline = rss_mb()
        started = time.monotonic()
        with anyio.fail_after(55), quiet_logs():
            async with (
                httpx2.AsyncClient(timeout=30, limits=httpx2.Limits(max_connections=WORKERS)) as http,
                anyio.create_task_group() as group,
            ):

                async def worker(first: int) -> None:
                    for n in range(first, OPENS, WORKERS):
                        response = await open_session(
                            http, served.mcp_url, f"iv_live_junk_{n % JUNK_KEYS:05d}"
                        )
                        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                        if n == OPENS // 2:
                            latencies.append(await _valid_user_connects(served.mcp_url, sandbox.demo_key))

                for first in range(WORKERS):
                    group.start_soon(worker, first)
        flood_s = time.monotonic() - started
        latencies.append(await _valid_user_connects(served.mcp_url, sandbox.demo_key))
        growth = rss_mb() - baseline
        admitted = served.admission.open_sessions
    figures(
        "junk-key flood",
        opens=OPENS,
        distinct_keys=JUNK_KEYS,
        seconds=round(flood_s, 1),
        statuses=statuses,
        admitted=admitted,
        valid_connect_s=[round(s, 2) for s in latencies],
        rss_growth_mb=round(growth, 1),
    )
    assert statuses == {401: OPENS}
    assert admitted <= 1  # the valid user's own session, if not yet closed
    assert all(latency < CONNECT_BOUND_S for latency in latencies)
    assert growth < RSS_BOUND_MB
