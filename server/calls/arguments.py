"""Tool arguments as clients really send them, validated against the operation's input model.

Some clients send nested objects and arrays as JSON strings (`"tags": "[\"a\"]"`). Where the schema
says a property is an object or an array, at any depth, a string holding JSON of that kind is decoded
first; a string property, and anything inside a free-form object, is never touched. Validation failures
become `InvalidArguments`, naming each bad field, and the upstream is not called. So does a NaN or an
infinity anywhere (some JSON parsers, the SDK's among them, read `NaN` and `Infinity`): JSON has no way
to send one on to intervyo.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from server.errors import InvalidArguments, Issue
from tools import Composite, Operation

__all__ = ["parse"]


def parse(op: Operation | Composite, raw: dict[str, Any] | None) -> BaseModel:
    """Validate `raw` with the tool's input model, or raise `InvalidArguments`."""
    schema = op.input_schema
    values = _decode_json_strings(schema, dict(raw or {}), schema.get("$defs", {}))
    unsendable = [Issue(path, _NOT_FINITE) for path in _non_finite(values, ())]
    if unsendable:
        raise InvalidArguments.naming(op.name, unsendable)
    try:
        return op.arguments.model_validate(values)
    except ValidationError as error:
        raise InvalidArguments.from_validation(op.name, error) from None


_NOT_FINITE = "NaN and Infinity are not JSON numbers; send a finite number."


def _non_finite(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, float):
        if not math.isfinite(value):
            yield path
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _non_finite(item, (*path, str(name)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, (*path, index))


def _decode_json_strings(
    schema: dict[str, Any], values: dict[str, Any], definitions: dict[str, Any]
) -> dict[str, Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    for name, value in values.items():
        if name in properties:
            values[name] = _decoded(properties[name], value, definitions)
    return values


def _decoded(schema: dict[str, Any], value: Any, definitions: dict[str, Any]) -> Any:
    """`value`, with a JSON string decoded where `schema` wants an object or an array, at any depth."""
    if isinstance(value, str):
        value = _from_json(schema, value, definitions)
    if isinstance(value, dict):
        shape = _option(schema, "object", definitions)
        if shape is not None and "properties" in shape:
            return _decode_json_strings(shape, dict(value), definitions)
    elif isinstance(value, list):
        shape = _option(schema, "array", definitions)
        items = None if shape is None else shape.get("items")
        if isinstance(items, dict):
            return [_decoded(items, item, definitions) for item in value]
    return value


def _from_json(schema: dict[str, Any], value: str, definitions: dict[str, Any]) -> Any:
    if _option(schema, "string", definitions) is not None:
        return value
    wants_object = _option(schema, "object", definitions) is not None
    wants_array = _option(schema, "array", definitions) is not None
    if not (wants_object or wants_array):
        return value
    text = value.strip()
    if not text.startswith(("{", "[")):
        return value
    try:
        decoded = json.loads(text)
    except ValueError:
        return value  # let validation report the field with its own message
    if (isinstance(decoded, dict) and wants_object) or (isinstance(decoded, list) and wants_array):
        return decoded
    return value


def _option(schema: dict[str, Any], kind: str, definitions: dict[str, Any]) -> dict[str, Any] | None:
    """The schema itself, or its first `anyOf`/`oneOf` option, that describes a `kind` value."""
    schema = _resolve(schema, definitions)
    declared = schema.get("type")
    if declared == kind or (isinstance(declared, list) and kind in declared):
        return schema
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        found = _option(option, kind, definitions)
        if found is not None:
            return found
    return None


def _resolve(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = definitions.get(ref.removeprefix("#/$defs/"), {})
        return resolved
    return schema
