"""Requests into catalog models: the same pydantic models the MCP tools use validate the sandbox's input.

The URL's ids fill the model's path fields (an id that is not a UUID is a 404, like any unknown id);
query parameters (GET, DELETE) or the JSON body (POST, PATCH) fill the rest under their wire names.
Unknown fields are dropped first, at every depth, because the real API ignores them (its validator
strips unknown keys) while the models forbid them.
Pydantic's error locations are the documented issue paths, e.g. `["evaluationDimensions", 2, "weight"]`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import UnionType
from typing import Any, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel, ValidationError

from sandbox.errors import Issue, NotFound, ValidationFailed
from tools.operation import Operation

__all__ = ["issues_of", "parse_arguments", "parse_uuid", "wire_name"]


def wire_name(model: type[BaseModel], field: str) -> str:
    """A field's name on the wire: its serialization alias, else its alias, else its own name."""
    info = model.model_fields[field]
    return info.serialization_alias or info.alias or field


def parse_arguments(
    operation: Operation, path_params: Mapping[str, str], query: Mapping[str, str], body: bytes
) -> BaseModel:
    """Validate one request against `operation.arguments`; raise NotFound or ValidationFailed."""
    model = operation.arguments
    if operation.method in ("GET", "DELETE"):
        source: Mapping[str, Any] = {k: v for k, v in query.items() if k not in operation.fixed_query}
    else:
        source = _json_object(body)
    data = _known(model, source, skip=frozenset(operation.path_params))
    for name in operation.path_params:
        data[name] = parse_uuid(path_params[name])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(issues_of(exc)) from None


def issues_of(error: ValidationError) -> list[Issue]:
    """Pydantic errors as the API's issues: the field path and a short message."""
    return [{"path": list(e["loc"]), "message": _message(e["type"], e["msg"])} for e in error.errors()]


def _known(
    model: type[BaseModel], value: Mapping[str, Any], skip: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """`value` without the keys `model` does not declare, recursively through nested models."""
    known: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        wire = wire_name(model, name)
        if name not in skip and wire in value:
            known[wire] = _prune(info.annotation, value[wire])
    return known


def _prune(annotation: Any, value: Any) -> Any:
    """Drop unknown keys inside a value whose type is (a list or optional of) a model."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _known(annotation, value) if isinstance(value, Mapping) else value
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is list and args and isinstance(value, list):
        return [_prune(args[0], item) for item in value]
    if get_origin(annotation) in (Union, UnionType) and len(args) == 1:
        return _prune(args[0], value)
    return value


def _message(kind: str, message: str) -> str:
    if kind == "missing":
        return "Required"
    return message.removeprefix("Value error, ")


def _json_object(body: bytes) -> Mapping[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        raise ValidationFailed.at([], "Malformed JSON body") from None
    if not isinstance(value, dict):
        raise ValidationFailed.at([], "Expected a JSON object body")
    return value


def parse_uuid(text: str) -> str:
    """A URL id in canonical form; one that is not a UUID names nothing, so it is a 404."""
    try:
        return str(UUID(text))
    except ValueError:
        raise NotFound("Not found") from None
