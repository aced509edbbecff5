"""`compare_candidates`: one row per scored candidate of a template (their latest session), best first."""

from __future__ import annotations

import uuid

import pytest
from fences import unfenced
from live_support import mcp

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_each_scored_candidate_is_one_row_with_their_latest_scores(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    tag = uuid.uuid4().hex[:8]
    first = await slow_sessions.new(name=f"Ada {tag}")
    await slow_sessions.advance(first["id"], "scored")
    other = await slow_sessions.scored()
    unscored = await slow_sessions.new(name=f"Grace {tag}")
    await slow_sessions.advance(unscored["id"], "completed")
    template_id = first["evaluation_template_id"]
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        result = await client.call_tool("compare_candidates", {"evaluation_template_id": template_id})
        staged = await client.call_tool(
            "compare_candidates", {"evaluation_template_id": template_id, "stage": f"no-such-stage-{tag}"}
        )
        session = (await client.call_tool("get_session", {"session_id": first["id"]})).structured_content
    assert not result.is_error and result.structured_content is not None
    comparison = result.structured_content
    rows = comparison["candidates"]
    assert len({row["candidate_id"] for row in rows}) == len(rows)
    (ada,) = [row for row in rows if row["candidate_id"] == first["candidate_id"]]
    assert unfenced(ada["name"]) == f"Ada {tag}" and ada["session_id"] == first["id"]  # participant-written
    assert session is not None
    assert ada["score"] == session["score"] and ada["recommendation"] == session["recommendation"]
    assert ada["scores"] == {d["dimension"]: d["score"] for d in session["evaluation_breakdown"]}
    assert set(ada["scores"]) <= {dimension["name"] for dimension in comparison["dimensions"]}
    assert other["candidate_id"] in {row["candidate_id"] for row in rows}
    assert unscored["candidate_id"] not in {row["candidate_id"] for row in rows}
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert comparison["sessions_scanned"] >= 2 and comparison["truncated"] is False
    assert staged.structured_content is not None
    assert staged.structured_content["candidates"] == [] and "scored" in staged.structured_content["message"]


async def test_an_unknown_template_is_a_tool_error(polling_server, slow_sandbox) -> None:
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, "auto") as client:
        result = await client.call_tool(
            "compare_candidates", {"evaluation_template_id": "00000000-0000-4000-8000-000000000000"}
        )
        bad = await client.call_tool("compare_candidates", {"evaluation_template_id": "nope"})
    assert result.is_error and bad.is_error
