"""Over real HTTP against the sandbox's injected faults: what a scripted transport cannot show.

How each status, Retry-After and network error is retried or reported is tested once, against a
scripted intervyo with recorded waits, in `test_upstream_calls.py`.
"""

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
