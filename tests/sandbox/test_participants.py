"""Participants: create, duplicate emails per template, update, delete, bulk import, filters."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from sandbox_api import Api

from sandbox import READONLY_KEY


def _template(api: Api, name: str = "Role") -> str:
    return str(api.created("/evaluation-templates", {"template_name": name})["id"])


def test_created_participant_has_defaults_and_is_found_by_email(api: Api) -> None:
    template = _template(api)
    made = api.created(
        "/participants",
        {"name": "Ann", "email": "Ann@Example.com", "evaluation_template_id": template, "tags": ["a"]},
    )
    assert (made["status"], made["tags"], made["metadata"]) == ("active", ["a"], {})
    found = api.get("/participants", params={"email": "ann@example.com"}).json()
    assert [row["id"] for row in found["data"]] == [made["id"]]
    assert found["meta"]["total"] == 1


def test_the_same_email_twice_for_one_template_is_a_conflict(api: Api) -> None:
    template = _template(api)
    body = {"name": "Bo", "email": "bo@example.com", "evaluation_template_id": template}
    api.created("/participants", body)
    again = api.post("/participants", {**body, "email": "BO@example.com"})
    assert again.status_code == 409
    assert "error" in again.json()


def test_the_same_email_may_exist_once_per_template(api: Api) -> None:
    body = {"name": "Cy", "email": "cy@example.com"}
    api.created("/participants", {**body, "evaluation_template_id": _template(api, "A")})
    api.created("/participants", {**body, "evaluation_template_id": _template(api, "B")})


def test_invalid_email_is_a_validation_error(api: Api) -> None:
    response = api.post("/participants", {"name": "D", "email": "not-an-email"})
    assert response.status_code == 400
    assert response.json()["issues"][0]["path"] == ["email"]


def test_update_replaces_tags_and_refuses_a_taken_email(api: Api) -> None:
    template = _template(api)
    first = api.created(
        "/participants", {"name": "E", "email": "e@example.com", "evaluation_template_id": template}
    )
    second = api.created(
        "/participants", {"name": "F", "email": "f@example.com", "evaluation_template_id": template}
    )
    response = api.patch(f"/participants/{second['id']}", {"tags": ["x"], "status": "archived"})
    assert response.status_code == 200
    assert (response.json()["data"]["tags"], response.json()["data"]["status"]) == (["x"], "archived")
    assert api.patch(f"/participants/{second['id']}", {"email": first["email"]}).status_code == 409


def test_delete_answers_204_then_the_participant_is_gone(api: Api) -> None:
    made = api.created("/participants", {"name": "G", "email": "g@example.com"})
    response = api.delete(f"/participants/{made['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert api.get(f"/participants/{made['id']}").status_code == 404
    assert api.delete(f"/participants/{made['id']}").status_code == 404


def test_delete_needs_the_candidates_delete_scope(connect: Callable[..., Api], api: Api) -> None:
    made = api.created("/participants", {"name": "H", "email": "h@example.com"})
    response = connect(READONLY_KEY).delete(f"/participants/{made['id']}")
    assert response.status_code == 403
    assert response.json()["required_scope"] == "candidates.delete"


def test_bulk_import_skips_existing_and_in_batch_duplicates(api: Api) -> None:
    template = _template(api)
    api.created(
        "/participants", {"name": "Old", "email": "old@example.com", "evaluation_template_id": template}
    )
    rows = [
        {"name": "Old again", "email": "old@example.com", "evaluation_template_id": template},
        {"name": "New", "email": "new@example.com", "evaluation_template_id": template},
        {"name": "New twice", "email": "NEW@example.com", "evaluation_template_id": template},
        {"name": "Other", "email": "other@example.com", "evaluation_template_id": template},
    ]
    response = api.post("/participants/bulk", {"participants": rows})
    assert response.status_code == 201
    data = response.json()["data"]
    assert [p["email"] for p in data["created"]] == ["new@example.com", "other@example.com"]
    assert [s["email"] for s in data["skipped"]] == ["old@example.com", "NEW@example.com"]
    assert all(s["reason"] for s in data["skipped"])
    total = api.get("/participants", params={"evaluation_template_id": template}).json()["meta"]["total"]
    assert total == 3


def test_bulk_import_takes_1_to_500_rows(api: Api) -> None:
    too_many = [{"name": f"P{n}", "email": f"p{n}@example.com"} for n in range(501)]
    response = api.post("/participants/bulk", {"participants": too_many})
    assert response.status_code == 400
    assert response.json()["issues"][0]["path"] == ["participants"]
    assert api.post("/participants/bulk", {"participants": []}).status_code == 400
    bad_row = api.post("/participants/bulk", {"participants": [{"name": "Q", "email": "nope"}]})
    assert bad_row.json()["issues"][0]["path"] == ["participants", 0, "email"]


def test_bulk_import_of_500_rows_creates_them_all(api: Api) -> None:
    rows = [{"name": f"R{n}", "email": f"r{n}@example.com"} for n in range(500)]
    response = api.post("/participants/bulk", {"participants": rows})
    assert response.status_code == 201
    assert len(response.json()["data"]["created"]) == 500


def test_participants_filter_by_template_and_status(api: Api) -> None:
    template = _template(api)
    api.created("/participants", {"name": "S", "email": "s@example.com", "evaluation_template_id": template})
    api.created(
        "/participants",
        {"name": "T", "email": "t@example.com", "evaluation_template_id": template, "status": "archived"},
    )
    archived = api.get("/participants", params={"evaluation_template_id": template, "status": "archived"})
    assert [row["name"] for row in archived.json()["data"]] == ["T"]


def test_a_bulk_import_naming_an_unknown_template_creates_nothing(api: Api) -> None:
    rows = [
        {"name": "Kept out", "email": "kept-out@example.com"},
        {"name": "Bad", "email": "bad@example.com", "evaluation_template_id": str(uuid4())},
    ]
    assert api.post("/participants/bulk", {"participants": rows}).status_code == 404
    assert api.get("/participants", params={"email": "kept-out@example.com"}).json()["data"] == []
