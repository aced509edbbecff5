"""Agent profiles: list, get, create, fork, update, and their validation."""

from __future__ import annotations

from collections.abc import Callable

from sandbox_api import Api, profile_body

from sandbox import OTHER_KEY, READONLY_KEY


def test_created_profile_is_returned_with_defaults_and_listed(api: Api) -> None:
    profile = api.created("/agent-profiles", profile_body())
    assert profile["useCase"] == "hiring"
    assert profile["isPublic"] is False
    assert profile["output"] == {
        "includeTranscript": True,
        "includeScoreBreakdown": True,
        "includeRecommendation": True,
        "includeImprovementFeedback": True,
    }
    assert profile["created_at"].endswith("Z")
    assert api.get(f"/agent-profiles/{profile['id']}").json()["data"] == profile
    listed = api.get("/agent-profiles", params={"pageSize": 100}).json()["data"]
    assert profile["id"] in [row["id"] for row in listed]


def test_dimension_weights_must_sum_to_100(api: Api) -> None:
    body = profile_body(
        evaluationDimensions=[
            {"name": "A", "description": "a", "weight": 50},
            {"name": "B", "description": "b", "weight": 40},
        ]
    )
    response = api.post("/agent-profiles", body)
    assert response.status_code == 400
    assert response.json() == {
        "error": "Validation error",
        "issues": [{"path": ["evaluationDimensions"], "message": "weights must sum to 100, got 90"}],
    }


def test_a_bad_nested_field_is_reported_at_its_exact_path(api: Api) -> None:
    dimensions = [
        {"name": "A", "description": "a", "weight": 50},
        {"name": "B", "description": "b", "weight": 50},
        {"name": "C", "description": "c", "weight": "heavy"},
    ]
    response = api.post("/agent-profiles", profile_body(evaluationDimensions=dimensions))
    assert response.status_code == 400
    paths = [issue["path"] for issue in response.json()["issues"]]
    assert ["evaluationDimensions", 2, "weight"] in paths


def test_missing_required_fields_are_each_reported_as_required(api: Api) -> None:
    response = api.post("/agent-profiles", {"name": "x"})
    assert response.status_code == 400
    issues = response.json()["issues"]
    assert {tuple(i["path"]) for i in issues} == {("persona",), ("useCase",), ("evaluationDimensions",)}
    assert {i["message"] for i in issues} == {"Required"}


def test_unknown_body_fields_are_ignored_like_the_real_api(api: Api) -> None:
    profile = api.created("/agent-profiles", profile_body(somethingNew=True))
    assert "somethingNew" not in profile


def test_update_changes_only_given_fields_and_cannot_change_use_case(api: Api) -> None:
    profile = api.created("/agent-profiles", profile_body())
    response = api.patch(
        f"/agent-profiles/{profile['id']}", {"name": "Renamed", "useCase": "training", "isPublic": True}
    )
    assert response.status_code == 200
    updated = response.json()["data"]
    assert (updated["name"], updated["useCase"], updated["isPublic"]) == ("Renamed", "hiring", True)
    assert updated["persona"] == profile["persona"]


def test_fork_copies_a_public_profile_of_another_workspace(api: Api, connect: Callable[..., Api]) -> None:
    rows = connect(OTHER_KEY).get("/agent-profiles").json()["data"]
    public_in_other = next(row["id"] for row in rows if row["isPublic"])
    forked = api.created("/agent-profiles?action=fork", {"sourceId": public_in_other})
    assert forked["sourceId"] == public_in_other
    assert forked["name"] == "Sales roleplay coach"
    assert forked["isPublic"] is False
    assert api.get(f"/agent-profiles/{forked['id']}").status_code == 200


def test_fork_of_a_private_profile_of_another_workspace_is_not_found(
    api: Api, connect: Callable[..., Api]
) -> None:
    other = connect(OTHER_KEY)
    private = other.created("/agent-profiles", profile_body(name="Secret"))
    response = api.post("/agent-profiles?action=fork", {"sourceId": private["id"]})
    assert response.status_code == 404
    assert api.post("/agent-profiles?action=fork", {"sourceId": "not-a-uuid"}).status_code == 400


def test_fork_of_an_own_private_profile_works(api: Api) -> None:
    mine = api.created("/agent-profiles", profile_body())
    assert api.post("/agent-profiles?action=fork", {"sourceId": mine["id"]}).status_code == 201


def test_profiles_need_the_interviews_scopes(connect: Callable[..., Api]) -> None:
    readonly = connect(READONLY_KEY)
    assert readonly.get("/agent-profiles").status_code == 200
    response = readonly.post("/agent-profiles", profile_body())
    assert response.status_code == 403
    assert response.json()["required_scope"] == "interviews.write"
