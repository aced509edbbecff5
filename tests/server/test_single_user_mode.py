"""Single-user mode: INTERVYO_API_KEY set for an HTTP server on loopback stands in for a missing key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]


async def test_requests_without_a_key_use_the_configured_one(sandbox, serve, make_settings, connect) -> None:
    settings = make_settings(api_base_url=sandbox.base_url, api_key=sandbox.demo_key, transport="http")
    with serve(settings) as live:
        async with connect(live.mcp_url, None) as client:
            result = await client.call_tool("list_sessions", {"page_size": 1})
    assert not result.is_error


async def test_a_key_on_the_request_still_wins(sandbox, serve, make_settings, connect) -> None:
    settings = make_settings(api_base_url=sandbox.base_url, api_key=sandbox.demo_key, transport="http")
    with serve(settings) as live:
        async with connect(live.mcp_url, sandbox.readonly_key) as client:
            result = await client.call_tool(
                "create_participant", {"name": "Wins", "email": "request-key-wins@example.com"}
            )
    assert result.is_error
    assert result.structured_content is not None and result.structured_content["status"] == 403


def test_the_server_refuses_single_user_mode_on_a_non_loopback_address() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "INTERVYO_API_KEY": "iv_live_single_user_secret"},
    )
    assert run.returncode == 2
    assert "loopback" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "iv_live_single_user_secret" not in run.stderr
