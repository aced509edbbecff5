"""Concurrent requests: the check-then-write rules hold when many clients race."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sandbox_api import Api

_RACERS = 16


def test_racing_replays_of_one_idempotency_key_schedule_exactly_once(api: Api) -> None:
    ids = api.setup_hiring()
    with ThreadPoolExecutor(_RACERS) as pool:
        responses = list(pool.map(lambda _: api.schedule(ids, idempotency_key="race-1"), range(_RACERS)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (_RACERS - 1) + [201]
    assert len({r.json()["data"]["id"] for r in responses}) == 1
    assert api.get("/sessions", params={"candidate_id": ids["participant"]}).json()["meta"]["total"] == 1


def test_racing_creates_of_one_email_make_one_participant(api: Api) -> None:
    body = {"name": "Race", "email": "race@example.com"}
    with ThreadPoolExecutor(_RACERS) as pool:
        statuses = sorted(pool.map(lambda _: api.post("/participants", body).status_code, range(_RACERS)))
    assert statuses == [201] + [409] * (_RACERS - 1)


def test_racing_schedules_without_force_open_one_session(api: Api) -> None:
    ids = api.setup_hiring()
    with ThreadPoolExecutor(_RACERS) as pool:
        statuses = sorted(pool.map(lambda _: api.schedule(ids).status_code, range(_RACERS)))
    assert statuses == [201] + [409] * (_RACERS - 1)
