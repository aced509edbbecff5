"""Destructive calls ask the user first when the client can ask (form elicitation), in both protocol eras.

Accepted: the call runs on exactly what was described. Declined, cancelled or unticked: nothing happens
and the result says so. A client without the elicitation capability is not asked: the call runs as it
always did. A target that changes while the user is asked is not acted on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from http_app import running
from live_support import live_settings, mcp
from mcp.types import ElicitRequestFormParams, ElicitRequestParams, ElicitResult

pytestmark = pytest.mark.anyio

MODES = ["legacy", "auto"]


class Asker:
    """An elicitation callback that records each question and gives one scripted answer."""

    def __init__(
        self, action: str, content: dict[str, Any] | None = None, before: Callable[[], Any] | None = None
    ):
        self.action = action
        self.content = content
        self.before = before
        self.asked: list[str] = []

    async def __call__(self, context: object, params: ElicitRequestParams) -> ElicitResult:
        assert isinstance(params, ElicitRequestFormParams)
        assert params.requested_schema["required"] == ["confirm"]
        self.asked.append(params.message)
        if self.before is not None:
            await self.before()
        return ElicitResult(action=self.action, content=self.content)  # type: ignore[arg-type]


def _accept() -> Asker:
    return Asker("accept", {"confirm": True})


async def _participant(sandbox: Any, **extra: Any) -> dict[str, Any]:
    async with httpx2.AsyncClient(timeout=10) as http:
        response = await http.post(
            f"{sandbox.base_url}/participants",
            json={
                "name": f"Ada {uuid.uuid4().hex[:6]}",
                "email": f"{uuid.uuid4().hex[:12]}@example.com",
                **extra,
            },
            headers={"x-api-key": sandbox.demo_key},
        )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


async def _exists(sandbox: Any, participant_id: str) -> bool:
    async with httpx2.AsyncClient(timeout=10) as http:
        response = await http.get(
            f"{sandbox.base_url}/participants/{participant_id}", headers={"x-api-key": sandbox.demo_key}
        )
    return response.status_code == 200


@pytest.mark.parametrize("mode", MODES)
async def test_an_accepted_deletion_names_the_participant_and_their_sessions_then_deletes(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.new(name=f"Ada {uuid.uuid4().hex[:6]}")
    person_id = session["candidate_id"]
    asker = _accept()
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode, elicitation_callback=asker) as client:
        result = await client.call_tool("delete_participant", {"participant_id": person_id})
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert result.structured_content["deleted"] is True and result.structured_content["id"] == person_id
    (question,) = asker.asked
    assert "Permanently delete participant “Ada " in question and person_id in question
    assert "1 session(s), 1 scheduled" in question and session["id"] in question
    assert not await _exists(slow_sandbox, person_id)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("action", "content"), [("decline", None), ("cancel", None), ("accept", {"confirm": False})]
)
async def test_a_declined_cancelled_or_unticked_deletion_deletes_nothing(
    polling_server, slow_sandbox, mode, action, content
) -> None:
    person = await _participant(slow_sandbox)
    asker = Asker(action, content)
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode, elicitation_callback=asker) as client:
        result = await client.call_tool("delete_participant", {"participant_id": person["id"]})
    assert result.is_error
    assert result.structured_content is not None and result.structured_content["confirmed"] is False
    assert "Nothing was done" in result.content[0].text  # type: ignore[union-attr]
    assert len(asker.asked) == 1
    assert await _exists(slow_sandbox, person["id"])


@pytest.mark.parametrize("mode", MODES)
async def test_a_client_without_elicitation_is_not_asked_and_the_call_runs(
    polling_server, slow_sandbox, mode
) -> None:
    person = await _participant(slow_sandbox)
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode) as client:
        result = await client.call_tool("delete_participant", {"participant_id": person["id"]})
    assert not result.is_error and result.structured_content is not None
    assert result.structured_content["deleted"] is True and result.structured_content["id"] == person["id"]
    assert not await _exists(slow_sandbox, person["id"])


@pytest.mark.parametrize("mode", MODES)
async def test_cancelling_a_session_asks_naming_the_interview_and_cancels_only_when_accepted(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.new(name=f"Grace {uuid.uuid4().hex[:6]}")
    declined, accepted = Asker("decline"), _accept()
    url, key = polling_server.mcp_url, slow_sandbox.demo_key
    async with mcp(url, key, mode, elicitation_callback=declined) as client:
        kept = await client.call_tool("cancel_session", {"session_id": session["id"]})
        status = (await client.call_tool("get_session", {"session_id": session["id"]})).structured_content
    assert kept.is_error and status is not None and status["status"] == "scheduled"
    async with mcp(url, key, mode, elicitation_callback=accepted) as client:
        cancelled = await client.call_tool("cancel_session", {"session_id": session["id"]})
    assert not cancelled.is_error and cancelled.structured_content is not None
    assert cancelled.structured_content["status"] == "cancelled"
    for question in (*declined.asked, *accepted.asked):
        assert question.startswith(f"Cancel the {session['stage']} interview of “Grace ")
        assert session["id"] in question


@pytest.mark.parametrize("mode", MODES)
async def test_a_session_that_changes_while_the_user_is_asked_is_not_cancelled(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    session = await slow_sessions.new()

    async def candidate_joins() -> None:
        await slow_sessions.advance(session["id"], "in_progress")

    asker = Asker("accept", {"confirm": True}, before=candidate_joins)
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode, elicitation_callback=asker) as client:
        result = await client.call_tool("cancel_session", {"session_id": session["id"]})
        status = (await client.call_tool("get_session", {"session_id": session["id"]})).structured_content
    assert result.is_error and "changed while the user was asked" in result.content[0].text  # type: ignore[union-attr]
    assert status is not None and status["status"] == "in_progress"


@pytest.mark.parametrize("mode", MODES)
async def test_an_import_asks_with_the_row_count_and_the_template(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    stage = await slow_sessions.stage()
    tag = uuid.uuid4().hex[:8]
    rows = [
        {
            "name": f"Row {i} {tag}",
            "email": f"{tag}-{i}@example.com",
            "evaluation_template_id": stage["evaluation_template_id"],
        }
        for i in range(7)
    ]
    declined, accepted = Asker("cancel"), _accept()
    url, key = polling_server.mcp_url, slow_sandbox.demo_key
    async with mcp(url, key, mode, elicitation_callback=declined) as client:
        kept = await client.call_tool("import_participants", {"participants": rows})
        found = await client.call_tool("list_participants", {"email": f"{tag}-0@example.com"})
    assert kept.is_error and found.structured_content is not None and found.structured_content["items"] == []
    async with mcp(url, key, mode, elicitation_callback=accepted) as client:
        imported = await client.call_tool("import_participants", {"participants": rows})
    assert not imported.is_error and imported.structured_content is not None
    assert len(imported.structured_content["created"]) == 7
    (question,) = accepted.asked
    assert question.startswith("Import 7 participant(s) (7 into template “")
    assert stage["evaluation_template_id"] in question and f"“Row 0 {tag}” <{tag}-0@example.com>" in question
    assert "and 2 more" in question and declined.asked == accepted.asked


@pytest.mark.parametrize("mode", MODES)
async def test_a_missing_target_is_not_asked_about_and_gets_intervyos_error(
    polling_server, slow_sandbox, mode
) -> None:
    asker = _accept()
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode, elicitation_callback=asker) as client:
        result = await client.call_tool("delete_participant", {"participant_id": str(uuid.uuid4())})
        bad = await client.call_tool("cancel_session", {"session_id": "not-a-uuid"})
    assert (
        result.is_error
        and result.structured_content is not None
        and result.structured_content["status"] == 404
    )
    assert bad.is_error and bad.structured_content is not None and bad.structured_content["status"] == 400
    assert asker.asked == []


async def test_a_handshake_era_client_of_a_stateless_server_cannot_be_asked_and_the_call_runs(
    slow_sandbox,
) -> None:
    # Its answer would come back as a new request that no server instance is waiting for.
    person = await _participant(slow_sandbox)
    asker = _accept()
    with running(live_settings(slow_sandbox.base_url, stateless=True)) as live:
        async with mcp(live.mcp_url, slow_sandbox.demo_key, "legacy", elicitation_callback=asker) as client:
            result = await client.call_tool("delete_participant", {"participant_id": person["id"]})
    assert asker.asked == [] and not result.is_error
    assert not await _exists(slow_sandbox, person["id"])


@pytest.mark.parametrize("mode", MODES)
async def test_arguments_spelled_as_a_json_string_are_asked_about_too(
    polling_server, slow_sandbox, slow_sessions, mode
) -> None:
    stage = await slow_sessions.stage()
    tag = uuid.uuid4().hex[:8]
    rows = [
        {
            "name": f"Json {tag}",
            "email": f"{tag}@example.com",
            "evaluation_template_id": stage["evaluation_template_id"],
        }
    ]
    asker = Asker("decline")
    async with mcp(polling_server.mcp_url, slow_sandbox.demo_key, mode, elicitation_callback=asker) as client:
        kept = await client.call_tool("import_participants", {"participants": json.dumps(rows)})
        found = await client.call_tool("list_participants", {"email": f"{tag}@example.com"})
    assert kept.is_error and len(asker.asked) == 1 and asker.asked[0].startswith("Import 1 participant(s)")
    assert found.structured_content is not None and found.structured_content["items"] == []
