"""Evaluation templates and stages: defaults, filters, ordering, updates, unknown ids."""

from __future__ import annotations

from uuid import uuid4

from sandbox_api import Api, profile_body


def test_template_gets_the_documented_defaults(api: Api) -> None:
    template = api.created("/evaluation-templates", {"template_name": "Nurse", "use_case": "admissions"})
    assert template["success_outcome"] == "admit_reject"
    assert (template["status"], template["default_duration_minutes"], template["default_difficulty"]) == (
        "active",
        30,
        "intermediate",
    )
    assert (template["language"], template["session_mode"], template["visibility"]) == (
        "en",
        "live_ai_interview",
        "team",
    )


def test_success_outcome_follows_each_use_case_unless_given(api: Api) -> None:
    expected = {
        "hiring": "hire_no_hire",
        "admissions": "admit_reject",
        "training": "ready_needs_training",
        "custom_api": "custom",
    }
    for use_case, outcome in expected.items():
        made = api.created("/evaluation-templates", {"template_name": use_case, "use_case": use_case})
        assert made["success_outcome"] == outcome
    given = api.created(
        "/evaluation-templates", {"template_name": "x", "use_case": "hiring", "success_outcome": "pass_fail"}
    )
    assert given["success_outcome"] == "pass_fail"


def test_templates_filter_by_status_and_page(api: Api) -> None:
    for n in range(3):
        api.created("/evaluation-templates", {"template_name": f"Archived {n}", "status": "archived"})
    first = api.get("/evaluation-templates", params={"status": "archived", "pageSize": 2}).json()
    assert first["meta"] == {"page": 1, "pageSize": 2, "total": 3, "totalPages": 2}
    assert all(row["status"] == "archived" for row in first["data"])
    second = api.get("/evaluation-templates", params={"status": "archived", "pageSize": 2, "page": 2}).json()
    assert len(second["data"]) == 1
    assert {r["id"] for r in first["data"]}.isdisjoint({r["id"] for r in second["data"]})


def test_template_update_replaces_lists(api: Api) -> None:
    template = api.created("/evaluation-templates", {"template_name": "Dev", "skills": ["Go", "SQL"]})
    response = api.patch(f"/evaluation-templates/{template['id']}", {"skills": ["Rust"], "status": "draft"})
    assert response.status_code == 200
    assert (response.json()["data"]["skills"], response.json()["data"]["status"]) == (["Rust"], "draft")


def test_template_enums_are_validated(api: Api) -> None:
    response = api.post("/evaluation-templates", {"template_name": "x", "default_difficulty": "impossible"})
    assert response.status_code == 400
    assert response.json()["issues"][0]["path"] == ["default_difficulty"]


def test_stages_list_in_stage_order_for_one_template(api: Api) -> None:
    template = api.created("/evaluation-templates", {"template_name": "Pipeline"})
    for kind, order in (("final", 2), ("screen", 0), ("technical", 1)):
        api.created(
            "/evaluation-stages",
            {"evaluation_template_id": template["id"], "type": kind, "stage_order": order},
        )
    rows = api.get("/evaluation-stages", params={"evaluation_template_id": template["id"]}).json()["data"]
    assert [row["type"] for row in rows] == ["screen", "technical", "final"]


def test_stage_defaults_and_update_that_cannot_change_type(api: Api) -> None:
    template = api.created("/evaluation-templates", {"template_name": "T"})
    profile = api.created("/agent-profiles", profile_body())
    stage = api.created("/evaluation-stages", {"evaluation_template_id": template["id"], "type": "screen"})
    assert (stage["stage_order"], stage["duration_minutes"], stage["difficulty"]) == (0, 30, "intermediate")
    assert (stage["allow_retake"], stage["automation_rule"], stage["status"]) == (False, "none", "active")
    response = api.patch(
        f"/evaluation-stages/{stage['id']}",
        {"pass_threshold": 80, "agent_profile_id": profile["id"], "type": "final", "allow_retake": True},
    )
    assert response.status_code == 200
    updated = response.json()["data"]
    assert (updated["pass_threshold"], updated["agent_profile_id"]) == (80, profile["id"])
    assert (updated["type"], updated["allow_retake"]) == ("screen", False)
    assert api.get(f"/evaluation-stages/{stage['id']}").json()["data"] == updated


def test_stage_pass_threshold_is_0_to_100(api: Api) -> None:
    template = api.created("/evaluation-templates", {"template_name": "T"})
    response = api.post(
        "/evaluation-stages", {"evaluation_template_id": template["id"], "type": "x", "pass_threshold": 101}
    )
    assert response.status_code == 400
    assert response.json()["issues"][0]["path"] == ["pass_threshold"]


def test_stage_of_an_unknown_template_or_profile_is_not_found(api: Api) -> None:
    missing = str(uuid4())
    assert api.post("/evaluation-stages", {"evaluation_template_id": missing, "type": "x"}).status_code == 404
    template = api.created("/evaluation-templates", {"template_name": "T"})
    body = {"evaluation_template_id": template["id"], "type": "x", "agent_profile_id": missing}
    assert api.post("/evaluation-stages", body).status_code == 404


def test_unknown_or_malformed_ids_are_not_found(api: Api) -> None:
    for path in (
        "/evaluation-templates",
        "/evaluation-stages",
        "/agent-profiles",
        "/participants",
        "/sessions",
    ):
        for bad in (str(uuid4()), "not-a-uuid"):
            response = api.get(f"{path}/{bad}")
            assert response.status_code == 404, path
            assert "error" in response.json()
