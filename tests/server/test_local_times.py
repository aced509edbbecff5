"""Session times: a time without an offset is read in the invite's timezone, and echoed in both."""

from __future__ import annotations

import json

import httpx2
import pytest

pytestmark = pytest.mark.anyio

SESSION = "0b0c3c57-5d4e-4a83-9a9b-1f0d3c2e4a10"
PARTICIPANT = "7d1e6a0f-2b8c-4d5e-9f1a-3c4b5d6e7f80"
TEMPLATE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
SCHEDULE = {"candidate_id": PARTICIPANT, "evaluation_template_id": TEMPLATE, "stage": "screen"}


def _echo_session(request: httpx2.Request) -> httpx2.Response:
    if request.method == "POST":
        body = json.loads(request.content)
        session = {"id": SESSION, "status": "scheduled", **body}
        return httpx2.Response(201, json={"data": session})
    if request.url.path.endswith(f"/participants/{PARTICIPANT}"):
        return httpx2.Response(200, json={"data": {"id": PARTICIPANT, "name": "Jane Roe"}})
    return httpx2.Response(404, json={"error": "Not found"})


async def test_a_local_time_is_read_in_the_timezone_and_sent_as_utc(scripted) -> None:
    arguments = {**SCHEDULE, "scheduled_at": "2026-12-08T10:00:00", "timezone": "Europe/Berlin"}
    async with scripted(_echo_session) as (client, upstream):
        result = await client.call_tool("schedule_session", arguments)
    assert json.loads(upstream.requests[0].content)["scheduled_at"] == "2026-12-08T09:00:00Z"
    content = result.structured_content
    assert content is not None
    assert content["scheduled_at"] == "2026-12-08T09:00:00Z"
    assert content["scheduled_at_local"] == "2026-12-08T10:00:00+01:00"


async def test_a_time_with_an_offset_is_kept_whatever_the_timezone(scripted) -> None:
    arguments = {**SCHEDULE, "scheduled_at": "2026-07-08T10:00:00+02:00", "timezone": "Europe/Berlin"}
    async with scripted(_echo_session) as (client, upstream):
        result = await client.call_tool("schedule_session", arguments)
    assert json.loads(upstream.requests[0].content)["scheduled_at"] == "2026-07-08T08:00:00Z"
    assert result.structured_content is not None
    assert result.structured_content["scheduled_at_local"] == "2026-07-08T10:00:00+02:00"


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({}, 'timezone="Europe/Berlin"'),
        ({"timezone": "Berlin/Mars"}, "not an IANA timezone"),
    ],
)
async def test_a_time_without_offset_or_a_bad_zone_is_refused_with_an_example(scripted, extra, says) -> None:
    arguments = {**SCHEDULE, "scheduled_at": "2026-12-08T10:00:00", **extra}
    async with scripted(_echo_session) as (client, upstream):
        result = await client.call_tool("schedule_session", arguments)
    assert result.is_error
    assert says in result.content[0].text  # type: ignore[union-attr]
    assert upstream.requests == []


async def test_a_reschedule_without_offset_is_read_in_the_sessions_own_timezone(scripted) -> None:
    stored: dict[str, str] = {"scheduled_at": "2026-12-01T09:00:00Z"}

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.method == "PATCH":
            stored.update(json.loads(request.content))
            return httpx2.Response(200, json={"success": True})
        return httpx2.Response(200, json={"data": {"id": SESSION, "timezone": "America/New_York", **stored}})

    async with scripted(handler) as (client, upstream):
        result = await client.call_tool(
            "reschedule_session", {"session_id": SESSION, "scheduled_at": "2026-12-09T09:30:00"}
        )
    assert json.loads(upstream.requests[1].content) == {"scheduled_at": "2026-12-09T14:30:00Z"}
    assert result.structured_content == {
        "success": True,
        "session_id": SESSION,
        "scheduled_at": "2026-12-09T14:30:00Z",
        "scheduled_at_local": "2026-12-09T09:30:00-05:00",
        "timezone": "America/New_York",
    }


def test_a_scorecard_names_its_times_in_utc_and_in_the_invites_timezone() -> None:
    from server.documents.scorecards import scorecard_document

    session = {
        "id": "0b0c3c57-5d4e-4a83-9a9b-1f0d3c2e4a10",
        "status": "completed",
        "timezone": "Europe/Berlin",
        "completed_at": "2026-12-08T09:40:00Z",
        "scored_at": "2026-12-08T09:41:30Z",
        "score": 7.5,
    }
    document = scorecard_document(session)
    assert document.completed_at_local == "2026-12-08T10:40:00+01:00"
    assert document.scored_at_local == "2026-12-08T10:41:30+01:00"
