"""Keys, scopes and workspace isolation, checked against every operation in the catalog."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

import pytest
from sandbox_api import Api

from sandbox import OTHER_KEY, READONLY_KEY, ApiKeySpec, SandboxConfig
from sandbox.scopes import READ_SCOPES
from tools import CATALOG
from tools.operation import Operation


def _url(operation: Operation, resource_id: str) -> str:
    path = operation.path
    for name in operation.path_params:
        path = path.replace("{" + name + "}", resource_id)
    if operation.fixed_query:
        path += "?" + "&".join(f"{k}={v}" for k, v in operation.fixed_query.items())
    return path


def _call(api: Api, operation: Operation, resource_id: str) -> int:
    return api.http.request(operation.method, _url(operation, resource_id), json=None).status_code


@pytest.mark.parametrize("operation", CATALOG, ids=lambda op: op.name)
def test_every_operation_refuses_a_missing_or_unknown_key(
    shared_connect: Callable[..., Api], operation: Operation
) -> None:
    assert _call(shared_connect(None), operation, str(uuid4())) == 401
    response = shared_connect("iv_live_nobody").http.request(operation.method, _url(operation, str(uuid4())))
    assert response.status_code == 401
    assert "error" in response.json()


WRITES = [op for op in CATALOG if op.scope is not None and op.scope not in READ_SCOPES]


@pytest.mark.parametrize("operation", WRITES, ids=lambda op: op.name)
def test_every_write_refuses_the_readonly_key_naming_the_scope(
    shared_connect: Callable[..., Api], operation: Operation
) -> None:
    response = shared_connect(READONLY_KEY).http.request(
        operation.method, _url(operation, str(uuid4())), json={}
    )
    assert response.status_code == 403
    assert response.json()["required_scope"] == operation.scope


@pytest.mark.parametrize(
    "sandbox_config",
    [SandboxConfig(extra_keys=(ApiKeySpec("iv_live_only_sessions", frozenset({"interviews.read"})),))],
)
def test_minted_keys_carry_exactly_their_scopes(connect: Callable[..., Api]) -> None:
    limited = connect("iv_live_only_sessions")
    assert limited.get("/sessions").status_code == 200
    response = limited.get("/participants")
    assert (response.status_code, response.json()["required_scope"]) == (403, "candidates.read")


def test_code_execution_accepts_any_valid_key(connect: Callable[..., Api]) -> None:
    body = {"language": "python", "code": "print(1)", "test_cases": [{"input": "", "expected_output": "1"}]}
    assert connect(READONLY_KEY).post("/code-executions", body).status_code == 200


def test_another_workspaces_rows_are_invisible(api: Api, connect: Callable[..., Api]) -> None:
    other = connect(OTHER_KEY)
    ids = api.setup_hiring()
    session = api.schedule(ids).json()["data"]
    paths = {
        f"/agent-profiles/{ids['profile']}",
        f"/evaluation-templates/{ids['template']}",
        f"/evaluation-stages/{ids['stage']}",
        f"/participants/{ids['participant']}",
        f"/sessions/{session['id']}",
    }
    for path in paths:
        assert other.get(path).status_code == 404, path
        body = {"scheduled_at": "2031-01-01T09:00:00Z"} if path.startswith("/sessions") else {}
        assert other.patch(path, body).status_code == 404, path
    assert other.delete(f"/participants/{ids['participant']}").status_code == 404
    assert other.post(f"/sessions/{session['id']}/cancel").status_code == 404
    assert other.schedule(ids).status_code == 404
    seen = {row["id"] for row in other.get("/participants", params={"pageSize": 100}).json()["data"]}
    assert ids["participant"] not in seen
    assert api.get(f"/participants/{ids['participant']}").status_code == 200
