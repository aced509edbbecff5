"""The OpenAPI 3.1 document of the emulated API, generated from the operation catalog's models.

Request schemas are the catalog's input models (compact: optional means "may be omitted"); response
schemas are its result models inside the wire envelopes (`{"data": …}`, `{"data": [...], "meta": …}`),
with `null` allowed where the API may send it. Nested models go to `components/schemas`. Served at
`GET /api/v1/openapi.json` without a key, so tools such as schemathesis can drive the sandbox.
"""

from __future__ import annotations

import functools
import json
from typing import Any, cast, get_args

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.api import API_PREFIX
from sandbox.auth import API_KEY_HEADER
from sandbox.responses import ApiJSONResponse
from sandbox.validation import wire_name
from tools import CATALOG
from tools.operation import Operation, compact_schema

__all__ = ["OPENAPI_PATH", "openapi_document", "openapi_route"]

OPENAPI_PATH = API_PREFIX + "/openapi.json"

_REF = "#/components/schemas/"
_ERROR = {"$ref": _REF + "Error"}
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "issues": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "message"],
                "properties": {
                    "path": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "message": {"type": "string"},
                },
            },
        },
        "required_scope": {"type": "string"},
    },
}
_META_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["page", "pageSize", "total", "totalPages"],
    "properties": {
        "page": {"type": "integer"},
        "pageSize": {"type": "integer"},
        "total": {"type": "integer"},
        "totalPages": {"type": "integer"},
    },
}
_HEADER_DEFINITIONS = {
    name: {"description": text, "schema": {"type": "integer"}}
    for name, text in (
        ("X-RateLimit-Limit", "Requests allowed in the current one-minute window."),
        ("X-RateLimit-Remaining", "Requests left in the window."),
        ("X-RateLimit-Reset", "Unix time (seconds) when the window resets."),
    )
}
_RATE_HEADERS = {name: {"$ref": f"#/components/headers/{name}"} for name in _HEADER_DEFINITIONS}
_ERROR_TEXT = {
    400: "Validation error",
    401: "Missing or unknown API key",
    402: "No paid plan, or no session credits left",
    403: "The key lacks the required scope",
    404: "No such resource in this workspace",
    408: "Code execution timed out",
    409: "Conflict: duplicate, or not allowed in the session's status",
    422: "Batched execution is not available for this language",
    429: "Rate limited; honour Retry-After",
    502: "The code runner failed",
}
_EXTRA_ERRORS: dict[str, tuple[int, ...]] = {
    "create_participant": (409,),
    "update_participant": (409,),
    "schedule_session": (402, 409),
    "reschedule_session": (409,),
    "cancel_session": (409,),
    "execute_code": (408, 422, 502),
}
# Operations whose success body is not wrapped in "data" (the contract: reschedule -> {"success": true}).
_BARE_RESULT = frozenset({"reschedule_session"})


def openapi_route() -> Route:
    """`GET /api/v1/openapi.json`, no key needed."""
    return Route(OPENAPI_PATH, _serve, methods=["GET"])


async def _serve(request: Request) -> Response:
    return ApiJSONResponse(openapi_document())


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The whole document (built once)."""
    components: dict[str, Any] = {"Error": _ERROR_SCHEMA, "PageMeta": _META_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for path, method, operations in _grouped():
        paths.setdefault(path, {})[method.lower()] = _operation(operations, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "intervyo.ai REST API v1 (sandbox)",
            "version": "1.0.0",
            "description": "A local, stateful emulation of the intervyo.ai API, generated from the "
            "intervyo-mcp operation catalog.",
        },
        "servers": [{"url": API_PREFIX}],
        "security": [{"ApiKey": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "headers": _HEADER_DEFINITIONS,
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}},
        },
    }


def _grouped() -> list[tuple[str, str, list[Operation]]]:
    groups: dict[tuple[str, str], list[Operation]] = {}
    for operation in CATALOG:
        groups.setdefault((operation.path, operation.method), []).append(operation)
    return [(path, method, ops) for (path, method), ops in groups.items()]


def _operation(operations: list[Operation], components: dict[str, Any]) -> dict[str, Any]:
    main = next((op for op in operations if not op.fixed_query), operations[0])
    parameters = [_path_parameter(main, name) for name in main.path_params]
    for operation in operations:
        for key, value in operation.fixed_query.items():
            text = f"`{key}={value}` selects {operation.name} (body {operation.arguments.__name__})."
            parameters.append({"name": key, "in": "query", "schema": {"enum": [value]}, "description": text})
    spec: dict[str, Any] = {
        "operationId": main.name,
        "summary": " / ".join(op.title for op in operations),
        "description": "\n\n".join(op.description for op in operations),
        "tags": [main.toolset],
    }
    if main.method in ("GET", "DELETE"):
        parameters += _query_parameters(main, components)
    else:
        bodies = [_body_schema(op, components) for op in operations]
        schema = bodies[0] if len(bodies) == 1 else {"oneOf": bodies}
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    spec["parameters"] = parameters
    spec["responses"] = _responses(main, components)
    return spec


def _path_parameter(operation: Operation, name: str) -> dict[str, Any]:
    field = operation.arguments.model_fields[name]
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
        "description": field.description or name,
    }


def _query_parameters(operation: Operation, components: dict[str, Any]) -> list[dict[str, Any]]:
    model = operation.arguments
    schema = _register(_api_schema(model), components)
    properties: dict[str, Any] = schema.get("properties", {})
    by_field = _property_names(model)
    parameters = []
    for name, info in model.model_fields.items():
        if name in operation.path_params or info.exclude:
            continue
        prop = dict(properties[by_field[name]])
        description = prop.pop("description", info.description or name)
        parameters.append(
            {
                "name": wire_name(model, name),
                "in": "query",
                "required": info.is_required(),
                "schema": prop,
                "description": description,
            }
        )
    return parameters


def _property_names(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> the property name pydantic's validation schema uses for it."""
    names = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, str):
            names[name] = alias
        elif alias is not None and hasattr(alias, "choices") and isinstance(alias.choices[0], str):
            names[name] = alias.choices[0]
        else:
            names[name] = info.alias or name
    return names


def _body_schema(operation: Operation, components: dict[str, Any]) -> dict[str, Any]:
    schema = _register(_api_schema(operation.arguments), components)
    for name in (*operation.path_params, *_server_only(operation)):
        schema.get("properties", {}).pop(name, None)
        if name in schema.get("required", []):
            schema["required"].remove(name)
    if not schema.get("required"):
        schema.pop("required", None)
    # The API ignores unknown fields rather than refusing them.
    schema.pop("additionalProperties", None)
    return schema


def _api_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The arguments' validation schema, without the MCP server's notes to itself (`x-` keywords)."""
    return cast(dict[str, Any], _without_notes(compact_schema(model, "validation")))


def _without_notes(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_notes(v) for k, v in node.items() if not str(k).startswith("x-")}
    if isinstance(node, list):
        return [_without_notes(item) for item in node]
    return node


def _server_only(operation: Operation) -> list[str]:
    """Arguments the MCP server reads itself and never sends (`exclude=True`): not part of the API."""
    return [name for name, info in operation.arguments.model_fields.items() if info.exclude]


def _responses(operation: Operation, components: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    status = str(operation.success_status)
    if operation.success_status == 204:
        responses[status] = {"description": "Deleted", "headers": _RATE_HEADERS}
    else:
        data = _result_schema(operation, components)
        responses[status] = {
            "description": "Success",
            "headers": _RATE_HEADERS,
            "content": {"application/json": {"schema": data}},
        }
        if operation.name == "schedule_session":
            responses["200"] = {
                "description": "An earlier session returned for a replayed idempotency_key",
                "headers": _RATE_HEADERS,
                "content": {"application/json": {"schema": data}},
            }
    errors = {400, 401, 404, 429, *_EXTRA_ERRORS.get(operation.name, ())}
    if operation.scope is not None:
        errors.add(403)
    for code in sorted(errors):
        responses[str(code)] = {
            "description": _ERROR_TEXT[code],
            "headers": _RATE_HEADERS,
            "content": {"application/json": {"schema": _ERROR}},
        }
    return responses


def _result_schema(operation: Operation, components: dict[str, Any]) -> dict[str, Any]:
    assert operation.result is not None
    if operation.list_result:
        (item,) = get_args(operation.result.model_fields["items"].annotation)  # Page[Item].items: list[Item]
        rows = _register(item.model_json_schema(mode="serialization"), components)
        return {
            "type": "object",
            "required": ["data", "meta"],
            "properties": {"data": {"type": "array", "items": rows}, "meta": {"$ref": _REF + "PageMeta"}},
        }
    result = _register(operation.result.model_json_schema(mode="serialization"), components)
    if operation.name in _BARE_RESULT:
        return result
    properties: dict[str, Any] = {"data": result}
    if operation.name == "schedule_session":
        properties["idempotent"] = {"type": "boolean"}
    return {"type": "object", "required": ["data"], "properties": properties}


def _register(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """Move the schema's `$defs` into components (refusing clashing duplicates) and point refs there."""
    text = json.dumps(schema).replace('"#/$defs/', '"' + _REF)
    moved: dict[str, Any] = json.loads(text)
    for name, definition in moved.pop("$defs", {}).items():
        if components.setdefault(name, definition) != definition:
            raise ValueError(f"two different schemas named {name} in the catalog")
    return moved
