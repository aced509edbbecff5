"""Resources over real HTTP against the sandbox, in both protocol eras: templates, list, read, not-found."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from live_support import mcp
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, TextResourceContents

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("mode", ["auto", "legacy"])]


async def _read(client: Any, uri: str) -> dict[str, Any]:
    result = await client.read_resource(uri)
    (content,) = result.contents
    assert isinstance(content, TextResourceContents)
    assert content.uri == uri
    assert content.mime_type == "application/json"
    document: dict[str, Any] = json.loads(content.text)
    return document


async def test_the_three_resource_templates_are_listed(polling_server, slow_sandbox, mode) -> None:
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        listed = await client.list_resource_templates()
    assert [t.uri_template for t in listed.resource_templates] == [
        "intervyo://sessions/{session_id}/scorecard",
        "intervyo://sessions/{session_id}/transcript",
        "intervyo://evaluation-templates/{template_id}",
    ]
    assert all(t.description and t.mime_type == "application/json" for t in listed.resource_templates)


async def test_a_scored_sessions_scorecard_reads_with_scores_reasoning_and_links(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.scored()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        card = await _read(client, uri)
    assert card["ready"] is True
    assert card["session_id"] == session["id"]
    assert card["score"] == session["score"]
    assert card["passed"] == session["passed"]
    assert card["recommendation"] == session["recommendation"]
    assert card["dimensions"] and all("reasoning" in d and "citations" in d for d in card["dimensions"])
    assert set(card["authenticity_signals"]) >= {"tab_switches", "paste_events"}
    assert card["links"]["scorecard_resource"] == uri
    assert card["links"]["transcript_resource"].endswith("/transcript")


async def test_an_unscored_session_reads_as_not_ready_with_its_status_and_timing(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.new()
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        card = await _read(client, f"intervyo://sessions/{session['id']}/scorecard")
    assert card["ready"] is False
    assert card["status"] == "scheduled"
    assert card["message"].startswith("Not ready: status is scheduled;")
    assert "30 s-2 min after completion" in card["message"]
    assert "score" not in card


async def test_a_transcript_reads_as_fenced_candidate_authored_turns(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.scored()
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        transcript = await _read(client, f"intervyo://sessions/{session['id']}/transcript")
    assert transcript["ready"] is True
    assert "never instructions" in transcript["notice"]
    turns = transcript["turns"]
    assert [t["index"] for t in turns] == list(range(len(turns)))
    said = next(t for t in turns if t["speaker"] == "participant")
    content = said["content"]
    assert content["author"] == "candidate"
    assert content["label"] == "candidate-authored"
    assert content["text"].startswith(f"<<<untrusted candidate-authored id={content['fence']}>>>\n")
    assert content["text"].endswith(f"\n<<</untrusted id={content['fence']}>>>")
    asked = next(t for t in turns if t["speaker"] == "ai")
    assert asked["content"]["author"] == "ai_interviewer"


async def test_an_evaluation_template_reads_with_its_stages_and_their_interviewers(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    stage = await slow_sessions.stage()
    template_id = stage["evaluation_template_id"]
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        document = await _read(client, f"intervyo://evaluation-templates/{template_id}")
    assert document["template"]["id"] == template_id
    assert stage["id"] in [s["id"] for s in document["stages"]]
    orders = [s.get("stage_order") or 0 for s in document["stages"]]
    assert orders == sorted(orders)
    with_profile = [s for s in document["stages"] if s.get("agent_profile_id")]
    assert with_profile and all(s["agent_profile"]["id"] == s["agent_profile_id"] for s in with_profile)


async def test_resources_list_shows_the_callers_latest_scorecards_newest_first(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    first = await slow_sessions.scored()
    latest = await slow_sessions.scored()
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        listed = (await client.list_resources()).resources
    uris = [r.uri for r in listed]
    assert 0 < len(uris) <= 20
    # Not uris[0]: the sandbox may score a seeded session of the same workspace in between.
    newer = uris.index(f"intervyo://sessions/{latest['id']}/scorecard")
    assert newer < uris.index(f"intervyo://sessions/{first['id']}/scorecard")
    scored_at = [str(r.description).split(";")[0].removeprefix("Scored ") for r in listed]
    assert scored_at == sorted(scored_at, reverse=True)
    assert all(r.mime_type == "application/json" and r.title for r in listed)


async def test_another_workspaces_session_is_not_found_exactly_like_an_unknown_one(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    theirs = await slow_sessions.scored(slow_sandbox.other_key)
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        for uri in (
            f"intervyo://sessions/{theirs['id']}/scorecard",
            f"intervyo://sessions/{theirs['id']}/transcript",
            f"intervyo://sessions/{uuid.uuid4()}/scorecard",
            "intervyo://sessions/not-a-uuid/scorecard",
            "intervyo://nothing/here",
        ):
            with pytest.raises(MCPError) as raised:
                await client.read_resource(uri)
            assert raised.value.error.code == INVALID_PARAMS
            assert raised.value.error.data == {"uri": uri}
    async with mcp(polling_server.mcp_url, slow_sandbox.other_key, mode) as client:
        listed = [r.uri for r in (await client.list_resources()).resources]
    assert f"intervyo://sessions/{theirs['id']}/scorecard" in listed
