"""The OpenAPI document: valid 3.1, complete, and true to the served API (schemathesis)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from jsonschema import Draft202012Validator
from openapi_pydantic import OpenAPI
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sandbox import DEMO_KEY, RunningSandbox, SandboxConfig, serve_in_thread
from tools import CATALOG

_MAX_EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[RunningSandbox]:
    """One sandbox for the whole property-based run (short code timeout: generated code may loop)."""
    with serve_in_thread(SandboxConfig(code_timeout=2.0)) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox_schema(fuzzed: RunningSandbox) -> Any:
    return schemathesis.openapi.from_url(f"{fuzzed.base_url}/openapi.json")


def _document(served: RunningSandbox) -> dict[str, Any]:
    response = httpx2.get(f"{served.base_url}/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_the_document_is_valid_openapi_3_1_without_a_key(served: RunningSandbox) -> None:
    document = _document(served)
    assert document["openapi"] == "3.1.0"
    OpenAPI.model_validate(document)
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    scheme = document["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "x-api-key"}


def test_every_catalog_operation_is_described(served: RunningSandbox) -> None:
    paths = _document(served)["paths"]
    for operation in CATALOG:
        described = paths[operation.path][operation.method.lower()]
        assert str(operation.success_status) in described["responses"]
        assert operation.name in described["description"] or operation.description in described["description"]
        for name in operation.path_params:
            assert any(p["name"] == name and p["in"] == "path" for p in described["parameters"])
    listing = paths["/sessions"]["get"]["parameters"]
    assert {p["name"] for p in listing} >= {
        "page",
        "pageSize",
        "status",
        "candidate_id",
        "evaluation_template_id",
    }
    fork = paths["/agent-profiles"]["post"]
    assert any(p["name"] == "action" for p in fork["parameters"])
    assert len(fork["requestBody"]["content"]["application/json"]["schema"]["oneOf"]) == 2


def _no_undocumented_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """No 5xx, except the contract's 502 from code execution when a language has no runtime here."""
    if case.operation.path == "/code-executions" and response.status_code == 502:
        return None
    result: bool | None = not_a_server_error(ctx, response, case)
    return result


_ROUTES = sorted({(op.path, op.method) for op in CATALOG})


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("path", "method"), _ROUTES, ids=[f"{m} {p}" for p, m in _ROUTES])
def test_generated_requests_get_no_5xx_and_schema_conforming_answers(
    sandbox_schema: Any, path: str, method: str, mode: GenerationMode
) -> None:
    operation = sandbox_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=_MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case: Any) -> None:
        case.call_and_validate(
            headers={"x-api-key": DEMO_KEY},
            checks=[
                _no_undocumented_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )

    check()
