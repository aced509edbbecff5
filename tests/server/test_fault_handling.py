"""The sandbox's injected 429s and 5xx are retried or reported as specified, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
def faults(sandbox) -> Iterator:
    """Register faults for the fault key; every one is cleared after the test."""
    key = sandbox.fault_key

    def add(**spec: object) -> None:
        sandbox.control(key, "POST", "/_sandbox/faults", spec)

    yield add
    sandbox.control(key, "DELETE", "/_sandbox/faults")


def _remaining(sandbox) -> list[dict]:
    return sandbox.control(sandbox.fault_key, "GET", "/_sandbox/faults").json()["data"]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_5xx_on_a_read_is_retried_through(live_server, sandbox, connect, faults, mode: str) -> None:
    faults(route="/participants", method="GET", status=503, count=2)
    async with connect(live_server.mcp_url, sandbox.fault_key, mode=mode) as client:
        result = await client.call_tool("list_participants", {})
    assert not result.is_error
    assert _remaining(sandbox) == []


async def test_a_read_that_keeps_failing_is_reported_as_retryable(
    live_server, sandbox, connect, faults
) -> None:
    faults(route="/sessions", method="GET", status=500)
    async with connect(live_server.mcp_url, sandbox.fault_key) as client:
        result = await client.call_tool("list_sessions", {})
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["status"] == 500
    assert result.structured_content["retryable"] is True
    assert "after 4 attempts" in result.structured_content["error"]


async def test_a_429_on_a_read_is_retried_after_its_retry_after(
    live_server, sandbox, connect, faults
) -> None:
    faults(route="/sessions", method="GET", status=429, retry_after=1, count=1)
    async with connect(live_server.mcp_url, sandbox.fault_key) as client:
        result = await client.call_tool("list_sessions", {})
    assert not result.is_error
    assert _remaining(sandbox) == []


async def test_a_429_longer_than_the_deadline_is_reported_with_its_wait(
    live_server, sandbox, connect, faults
) -> None:
    faults(route="/sessions", method="GET", status=429, retry_after=120, count=1)
    async with connect(live_server.mcp_url, sandbox.fault_key) as client:
        result = await client.call_tool("list_sessions", {})
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["status"] == 429
    assert result.structured_content["retry_after_s"] == 120


async def test_a_5xx_on_a_create_is_reported_not_retried(live_server, sandbox, connect, faults) -> None:
    faults(route="/participants", method="POST", status=502, count=2)
    async with connect(live_server.mcp_url, sandbox.fault_key) as client:
        result = await client.call_tool("create_participant", {"name": "Once", "email": "once@example.com"})
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["status"] == 502
    assert [fault["count"] for fault in _remaining(sandbox)] == [1]


async def test_a_429_on_a_create_is_reported_at_once_with_retry_after(
    live_server, sandbox, connect, faults
) -> None:
    faults(route="/participants", method="POST", status=429, retry_after=7, count=1)
    async with connect(live_server.mcp_url, sandbox.fault_key) as client:
        result = await client.call_tool("create_participant", {"name": "Later", "email": "later@example.com"})
    assert result.structured_content is not None
    assert result.structured_content["status"] == 429
    assert result.structured_content["retry_after_s"] == 7


async def test_a_dropped_connection_on_a_read_is_retried(live_server, sandbox, connect, faults) -> None:
    faults(route="/agent-profiles", method="GET", drop_connection=True, count=1)
    async with connect(live_server.mcp_url, sandbox.fault_key) as client:
        result = await client.call_tool("list_agent_profiles", {})
    assert not result.is_error


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_invalid_arguments_never_reach_the_sandbox(live_server, sandbox, connect, faults, mode) -> None:
    # A fault on every route, once: had any request gone out, it would have been used up.
    faults(route="*", status=500, count=1)
    async with connect(live_server.mcp_url, sandbox.fault_key, mode=mode) as client:
        result = await client.call_tool("schedule_session", {"candidate_id": "not-a-uuid", "stage": ""})
    assert result.is_error
    assert result.structured_content is not None
    paths = {tuple(issue["path"]) for issue in result.structured_content["issues"]}
    assert paths == {("candidate_id",), ("evaluation_template_id",), ("stage",)}
    assert [fault["count"] for fault in _remaining(sandbox)] == [1]


async def test_a_slow_upstream_is_cut_off_at_the_call_deadline(
    sandbox, serve, make_settings, connect, faults
):
    faults(route="/sessions", method="GET", latency_ms=1500, count=1)
    settings = make_settings(api_base_url=sandbox.base_url, call_deadline_s=0.5)
    with serve(settings) as live, anyio.fail_after(4):
        async with connect(live.mcp_url, sandbox.fault_key) as client:
            result = await client.call_tool("list_sessions", {})
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["status"] == 504
    assert result.structured_content["retryable"] is True
    assert "did not answer in time" in result.structured_content["error"]
