"""Request validation in general: bodies, queries, ids, unknown routes, ignored extras."""

from __future__ import annotations

from sandbox_api import Api


def test_a_malformed_or_non_object_body_is_a_validation_error(api: Api) -> None:
    for content in (b"{not json", b"[1, 2]", b'"text"'):
        response = api.http.post(
            "/evaluation-templates", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["error"] == "Validation error"
        assert response.json()["issues"][0]["path"] == []


def test_an_empty_body_reports_each_required_field(api: Api) -> None:
    response = api.http.post("/participants")
    assert response.status_code == 400
    assert {tuple(i["path"]) for i in response.json()["issues"]} == {("name",), ("email",)}


def test_unknown_query_parameters_and_account_slug_are_ignored(api: Api) -> None:
    response = api.get("/participants", params={"accountSlug": "acme", "sort": "name", "pageSize": 5})
    assert response.status_code == 200
    assert response.json()["meta"]["pageSize"] == 5


def test_snake_case_page_size_is_not_the_wire_name(api: Api) -> None:
    response = api.get("/participants", params={"page_size": 5})
    assert response.json()["meta"]["pageSize"] == 20


def test_wrongly_typed_query_values_are_reported_at_their_name(api: Api) -> None:
    response = api.get("/participants", params={"evaluation_template_id": "x", "status": "gone"})
    assert response.status_code == 400
    assert {tuple(i["path"]) for i in response.json()["issues"]} == {("evaluation_template_id",), ("status",)}


def test_unknown_routes_and_methods_answer_json(api: Api) -> None:
    missing = api.get("/no-such-thing")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not found"})
    wrong_method = api.http.put("/sessions")
    assert wrong_method.status_code == 405
    assert "error" in wrong_method.json()


def test_ids_are_accepted_in_any_uuid_spelling(api: Api) -> None:
    template = api.created("/evaluation-templates", {"template_name": "Case"})
    assert api.get(f"/evaluation-templates/{template['id'].upper()}").json()["data"]["id"] == template["id"]


def test_unknown_nested_fields_are_ignored_at_every_depth(api: Api) -> None:
    body = {
        "name": "Nested",
        "persona": "p",
        "useCase": "hiring",
        "evaluationDimensions": [{"name": "A", "description": "a", "weight": 100, "color": "red"}],
        "interaction": {"tone": "strict", "mood": "grumpy"},
    }
    profile = api.created("/agent-profiles", body)
    assert profile["evaluationDimensions"] == [{"name": "A", "description": "a", "weight": 100}]
    assert profile["interaction"] == {"tone": "strict"}
    person = api.created(
        "/participants", {"name": "N", "email": "n@example.com", "profile": {"title": "Dev", "x": 1}}
    )
    assert person["profile"] == {"title": "Dev"}
