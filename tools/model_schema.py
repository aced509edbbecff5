"""The input schema as `tools/list` shows it to a model: everything that constrains a call, nothing else.

A model reads every tool's schema on every turn, so what it costs is paid again and again (users of the
big MCP servers name tool-list size as their first complaint). The arguments are validated in full by
the server (`server.calls.arguments`) before intervyo is called, and a bad one comes back naming the field, so
the published schema keeps what helps a model write a right call the first time and drops what only
repeats it:

- a nested object (an argument's fields, or an array's items) is written as one line in its property's
  description, `{tone?:friendly|professional,weight:int 0-100,skills?:[str]}` (`?`: optional;
  no type: a string), not as a nested schema with `$defs`, `$ref`s and a description per field: the
  line names every field with its type and choices, for about a third of the bytes;
- `additionalProperties: false` goes: the server refuses unknown fields anyway (naming them), and
  saying so costs about 28 bytes on every object;
- `default` goes (descriptions say the defaults that matter), as do `minLength: 1` and `minimum: 1`
  (an empty string or a zero is refused anyway) and `format` (ids are described as ids, times as ISO).

Every top-level property keeps its own description, and every nested field is named in one; the
validation schema (`Operation.input_schema`) is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["model_facing", "shaped_as"]

_SAME_AS = "x-shaped-as"


def shaped_as(where: str) -> dict[str, Any]:
    """`json_schema_extra` for a nested field whose shape another tool's schema already spells out.

    The model reads "(<where>)", e.g. "(as in create_agent_profile)", instead of the same line again:
    update tools repeat the nested settings of their create tool, a bulk import takes the create
    tool's arguments per row.
    """
    return {_SAME_AS: where}


def model_facing(schema: dict[str, Any], briefs: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`schema` (a tool's input schema) compacted for `tools/list`; `briefs` replace its arguments'
    descriptions (see `tools.briefs`)."""
    definitions: dict[str, Any] = schema.get("$defs", {})
    briefs = briefs or {}
    properties = {
        name: _property({**field, "description": briefs[name]} if name in briefs else field, definitions)
        for name, field in schema.get("properties", {}).items()
    }
    compact: dict[str, Any] = {"type": "object", "properties": properties}
    if schema.get("required"):
        compact["required"] = schema["required"]
    return compact


def _property(field: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """One argument: its own description, its type, and the constraints a model must meet."""
    resolved = _resolve(field, definitions)
    items = _resolve(resolved.get("items", {}), definitions)
    same_as = field.get(_SAME_AS)
    if same_as and ("properties" in resolved or "properties" in items):
        kind = "object" if "properties" in resolved else "array"
        compact: dict[str, Any] = {
            "type": kind,
            "description": f"{field.get('description', '')} ({same_as}).",
        }
        if kind == "array":
            compact["items"] = {"type": "object"}
            compact.update({k: v for k, v in resolved.items() if k in ("minItems", "maxItems")})
        return compact
    if "properties" in resolved:
        shape = _signature(resolved, definitions)
        return {"type": "object", "description": f"{field.get('description', '')} {shape}".strip()}
    if "properties" in items:
        shape = f"[{_signature(items, definitions)}]"
        compact = {"type": "array", "description": f"{field.get('description', '')} {shape}".strip()}
        compact["items"] = {"type": "object"}
        compact.update({k: v for k, v in resolved.items() if k in ("minItems", "maxItems")})
        return compact
    return {
        k: v
        for k, v in {**resolved, "description": field.get("description", resolved.get("description"))}.items()
        if k not in _NOISE and (k, v) not in _NOISE_VALUES
    }


_NOISE = frozenset({"default", "title", "$defs", "format"})
_NOISE_VALUES = (
    ("minLength", 1),
    ("minimum", 1),
    ("additionalProperties", False),
    ("additionalProperties", True),
)


def _signature(schema: dict[str, Any], definitions: dict[str, Any]) -> str:
    required = set(schema.get("required", []))
    parts = []
    for name, field in schema.get("properties", {}).items():
        kind = _kind(_resolve(field, definitions), definitions)
        label = name if name in required else f"{name}?"
        parts.append(f"{label}:{kind}" if kind else label)
    return "{" + ",".join(parts) + "}"


def _kind(field: dict[str, Any], definitions: dict[str, Any]) -> str:
    if "enum" in field:
        return "|".join(str(value) for value in field["enum"])
    if "properties" in field:
        return _signature(field, definitions)
    kind = field.get("type")
    if kind == "array":
        return f"[{_kind(_resolve(field.get('items', {}), definitions), definitions) or 'str'}]"
    if kind in ("integer", "number"):
        name = "int" if kind == "integer" else "number"
        low, high = field.get("minimum"), field.get("maximum")
        return f"{name} {low}-{high}" if low is not None and high is not None else name
    if kind == "boolean":
        return "bool"
    if kind == "object":
        return "{}"
    return ""


def _resolve(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {
            **definitions[ref.removeprefix("#/$defs/")],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    return schema
