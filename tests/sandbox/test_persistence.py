"""Persistence across restarts (a database file keeps every row, the demo rows only once) and serving."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from sandbox import DEMO_KEY, SandboxConfig, serve_async, serve_in_thread


def test_rows_survive_a_restart_with_a_database_file(tmp_path: Path) -> None:
    config = SandboxConfig(db_path=tmp_path / "sandbox.db")
    headers = {"x-api-key": DEMO_KEY}
    with serve_in_thread(config) as first:
        made = httpx2.post(
            f"{first.base_url}/participants",
            json={"name": "Kept", "email": "kept@example.com"},
            headers=headers,
        ).json()["data"]
        totals = httpx2.get(f"{first.base_url}/sessions", headers=headers).json()["meta"]["total"]
    with serve_in_thread(config) as second:
        found = httpx2.get(f"{second.base_url}/participants/{made['id']}", headers=headers)
        assert found.json()["data"] == made
        again = httpx2.get(f"{second.base_url}/sessions", headers=headers).json()["meta"]["total"]
        assert again == totals
        scored = [
            row
            for row in httpx2.get(
                f"{second.base_url}/sessions", headers=headers, params={"pageSize": 100}
            ).json()["data"]
            if row.get("scored_at")
        ]
        assert httpx2.get(scored[0]["transcript_url"]).status_code == 200
    assert (tmp_path / "sandbox.db").exists()


def test_demo_ids_are_the_same_in_every_fresh_sandbox() -> None:
    def template_ids() -> list[str]:
        with serve_in_thread(SandboxConfig()) as running:
            rows = httpx2.get(f"{running.base_url}/evaluation-templates", headers={"x-api-key": DEMO_KEY})
            return [row["id"] for row in rows.json()["data"]]

    assert template_ids() == template_ids()


def test_a_sandbox_without_demo_data_starts_empty_but_with_keys() -> None:
    with serve_in_thread(SandboxConfig(seed_demo=False)) as running:
        response = httpx2.get(f"{running.base_url}/sessions", headers={"x-api-key": DEMO_KEY})
        assert response.json()["meta"]["total"] == 0


@pytest.mark.anyio
async def test_the_sandbox_also_serves_on_the_running_event_loop() -> None:
    async with serve_async(SandboxConfig()) as running, httpx2.AsyncClient() as client:
        assert running.base_url == f"http://127.0.0.1:{running.port}/api/v1"
        response = await client.get(f"{running.base_url}/sessions", headers={"x-api-key": DEMO_KEY})
        assert response.status_code == 200
