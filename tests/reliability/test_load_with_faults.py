"""Load with faults: two tenants' clients at once against our server over loopback, while the sandbox
fails a share of requests (503s, dropped connections, latency). Every call is answered; no answer from
our server is a 5xx; no tenant sees the other's records; no participant is scheduled twice, however often
scheduling is retried or repeated at once."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from support import figures, serving

from server.app import build_app

pytestmark = [pytest.mark.anyio, pytest.mark.reliability]

WORKERS_PER_TENANT = 8
ROUNDS = 12
FAULTS = [
    {"route": "/sessions", "method": "POST", "status": 503, "probability": 0.3},
    {"route": "*", "method": "GET", "status": 503, "probability": 0.15},
    {"route": "*", "method": "GET", "drop_connection": True, "probability": 0.05},
    {"route": "*", "latency_ms": 30, "probability": 0.2},
]


class Tally:
    def __init__(self) -> None:
        self.calls = 0
        self.outcomes: Counter[str] = Counter()
        self.http_statuses: Counter[int] = Counter()
        self.created: dict[str, set[str]] = {"a": set(), "b": set()}
        self.seen: dict[str, set[str]] = {"a": set(), "b": set()}
        self.scheduled: dict[str, str] = {}  # participant -> template id (tenant a)

    async def record_status(self, response: httpx2.Response) -> None:
        self.http_statuses[response.status_code] += 1


async def _call(client: Client, tally: Tally, tool: str, arguments: dict[str, Any]) -> dict[str, Any] | None:
    tally.calls += 1
    with anyio.fail_after(30):
        result = await client.call_tool(tool, arguments)
    if result.is_error:
        tally.outcomes[f"{tool}: isError {(result.structured_content or {}).get('status')}"] += 1
        return None
    tally.outcomes[f"{tool}: ok"] += 1
    return result.structured_content


async def _worker(url: str, key: str, tenant: str, stage: dict[str, Any] | None, tally: Tally) -> None:
    hooks = {"response": [tally.record_status]}
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=30, event_hooks=hooks) as http,
        Client(streamable_http_client(url, http_client=http)) as client,  # type: ignore[arg-type]
    ):
        for _ in range(ROUNDS):
            email = f"load-{uuid.uuid4().hex[:12]}@example.com"
            made = await _call(client, tally, "create_participant", {"name": "Load Test", "email": email})
            if made is None:
                continue
            person = str(made["id"])
            tally.created[tenant].add(person)
            listed = await _call(client, tally, "list_participants", {"page_size": 50})
            for item in (listed or {}).get("items", []):
                tally.seen[tenant].add(str(item["id"]))
            await _call(client, tally, "get_participant", {"participant_id": person})
            if stage is None:
                continue
            arguments = {
                "candidate_id": person,
                "evaluation_template_id": stage["evaluation_template_id"],
                "stage": stage["type"],
            }
            tally.scheduled[person] = stage["evaluation_template_id"]
            async with anyio.create_task_group() as group:  # the same request twice at once, retried on 503s
                for _ in range(2):
                    group.start_soon(_call, client, tally, "schedule_session", arguments)
            await _call(client, tally, "schedule_session", arguments)  # and once more after


async def test_load_with_faults_answers_everything_without_leaks_or_duplicates(make_settings) -> None:
    from sandbox.config import SandboxConfig
    from sandbox.seed import DEMO_KEY, OTHER_KEY
    from sandbox.serve import serve_in_thread

    tally = Tally()
    started = time.monotonic()
    with serve_in_thread(SandboxConfig(time_scale=1000.0)) as sandbox:
        async with httpx2.AsyncClient(base_url=sandbox.origin, timeout=10) as control:
            stages = await control.get(
                "/api/v1/evaluation-stages", params={"pageSize": 100}, headers={"x-api-key": DEMO_KEY}
            )
            stage = next(s for s in stages.json()["data"] if s.get("status") == "active")
            for key in (DEMO_KEY, OTHER_KEY):
                for fault in FAULTS:
                    added = await control.post("/_sandbox/faults", json=fault, headers={"x-api-key": key})
                    assert added.status_code == 201, added.text
            settings = make_settings(api_base_url=sandbox.base_url, log_level="warning", retries=3)
            with serving(build_app(settings)) as served, anyio.fail_after(55):
                async with anyio.create_task_group() as group:
                    for _ in range(WORKERS_PER_TENANT):
                        group.start_soon(_worker, served.mcp_url, DEMO_KEY, "a", stage, tally)
                        group.start_soon(_worker, served.mcp_url, OTHER_KEY, "b", None, tally)
            for key in (DEMO_KEY, OTHER_KEY):
                await control.delete("/_sandbox/faults", headers={"x-api-key": key})
            duplicates = 0
            for person, template in tally.scheduled.items():
                listing = await control.get(
                    "/api/v1/sessions",
                    params={"candidate_id": person, "pageSize": 100},
                    headers={"x-api-key": DEMO_KEY},
                )
                sessions = [s for s in listing.json()["data"] if s["evaluation_template_id"] == template]
                duplicates += max(0, len(sessions) - 1)
    leaks = len(tally.seen["a"] & tally.created["b"]) + len(tally.seen["b"] & tally.created["a"])
    server_errors = sum(count for status, count in tally.http_statuses.items() if status >= 500)
    figures(
        "load with faults",
        clients=2 * WORKERS_PER_TENANT,
        calls=tally.calls,
        http_5xx=server_errors,
        leaks=leaks,
        scheduled_participants=len(tally.scheduled),
        duplicates=duplicates,
        seconds=round(time.monotonic() - started, 1),
        outcomes=dict(sorted(tally.outcomes.items())),
    )
    assert server_errors == 0
    assert leaks == 0
    assert duplicates == 0
    assert tally.outcomes["schedule_session: ok"] > 0  # scheduling did happen under the faults
