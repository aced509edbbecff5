"""Idempotency like Stripe's: a retry at any time offset schedules nothing twice, the key is always shown,
and a key reused for other arguments is a tool error, never another request's session."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx2
import pytest

from server.upstream.idempotency_keys import SqliteKeys

pytestmark = pytest.mark.anyio

TEMPLATE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
CANDIDATES = [str(uuid.UUID(int=n + 1)) for n in range(5)]


class Intervyo:
    """Sessions scheduled under idempotency keys, kept forever, as intervyo's contract says; the answer
    to the first request can be lost (a 504 after the session was made), as on a flaky network."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}  # idempotency key -> session
        self.lose_next_answer = False

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        key = body["idempotency_key"]
        if key in self.sessions:
            return httpx2.Response(200, json={"data": self.sessions[key], "idempotent": True})
        session = {
            "id": str(uuid.uuid4()),
            "status": "scheduled",
            "candidate_id": body["candidate_id"],
            "evaluation_template_id": body["evaluation_template_id"],
            "stage": body["stage"],
        }
        self.sessions[key] = session
        if self.lose_next_answer:
            self.lose_next_answer = False
            return httpx2.Response(504, json={"error": "Gateway timeout"})
        return httpx2.Response(201, json={"data": session})


def _schedule(candidate: str, **extra: Any) -> dict[str, Any]:
    return {"candidate_id": candidate, "evaluation_template_id": TEMPLATE, "stage": "screen", **extra}


# Offsets from the first call: across a 10-minute boundary, past an hour, past the 24 h record, a month.
OFFSETS = [1.0, 599.5, 601.0, 3601.0, 24 * 3600 + 1.0, 30 * 24 * 3600.0]


@pytest.mark.parametrize("offset", OFFSETS)
async def test_a_retry_at_any_time_offset_schedules_nothing_twice(
    offset: float, monkeypatch, scripted
) -> None:
    clock = {"now": 600 * 2_833_334 - 0.25}  # just before a 10-minute boundary
    monkeypatch.setattr(time, "time", lambda: clock["now"])
    intervyo = Intervyo()
    intervyo.lose_next_answer = True
    async with scripted(intervyo, retries=0) as (client, _):
        lost = await client.call_tool("schedule_session", _schedule(CANDIDATES[0]))
        clock["now"] += offset
        retried = await client.call_tool("schedule_session", _schedule(CANDIDATES[0]))
    assert lost.is_error and lost.structured_content is not None
    assert retried.structured_content is not None and not retried.is_error
    key = lost.structured_content["idempotency_key"]
    assert f"'{key}'" in lost.structured_content["error"]
    assert retried.structured_content["idempotency_key"] == key
    assert retried.structured_content["idempotent"] is True
    assert len(intervyo.sessions) == 1


async def test_a_key_reused_with_other_arguments_is_a_tool_error_and_schedules_nothing(scripted) -> None:
    intervyo = Intervyo()
    async with scripted(intervyo) as (client, script):
        results = [
            await client.call_tool("schedule_session", _schedule(candidate, idempotency_key="ats-job-8821"))
            for candidate in CANDIDATES
        ]
    first, *others = results
    assert not first.is_error and first.structured_content is not None
    assert first.structured_content["idempotency_key"] == "ats-job-8821"
    for result in others:
        assert result.is_error and result.structured_content is not None
        assert result.structured_content["status"] == 409
        assert result.structured_content["idempotency_key"] == "ats-job-8821"
        assert "already used for a different request" in result.structured_content["error"]
        assert first.structured_content["id"] not in json.dumps(result.model_dump(mode="json"))
    assert len(script.requests) == 1  # refused before intervyo was asked


async def test_a_key_intervyo_remembers_but_this_server_does_not_is_still_refused_for_other_arguments(
    scripted,
) -> None:
    intervyo = Intervyo()
    async with scripted(intervyo) as (client, _):
        await client.call_tool("schedule_session", _schedule(CANDIDATES[0], idempotency_key="ats-1"))
    # Another replica, or this one after a restart with the record gone: only intervyo's replay tells.
    async with scripted(intervyo) as (client, _):
        result = await client.call_tool("schedule_session", _schedule(CANDIDATES[1], idempotency_key="ats-1"))
    assert result.is_error and result.structured_content is not None
    assert result.structured_content["status"] == 409
    assert CANDIDATES[0] not in json.dumps(result.model_dump(mode="json"))


async def test_the_same_explicit_key_with_the_same_arguments_replays_the_session(scripted) -> None:
    intervyo = Intervyo()
    async with scripted(intervyo) as (client, _):
        first = await client.call_tool("schedule_session", _schedule(CANDIDATES[0], idempotency_key="k-1"))
        again = await client.call_tool("schedule_session", _schedule(CANDIDATES[0], idempotency_key="k-1"))
    assert first.structured_content is not None and again.structured_content is not None
    assert again.structured_content["id"] == first.structured_content["id"]
    assert again.structured_content["idempotency_key"] == "k-1"
    assert len(intervyo.sessions) == 1


async def test_a_record_lives_for_its_ttl_per_api_key() -> None:
    clock = {"now": 0.0}
    keys = SqliteKeys(ttl_s=24 * 3600, clock=lambda: clock["now"])
    try:
        assert await keys.claim("iv_live_a", "k", "request-1") == "request-1"
        assert await keys.claim("iv_live_a", "k", "request-2") == "request-1"
        assert await keys.claim("iv_live_b", "k", "request-2") == "request-2"  # another caller's keys
        clock["now"] += 24 * 3600 + 1
        assert await keys.claim("iv_live_a", "k", "request-2") == "request-2"
    finally:
        keys.close()
