"""The upstream client against a scripted intervyo: what it sends, when it retries, when it gives up."""

from __future__ import annotations

import json

import httpx2
import pytest

from server.upstream import idempotency

pytestmark = pytest.mark.anyio

SESSION = "0b0c3c57-5d4e-4a83-9a9b-1f0d3c2e4a10"
PARTICIPANT = "7d1e6a0f-2b8c-4d5e-9f1a-3c4b5d6e7f80"
TEMPLATE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
SESSION_BODY = {"data": {"id": SESSION, "status": "scheduled", "stage": "screen"}}
SCHEDULE = {"candidate_id": PARTICIPANT, "evaluation_template_id": TEMPLATE, "stage": "screen"}


def _answers(*responses: httpx2.Response):
    remaining = list(responses)

    def handler(request: httpx2.Request) -> httpx2.Response:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return handler


async def test_the_key_goes_only_as_x_api_key_to_the_configured_api_with_a_user_agent(scripted) -> None:
    async with scripted(_answers(httpx2.Response(200, json=SESSION_BODY))) as (client, upstream):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert not result.is_error
    (request,) = upstream.requests
    assert str(request.url) == f"https://www.intervyo.ai/api/v1/sessions/{SESSION}"
    assert request.headers["x-api-key"] == "iv_live_unit_test_key"
    assert "authorization" not in request.headers
    assert request.headers["user-agent"].startswith("intervyo-mcp/")


async def test_redirects_are_not_followed_so_the_key_never_leaves_the_api_origin(scripted) -> None:
    moved = httpx2.Response(302, headers={"location": "https://evil.example/steal"})
    async with scripted(_answers(moved)) as (client, upstream):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert result.is_error
    assert [r.url.host for r in upstream.requests] == ["www.intervyo.ai"]


async def test_a_read_is_retried_on_5xx_then_succeeds(scripted) -> None:
    answers = _answers(httpx2.Response(503), httpx2.Response(500), httpx2.Response(200, json=SESSION_BODY))
    async with scripted(answers) as (client, upstream):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert not result.is_error
    assert len(upstream.requests) == 3
    assert len(upstream.sleeps) == 2
    assert all(0 <= s <= 0.05 for s in upstream.sleeps)


async def test_a_read_that_keeps_failing_reports_a_retryable_5xx_after_the_retry_budget(scripted) -> None:
    async with scripted(_answers(httpx2.Response(502)), retries=2) as (client, upstream):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert result.is_error
    assert len(upstream.requests) == 3
    assert result.structured_content is not None
    assert result.structured_content["status"] == 502
    assert result.structured_content["retryable"] is True
    assert "after 3 attempts" in result.structured_content["error"]


@pytest.mark.parametrize(
    "failure",
    [httpx2.ConnectError, httpx2.RemoteProtocolError, httpx2.ReadError],
    ids=["refused", "dropped mid-answer", "reset while reading"],
)
async def test_connection_errors_on_reads_are_retried(scripted, failure: type[httpx2.TransportError]) -> None:
    calls = {"n": 0}

    def flaky(request: httpx2.Request) -> httpx2.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise failure("no answer", request=request)
        return httpx2.Response(200, json=SESSION_BODY)

    async with scripted(flaky) as (client, _):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert not result.is_error
    assert calls["n"] == 2


def _undecodable(status: int, headers: dict[str, str] | None = None) -> httpx2.Response:
    """An answer whose gzip body is corrupt."""
    return httpx2.Response(
        status, headers={**(headers or {}), "content-encoding": "gzip"}, stream=httpx2.ByteStream(b"not gzip")
    )


def _too_many(*, readable: bool) -> httpx2.Response:
    if readable:
        return httpx2.Response(429, headers={"retry-after": "2"}, json={"error": "Too many requests"})
    # A 429 whose gzip body is corrupt is still a 429 with its Retry-After, not a network failure.
    return _undecodable(429, {"retry-after": "2"})


@pytest.mark.parametrize("readable", [True, False], ids=["json body", "body that does not decode"])
async def test_a_429_retry_after_is_honoured_for_a_read(scripted, readable: bool) -> None:
    limited = _too_many(readable=readable)
    async with scripted(_answers(limited, httpx2.Response(200, json=SESSION_BODY))) as (client, upstream):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert not result.is_error
    assert upstream.sleeps == [2.0]


async def test_a_success_whose_body_does_not_decode_is_an_unreadable_answer(scripted) -> None:
    async with scripted(_answers(_undecodable(200))) as (client, upstream):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert result.is_error
    assert len(upstream.requests) == 1  # answered, so not retried as if intervyo were unreachable
    assert result.structured_content is not None
    assert "does not understand" in result.structured_content["error"]


async def test_a_429_whose_wait_would_pass_the_deadline_is_returned_with_the_wait(scripted) -> None:
    limited = httpx2.Response(429, headers={"retry-after": "30"}, json={"error": "Too many requests"})
    async with scripted(_answers(limited), call_deadline_s=5.0) as (client, upstream):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert result.is_error
    assert upstream.sleeps == []
    assert len(upstream.requests) == 1
    assert result.structured_content is not None
    assert result.structured_content["status"] == 429
    assert result.structured_content["retry_after_s"] == 30
    assert result.structured_content["retryable"] is True
    assert "30 s" in result.structured_content["error"]


async def test_writes_without_an_idempotency_key_are_never_retried(scripted) -> None:
    async with scripted(_answers(httpx2.Response(503))) as (client, upstream):
        result = await client.call_tool("create_participant", {"name": "Ada", "email": "ada@example.com"})
    assert result.is_error
    assert len(upstream.requests) == 1
    assert result.structured_content is not None
    assert "may or may not have been made" in result.structured_content["error"]


async def test_a_429_on_a_write_is_reported_at_once_with_retry_after(scripted) -> None:
    limited = httpx2.Response(429, headers={"retry-after": "3"}, json={"error": "slow down"})
    async with scripted(_answers(limited)) as (client, upstream):
        result = await client.call_tool("create_participant", {"name": "Ada", "email": "ada@example.com"})
    assert len(upstream.requests) == 1
    assert upstream.sleeps == []
    assert result.structured_content is not None
    assert result.structured_content["retry_after_s"] == 3


async def test_schedule_session_is_retried_with_one_derived_idempotency_key(scripted) -> None:
    answers = _answers(httpx2.Response(503), httpx2.Response(201, json=SESSION_BODY))
    async with scripted(answers) as (client, upstream):
        result = await client.call_tool("schedule_session", SCHEDULE)
    assert not result.is_error
    keys = [json.loads(r.content)["idempotency_key"] for r in upstream.requests]
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert keys[0].startswith("mcp-")


async def test_the_same_schedule_call_twice_derives_the_same_key_and_a_given_key_is_kept(scripted) -> None:
    async with scripted(_answers(httpx2.Response(201, json=SESSION_BODY))) as (client, upstream):
        await client.call_tool("schedule_session", SCHEDULE)
        await client.call_tool("schedule_session", SCHEDULE)
        await client.call_tool("schedule_session", {**SCHEDULE, "idempotency_key": "ats-42"})
        await client.call_tool("schedule_session", {**SCHEDULE, "stage": "final"})
    keys = [json.loads(r.content)["idempotency_key"] for r in upstream.requests]
    assert keys[0] == keys[1]
    assert keys[2] == "ats-42"
    assert keys[3] != keys[0]


async def test_a_replayed_schedule_reports_the_original_session_as_idempotent(scripted) -> None:
    replay = httpx2.Response(200, json={**SESSION_BODY, "idempotent": True})
    async with scripted(_answers(replay)) as (client, _):
        result = await client.call_tool("schedule_session", SCHEDULE)
    assert result.structured_content == {
        "id": SESSION,
        "status": "scheduled",
        "stage": "screen",
        "idempotent": True,
        "idempotency_key": idempotency.derive("iv_live_unit_test_key", "schedule_session", SCHEDULE),
    }


async def test_list_results_carry_items_and_pagination_meta(scripted) -> None:
    body = {"data": [SESSION_BODY["data"]], "meta": {"page": 2, "pageSize": 1, "total": 3, "totalPages": 3}}
    async with scripted(_answers(httpx2.Response(200, json=body))) as (client, upstream):
        result = await client.call_tool("list_sessions", {"page": 2, "page_size": 1, "status": "scheduled"})
    assert upstream.requests[0].url.params == httpx2.QueryParams(
        {"page": "2", "pageSize": "1", "status": "scheduled"}
    )
    assert result.structured_content == {
        "items": [SESSION_BODY["data"]],
        "meta": {"page": 2, "page_size": 1, "total": 3, "total_pages": 3},
    }
    first = result.content[0]
    assert first.type == "text"
    assert first.text.startswith("1 of 3 (page 2 of 3; call again with page+1 for more).")


async def test_delete_answers_204_and_the_result_names_what_is_gone_and_what_remains(scripted) -> None:
    scored = {"id": SESSION, "candidate_id": PARTICIPANT, "status": "completed", "score": 7.5}
    other = {"id": TEMPLATE, "candidate_id": TEMPLATE, "status": "completed", "score": 5}
    # An upstream that ignores the candidate_id filter: the other participant's session is not counted.
    sessions = {"data": [scored, other], "meta": {"page": 1, "pageSize": 100, "total": 2, "totalPages": 1}}
    answers = _answers(httpx2.Response(204), httpx2.Response(200, json=sessions))
    async with scripted(answers) as (client, upstream):
        result = await client.call_tool("delete_participant", {"participant_id": PARTICIPANT})
    assert upstream.requests[0].method == "DELETE"
    assert upstream.requests[1].url.params["candidate_id"] == PARTICIPANT
    content = result.structured_content
    assert content is not None
    assert (content["deleted"], content["id"]) == (True, PARTICIPANT)
    assert content["remains"] == {
        "sessions": 1,
        "scorecards": 1,
        "transcripts": 1,
        "session_ids": [SESSION],
        "counted": "under your key, all of them",
    }
    assert "no call that deletes sessions" in content["erasure"]


async def test_reschedule_answers_the_time_intervyo_stored(scripted) -> None:
    stored = {"data": {"id": SESSION, "scheduled_at": "2030-01-02T03:04:05Z", "timezone": "Europe/Berlin"}}
    answers = _answers(httpx2.Response(200, json={"success": True}), httpx2.Response(200, json=stored))
    async with scripted(answers) as (client, upstream):
        result = await client.call_tool(
            "reschedule_session", {"session_id": SESSION, "scheduled_at": "2030-01-02T03:04:05Z"}
        )
    assert json.loads(upstream.requests[0].content) == {"scheduled_at": "2030-01-02T03:04:05Z"}
    assert upstream.requests[1].method == "GET"
    assert result.structured_content == {
        "success": True,
        "session_id": SESSION,
        "scheduled_at": "2030-01-02T03:04:05Z",
        "scheduled_at_local": "2030-01-02T04:04:05+01:00",
        "timezone": "Europe/Berlin",
    }


async def test_a_success_with_an_unreadable_body_is_an_error_without_the_body(scripted) -> None:
    weird = httpx2.Response(200, text="<html>Traceback (most recent call last): secret</html>")
    async with scripted(_answers(weird)) as (client, _):
        result = await client.call_tool("get_session", {"session_id": SESSION})
    assert result.is_error
    assert "Traceback" not in str(result.model_dump())
