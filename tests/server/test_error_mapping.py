"""Upstream errors come back as tool errors a model can act on, and nothing else leaks."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

pytestmark = pytest.mark.anyio

KEY = "iv_live_unit_test_key"
SESSION = "0b0c3c57-5d4e-4a83-9a9b-1f0d3c2e4a10"
PARTICIPANT = "7d1e6a0f-2b8c-4d5e-9f1a-3c4b5d6e7f80"
TEMPLATE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
SCHEDULE = {"candidate_id": PARTICIPANT, "evaluation_template_id": TEMPLATE, "stage": "screen"}
CODE = {"language": "typescript", "code": "print(1)", "test_cases": [{"input": "", "expected_output": "1"}]}


async def _error(scripted, tool: str, arguments: dict[str, Any], response: httpx2.Response) -> dict[str, Any]:
    async with scripted(lambda request: response) as (client, _):
        result = await client.call_tool(tool, arguments)
    assert result.is_error
    assert result.structured_content is not None
    keyed = {"idempotency_key"} if tool == "schedule_session" else set()
    assert set(result.structured_content) == {
        "status",
        "error",
        "retryable",
        "retry_after_s",
        "issues",
        *keyed,
    }
    text = result.content[0]
    assert text.type == "text"
    assert text.text.startswith(result.structured_content["error"])
    return result.structured_content


async def test_400_lists_each_upstream_issue_path_and_message(scripted) -> None:
    body = {
        "error": "Validation error",
        "issues": [{"path": ["stage"], "message": "No active stage of this type"}],
    }
    error = await _error(scripted, "schedule_session", SCHEDULE, httpx2.Response(400, json=body))
    assert error["status"] == 400
    assert error["issues"] == [{"path": ["stage"], "message": "No active stage of this type"}]
    assert error["retryable"] is False


async def test_401_says_the_key_was_refused_and_how_to_send_one(scripted) -> None:
    error = await _error(
        scripted, "get_session", {"session_id": SESSION}, httpx2.Response(401, json={"error": "x"})
    )
    assert "refused the API key" in error["error"]
    assert "INTERVYO_API_KEY" in error["error"]


async def test_402_says_credits_or_plan_are_missing(scripted) -> None:
    error = await _error(
        scripted, "schedule_session", SCHEDULE, httpx2.Response(402, json={"error": "No credits"})
    )
    assert "credits" in error["error"]


async def test_403_names_the_missing_scope(scripted) -> None:
    body = {"error": "Forbidden", "required_scope": "interviews.write"}
    error = await _error(scripted, "schedule_session", SCHEDULE, httpx2.Response(403, json=body))
    assert error["status"] == 403
    assert "interviews.write" in error["error"]


async def test_403_without_a_named_scope_falls_back_to_the_catalogs_scope(scripted) -> None:
    error = await _error(
        scripted,
        "delete_participant",
        {"participant_id": PARTICIPANT},
        httpx2.Response(403, json={"error": "no"}),
    )
    assert "candidates.delete" in error["error"]


async def test_404_names_the_id_that_was_not_found_and_where_to_find_ids(scripted) -> None:
    error = await _error(
        scripted, "get_session", {"session_id": SESSION}, httpx2.Response(404, json={"error": "nf"})
    )
    assert SESSION in error["error"]
    assert "list_sessions" in error["error"]


async def test_409_on_schedule_mentions_force(scripted) -> None:
    error = await _error(
        scripted, "schedule_session", SCHEDULE, httpx2.Response(409, json={"error": "Duplicate"})
    )
    assert "force=true" in error["error"]


async def test_409_on_create_participant_points_to_the_existing_one(scripted) -> None:
    error = await _error(
        scripted,
        "create_participant",
        {"name": "Ada", "email": "ada@example.com"},
        httpx2.Response(409, json={"error": "Email exists"}),
    )
    assert "list_participants(email=" in error["error"]


@pytest.mark.parametrize(
    ("status", "phrase"), [(408, "15 s limit"), (422, "batch=false"), (502, "code runner failed")]
)
async def test_code_execution_errors_say_what_to_change(scripted, status: int, phrase: str) -> None:
    error = await _error(scripted, "execute_code", CODE, httpx2.Response(status, json={"error": "e"}))
    assert error["status"] == status
    assert phrase in error["error"]


async def test_undocumented_error_bodies_never_reach_the_model(scripted) -> None:
    leak = httpx2.Response(
        400, text='Traceback (most recent call last):\n  File "/srv/app.py"\nKeyError: internal_secret'
    )
    error = await _error(scripted, "get_session", {"session_id": SESSION}, leak)
    assert "Traceback" not in str(error)
    assert "internal_secret" not in str(error)


async def test_a_key_echoed_by_the_upstream_is_redacted(scripted) -> None:
    error = await _error(
        scripted,
        "get_session",
        {"session_id": SESSION},
        httpx2.Response(418, json={"error": f"weird key {KEY} here"}),
    )
    assert KEY not in str(error)
    assert "[redacted]" in error["error"]


async def test_documented_error_text_is_kept_short(scripted) -> None:
    error = await _error(
        scripted, "schedule_session", SCHEDULE, httpx2.Response(409, json={"error": "x" * 5000})
    )
    assert len(error["error"]) < 700


@pytest.mark.parametrize("status", [408, 409, 422])
async def test_statuses_worded_for_code_runs_say_nothing_of_code_for_other_tools(
    scripted, status: int
) -> None:
    error = await _error(
        scripted, "get_session", {"session_id": SESSION}, httpx2.Response(status, json={"error": "Conflict"})
    )
    assert error["status"] == status
    assert "code" not in error["error"] and "batch" not in error["error"]
    assert "get_session" in error["error"]
