"""Hypothesis strategies for JSON Schema, for the input schemas the catalog uses.

hypothesis-jsonschema is not installable here, so this is a local strategy: the keywords the catalog's
schemas use (type and lists of types, properties, required, additionalProperties, items, min/maxItems,
enum, min/maxLength, minimum/maximum, formats uuid, email and date-time, $ref into $defs, anyOf, default).
`fuzzed` mixes values valid for the schema with values that break it (wrong types, out of range, unknown
fields), since a server must answer both without falling over.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

__all__ = ["fuzzed", "valid"]

_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
ANY_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def valid(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """Values of `schema` (best effort: what the catalog's schemas need)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return st.deferred(lambda: valid(defs[schema["$ref"].rsplit("/", 1)[1]], defs))
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema or "oneOf" in schema:
        return st.one_of([valid(option, defs) for option in schema.get("anyOf", schema.get("oneOf", []))])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([valid({**schema, "type": one}, defs) for one in kind])
    if kind == "object" or "properties" in schema:
        return _object(schema, defs)
    if kind == "array":
        items = valid(schema.get("items", {}), defs)
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=min(schema.get("maxItems", 3), 3))
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if kind == "number":
        return st.floats(
            min_value=schema.get("minimum"),
            max_value=schema.get("maximum"),
            allow_nan=False,
            allow_infinity=False,
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return ANY_JSON


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    fmt = schema.get("format")
    if fmt == "uuid":
        return st.uuids().map(str)
    if fmt == "email":
        return st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.(com|org)", fullmatch=True)
    if fmt == "date-time":
        return st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(lambda d: d.isoformat())
    low, high = schema.get("minLength", 0), min(schema.get("maxLength", 40), 40)
    return st.text(min_size=low, max_size=max(low, high))


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = {name: valid(sub, defs) for name, sub in properties.items() if name in required}
    optional = {name: valid(sub, defs) for name, sub in properties.items() if name not in required}
    return st.fixed_dictionaries(fixed, optional=optional)


def fuzzed(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments for a tool: mostly valid, sometimes with a field of the wrong kind or an unknown one."""
    good = valid(schema)
    names = list(schema.get("properties", {}))
    broken = good.flatmap(
        lambda value: st.fixed_dictionaries(
            {"field": st.sampled_from(names) if names else st.just("x"), "junk": ANY_JSON}
        ).map(lambda change: {**value, change["field"]: change["junk"]})
    )
    unknown = good.map(lambda value: {**value, "no_such_field": 1})
    return st.one_of(good, good, broken, unknown)
