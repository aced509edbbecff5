"""The composite tools that mirror the resources: listed like every tool, filtered like every tool, and
answering the same documents; `wait_for_scorecard` returns the scorecard when it arrives during the
wait, with progress, and a clear "not yet" otherwise."""

from __future__ import annotations

import re

import anyio
import pytest
from jsonschema import Draft202012Validator
from live_support import mcp
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult

import tools
from tools import Composite

pytestmark = pytest.mark.anyio

_COMPOSITES = ("get_scorecard", "get_transcript", "wait_for_scorecard", "compare_candidates")
_HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")


@pytest.mark.parametrize("tool", tools.COMPOSITES, ids=lambda t: t.name)
def test_composite_tools_meet_the_same_contract_as_the_catalog(tool: Composite) -> None:
    listed = tool.tool
    assert re.fullmatch(r"[a-z][a-z0-9_]{0,63}", listed.name)
    assert listed.title and listed.description and 40 <= len(listed.description) <= 600
    for schema in (listed.input_schema, listed.output_schema):
        assert schema is not None
        Draft202012Validator.check_schema(schema)
        assert schema["type"] == "object"
    assert tool.input_schema.get("additionalProperties") is False  # refused when validated, not listed
    assert all(prop.get("description") for prop in listed.input_schema["properties"].values())
    assert listed.annotations is not None
    wire = listed.annotations.model_dump(by_alias=True, exclude_unset=True)
    assert set(_HINTS) <= wire.keys()
    assert (wire["readOnlyHint"], wire["destructiveHint"]) == (True, False)
    assert tool in tools.TOOLS and tool.toolset == "scorecards" and tool.toolset in tools.DEFAULT_TOOLSETS


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_composite_tools_are_listed_and_obey_toolsets_and_read_only(
    polling_server, slow_sandbox, mode
) -> None:
    url, key = polling_server.mcp_url, slow_sandbox.demo_key
    async with mcp(url, key, mode) as client:
        names = [t.name for t in (await client.list_tools()).tools]
    assert names[-len(_COMPOSITES) :] == list(_COMPOSITES)
    # Read-only keeps them (they only read); narrowing to other toolsets hides them and refuses calls.
    async with mcp(url, key, mode, headers={"X-Intervyo-Read-Only": "1"}) as client:
        names = [t.name for t in (await client.list_tools()).tools]
    assert set(_COMPOSITES) <= set(names)
    async with mcp(url, key, mode, headers={"X-Intervyo-Toolsets": "sessions"}) as client:
        names = [t.name for t in (await client.list_tools()).tools]
        assert not set(_COMPOSITES) & set(names)
        with pytest.raises(MCPError, match="Unknown tool"):
            await client.call_tool("get_scorecard", {"session_id": "00000000-0000-4000-8000-000000000000"})


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_get_scorecard_and_get_transcript_return_the_resource_documents(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.scored()
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        card = await client.call_tool("get_scorecard", {"session_id": session["id"]})
        transcript = await client.call_tool("get_transcript", {"session_id": session["id"]})
        missing = await client.call_tool(
            "get_scorecard", {"session_id": "00000000-0000-4000-8000-000000000000"}
        )
    assert not card.is_error and card.structured_content is not None
    assert card.structured_content["ready"] is True
    assert card.structured_content["score"] == session["score"]
    assert not transcript.is_error and transcript.structured_content is not None
    turns = transcript.structured_content["turns"]
    assert turns and all(t["content"]["text"].startswith("<<<untrusted ") for t in turns)
    assert missing.is_error
    assert missing.structured_content is not None and missing.structured_content["status"] == 404


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_wait_for_scorecard_returns_the_scorecard_when_it_arrives_during_the_wait(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.new()
    await slow_sessions.advance(session["id"], "in_progress")  # never scored until it is completed
    progress: list[tuple[float, float | None, str | None]] = []
    waiting = anyio.Event()

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))
        waiting.set()

    answer: list[CallToolResult] = []
    async with (
        mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client,
        anyio.create_task_group() as group,
    ):

        async def wait() -> None:
            arguments = {"session_id": session["id"], "timeout_s": 20}
            answer.append(
                await client.call_tool("wait_for_scorecard", arguments, progress_callback=on_progress)
            )

        group.start_soon(wait)
        with anyio.fail_after(10):
            await waiting.wait()  # the tool has read the session once: it is waiting
        await slow_sessions.advance(session["id"], "completed")  # scored 0.5-2 s from now
    (result,) = answer
    assert not result.is_error and result.structured_content is not None
    assert result.structured_content["ready"] is True
    assert result.structured_content["score"] is not None
    assert progress[0][2] == "Waiting for the scorecard: status is in_progress."
    assert all(total == 20 and message and "status is " in message for _, total, message in progress)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_wait_for_scorecard_says_not_yet_and_when_to_ask_again(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.new()
    await slow_sessions.advance(session["id"], "in_progress")
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        result = await client.call_tool("wait_for_scorecard", {"session_id": session["id"], "timeout_s": 1})
    assert not result.is_error and result.structured_content is not None
    answer = result.structured_content
    assert answer["ready"] is False
    assert answer["status"] == "in_progress"
    assert answer["message"].startswith("Not yet: still not scored after waiting 1 s")
    assert "Call wait_for_scorecard again in about 30 s" in answer["message"]
    assert answer["retry_after_s"] == 30


async def test_wait_for_scorecard_does_not_wait_for_a_session_that_will_never_be_scored(
    polling_server, slow_sandbox, slow_sessions
) -> None:
    session = await slow_sessions.new()
    await slow_sessions.advance(session["id"], "failed")
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, "auto") as client:
        result = await client.call_tool("wait_for_scorecard", {"session_id": session["id"], "timeout_s": 50})
    assert result.structured_content is not None
    assert result.structured_content["ready"] is False
    assert "failed sessions are never scored" in result.structured_content["message"]


async def test_wait_for_scorecard_answers_at_once_for_a_session_not_yet_due(
    polling_server, slow_sandbox, slow_sessions
) -> None:
    session = await slow_sessions.new()  # scheduled, not started
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, "auto") as client:
        with anyio.fail_after(10):  # far less than the 50 s it was asked to wait
            result = await client.call_tool(
                "wait_for_scorecard", {"session_id": session["id"], "timeout_s": 50}
            )
    answer = result.structured_content
    assert answer is not None and answer["ready"] is False and answer["status"] == "scheduled"
    assert answer["message"].startswith("Not due: the interview is scheduled for ")
    assert session["scheduled_at"][:16] in answer["message"]
    assert answer["retry_after_s"] >= 30
