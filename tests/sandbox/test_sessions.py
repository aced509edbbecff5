"""Sessions: scheduling rules (idempotency, duplicates, credits, stages), reschedule, cancel, lists."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from sandbox_api import Api

from sandbox import TRIAL_KEY, UNPAID_KEY


def test_scheduling_creates_a_session_with_a_join_url(api: Api) -> None:
    ids = api.setup_hiring()
    response = api.schedule(ids, scheduled_at="2030-06-02T07:48:31Z", timezone="Europe/Paris", notes="n")
    assert response.status_code == 201
    session = response.json()["data"]
    assert (session["status"], session["interview_id"], session["stage"]) == (
        "scheduled",
        ids["stage"],
        "technical",
    )
    assert (session["scheduled_at"], session["timezone"], session["notes"]) == (
        "2030-06-02T07:48:31.000Z",
        "Europe/Paris",
        "n",
    )
    assert session["join_url"].startswith(api.origin + "/_sandbox/join/")
    assert "score" not in session
    assert "idempotent" not in response.json()
    assert api.get(f"/sessions/{session['id']}").json()["data"] == session


def test_replayed_idempotency_key_returns_the_original_and_schedules_nothing(
    connect: Callable[..., Api],
) -> None:
    trial = connect(TRIAL_KEY)  # two credits: a replay that spent one would starve the last schedule
    ids = trial.setup_hiring()
    first = trial.schedule(ids, idempotency_key="ats-8821-technical")
    assert first.status_code == 201
    replay = trial.schedule(ids, idempotency_key="ats-8821-technical", notes="different")
    assert replay.status_code == 200
    assert replay.json() == {"data": first.json()["data"], "idempotent": True}
    assert trial.get("/sessions").json()["meta"]["total"] == 1
    assert trial.schedule(ids, force=True).status_code == 201
    out_of_credits = trial.schedule(ids, force=True)
    assert out_of_credits.status_code == 402
    assert "credit" in out_of_credits.json()["error"]


def test_a_replay_still_answers_when_credits_are_gone(connect: Callable[..., Api]) -> None:
    trial = connect(TRIAL_KEY)
    ids = trial.setup_hiring()
    trial.schedule(ids, idempotency_key="k1")
    trial.schedule(ids, idempotency_key="k2", force=True)
    assert trial.schedule(ids, idempotency_key="k3", force=True).status_code == 402
    assert trial.schedule(ids, idempotency_key="k1").status_code == 200


def test_a_workspace_without_a_paid_plan_cannot_schedule(connect: Callable[..., Api]) -> None:
    unpaid = connect(UNPAID_KEY)
    ids = unpaid.setup_hiring()
    response = unpaid.schedule(ids)
    assert response.status_code == 402
    assert "plan" in response.json()["error"]


def test_an_open_session_for_the_same_stage_is_a_conflict_unless_forced(api: Api) -> None:
    ids = api.setup_hiring()
    first = api.schedule(ids).json()["data"]
    assert api.schedule(ids).status_code == 409
    assert api.schedule(ids, force=True).status_code == 201
    api.post(f"/sessions/{first['id']}/cancel")
    listed = api.get("/sessions", params={"candidate_id": ids["participant"]}).json()["data"]
    assert len(listed) == 2


def test_stage_is_chosen_by_type_and_a_missing_type_is_a_validation_error(api: Api) -> None:
    ids = api.setup_hiring()
    response = api.schedule(ids, stage="final")
    assert response.status_code == 400
    assert response.json()["issues"][0]["path"] == ["stage"]


def test_an_explicit_interview_id_must_match_template_and_stage(api: Api) -> None:
    ids = api.setup_hiring()
    assert api.schedule(ids, interview_id=ids["stage"]).status_code == 201
    other = api.setup_hiring()
    response = api.schedule(ids, interview_id=other["stage"], force=True)
    assert response.status_code == 400
    assert response.json()["issues"][0]["path"] == ["interview_id"]
    assert api.schedule(ids, interview_id=str(uuid4()), force=True).status_code == 404


def test_unknown_participant_or_template_is_not_found(api: Api) -> None:
    ids = api.setup_hiring()
    assert api.schedule({**ids, "participant": str(uuid4())}).status_code == 404
    assert api.schedule({**ids, "template": str(uuid4())}).status_code == 404


def test_schedule_body_limits_are_validated(api: Api) -> None:
    ids = api.setup_hiring()
    cases = {
        "notes": {"notes": "x" * 1001},
        "idempotency_key": {"idempotency_key": "k" * 256},
        "scheduled_at": {"scheduled_at": "next tuesday"},
        "candidate_id": {"candidate_id": "nope"},
    }
    for path, extra in cases.items():
        response = api.schedule(ids, **extra)
        assert response.status_code == 400, path
        assert response.json()["issues"][0]["path"] == [path]
    assert api.schedule(ids, notes="x" * 1000, idempotency_key="k" * 255).status_code == 201


def test_reschedule_answers_success_and_moves_the_session(api: Api) -> None:
    session = api.schedule(api.setup_hiring()).json()["data"]
    response = api.patch(f"/sessions/{session['id']}", {"scheduled_at": "2031-01-01T09:00:00Z"})
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert api.get(f"/sessions/{session['id']}").json()["data"]["scheduled_at"] == "2031-01-01T09:00:00.000Z"
    assert api.patch(f"/sessions/{session['id']}", {}).status_code == 400


def test_cancel_only_from_scheduled_and_terminal_sessions_are_immutable(api: Api) -> None:
    session = api.schedule(api.setup_hiring()).json()["data"]
    response = api.post(f"/sessions/{session['id']}/cancel")
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "cancelled"
    assert api.post(f"/sessions/{session['id']}/cancel").status_code == 409
    later = {"scheduled_at": "2031-01-01T09:00:00Z"}
    assert api.patch(f"/sessions/{session['id']}", later).status_code == 409


def test_a_started_session_can_be_neither_cancelled_nor_rescheduled(api: Api) -> None:
    session = api.schedule(api.setup_hiring()).json()["data"]
    api.control(f"/_sandbox/sessions/{session['id']}/advance", {"to": "in_progress"})
    assert api.post(f"/sessions/{session['id']}/cancel").status_code == 409
    assert (
        api.patch(f"/sessions/{session['id']}", {"scheduled_at": "2031-01-01T09:00:00Z"}).status_code == 409
    )


def test_sessions_list_newest_first_with_filters(api: Api) -> None:
    ids = api.setup_hiring()
    first = api.schedule(ids).json()["data"]
    second = api.schedule(ids, force=True).json()["data"]
    api.post(f"/sessions/{first['id']}/cancel")
    listed = api.get("/sessions", params={"evaluation_template_id": ids["template"]}).json()
    assert [row["id"] for row in listed["data"]] == [second["id"], first["id"]]
    cancelled = api.get(
        "/sessions", params={"evaluation_template_id": ids["template"], "status": "cancelled"}
    )
    assert [row["id"] for row in cancelled.json()["data"]] == [first["id"]]
    assert api.get("/sessions", params={"status": "done"}).status_code == 400


def test_page_size_is_1_to_100(api: Api) -> None:
    assert api.get("/sessions", params={"pageSize": 100}).status_code == 200
    for bad in ("0", "101", "many"):
        response = api.get("/sessions", params={"pageSize": bad})
        assert response.status_code == 400
        assert response.json()["issues"][0]["path"] == ["pageSize"]
    assert api.get("/sessions", params={"page": 0}).status_code == 400
    past_the_end = api.get("/sessions", params={"page": 1000}).json()
    assert past_the_end["data"] == []
    assert past_the_end["meta"]["page"] == 1000


def test_timezone_must_be_an_iana_name(api: Api) -> None:
    ids = api.setup_hiring()
    for bad in ("Mars/Olympus", "Europe", "../etc/passwd", "x" * 300):
        response = api.schedule(ids, timezone=bad)
        assert response.status_code == 400
        assert response.json()["issues"][0]["path"] == ["timezone"]


def test_language_defaults_to_the_templates(api: Api) -> None:
    ids = api.setup_hiring()
    template = api.created("/evaluation-templates", {"template_name": "FR", "language": "fr"})
    api.created("/evaluation-stages", {"evaluation_template_id": template["id"], "type": "technical"})
    session = api.schedule({**ids, "template": template["id"]}).json()["data"]
    assert session["language"] == "fr"
    assert api.schedule(ids, language="de").json()["data"]["language"] == "de"


def test_each_new_session_spends_one_credit(connect: Callable[..., Api]) -> None:
    trial = connect(TRIAL_KEY)
    ids = trial.setup_hiring()

    def credits() -> int:
        value: int = trial.control("/_sandbox/workspace", method="GET").json()["data"]["credits"]
        return value

    assert credits() == 2
    trial.schedule(ids, idempotency_key="once")
    trial.schedule(ids, idempotency_key="once")
    assert credits() == 1
    assert connect(UNPAID_KEY).control("/_sandbox/workspace", method="GET").json()["data"]["plan"] is None
