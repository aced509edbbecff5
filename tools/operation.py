"""The `Operation` declaration: one per intervyo API operation, the single source for everything else.

The MCP server builds `tools/list` and dispatches `tools/call` from it; the sandbox validates request
bodies and generates its OpenAPI document from it; the README tool table and manifest.json's tool list
are generated from it. Guesses about the upstream API (marked "inferred" in the contract) live in the
declarations, so fixing one is a one-line change.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal
from urllib.parse import quote

from mcp.types import Tool, ToolAnnotations
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from tools.briefs import BRIEFS
from tools.icons import ICONS
from tools.model_schema import model_facing

__all__ = [
    "CREATE",
    "DELETE",
    "READ",
    "UPDATE",
    "Annotations",
    "HttpMethod",
    "Operation",
    "compact_schema",
    "result_schema",
]

HttpMethod = Literal["GET", "POST", "PATCH", "DELETE"]

_PATH_PARAM = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class Annotations:
    """The four MCP tool hints, always set explicitly (the spec's defaults are the unsafe ones)."""

    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool = True  # every tool reaches intervyo.ai, an external system

    def tool(
        self,
        name: str,
        title: str,
        description: str,
        input_schema: dict[str, Any],
        output_schema: dict[str, Any] | None,
    ) -> Tool:
        """The MCP `Tool` with these hints, every one of the four set explicitly."""
        return Tool(
            name=name,
            title=title,
            description=description,
            input_schema=input_schema,
            output_schema=output_schema,
            icons=ICONS,
            annotations=ToolAnnotations(
                read_only_hint=self.read_only,
                destructive_hint=self.destructive,
                idempotent_hint=self.idempotent,
                open_world_hint=self.open_world,
            ),
        )


READ = Annotations(read_only=True, destructive=False, idempotent=True)
CREATE = Annotations(read_only=False, destructive=False, idempotent=False)
UPDATE = Annotations(read_only=False, destructive=False, idempotent=True)
DELETE = Annotations(read_only=False, destructive=True, idempotent=True)


@dataclass(frozen=True)
class Operation:
    """One intervyo REST operation exposed as one MCP tool.

    `arguments` holds every tool argument. Names in `path` (`{session_id}`) are filled from the
    arguments of the same name; for GET and DELETE the rest become query parameters, for POST and
    PATCH the JSON body, each under its serialization alias (the upstream's own field names).
    """

    name: str
    title: str
    description: str
    toolset: str
    method: HttpMethod
    path: str
    scope: str | None
    arguments: type[BaseModel]
    result: type[BaseModel] | None
    annotations: Annotations
    list_result: bool = False
    fixed_query: dict[str, str] = field(default_factory=dict[str, str])
    success_status: int = 200
    # Result fields written by a candidate (dotted paths, `*` for every list item): the server returns
    # them fenced as untrusted text, never as something the model should follow.
    candidate_authored: tuple[str, ...] = ()
    # Can take many seconds (a code run, a wait): over HTTP its answer is streamed, never one JSON body,
    # so that a client going away cancels it (see server.http.response_mode).
    long_running: bool = False
    # What the model reads for an upstream error status this operation words its own way (server.errors
    # words the rest): a template filled with {tool}, {said} (intervyo's own sentence, quoted, or
    # nothing) and the call's arguments by name.
    error_text: Mapping[int, str] = field(default_factory=dict[int, str])
    # What completes this operation's upstream errors with a further read (the open session behind a 409,
    # the valid values behind a 400), as "module:function"; see server.calls.explanations.
    error_followups: str | None = None

    @cached_property
    def error_followup(self) -> Callable[[dict[str, Any], Any, Any], Awaitable[Any]] | None:
        """The function `error_followups` names: `(arguments, error, read) -> error`."""
        if self.error_followups is None:
            return None
        module, _, name = self.error_followups.partition(":")
        followup: Callable[[dict[str, Any], Any, Any], Awaitable[Any]] = getattr(
            importlib.import_module(module), name
        )
        return followup

    @property
    def read_only(self) -> bool:
        return self.annotations.read_only

    @cached_property
    def path_params(self) -> tuple[str, ...]:
        return tuple(_PATH_PARAM.findall(self.path))

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        return compact_schema(self.arguments, "validation")

    @cached_property
    def output_schema(self) -> dict[str, Any] | None:
        return None if self.result is None else result_schema(self.result)

    @cached_property
    def tool(self) -> Tool:
        # A model reads the briefs; the declaration's own text documents the API (see tools.briefs).
        brief = BRIEFS.get(self.name)
        description = self.description if brief is None else brief.description
        schema = model_facing(self.input_schema, None if brief is None else brief.arguments)
        return self.annotations.tool(self.name, self.title, description, schema, self.output_schema)

    def split(self, args: BaseModel) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Turn validated arguments into (path, query, body) for the upstream request."""
        wire = args.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)
        path = self.path
        for name in self.path_params:
            path = path.replace("{" + name + "}", quote(str(getattr(args, name)), safe=""))
            wire.pop(name, None)
        if self.method in ("GET", "DELETE"):
            query = {**self.fixed_query, **{k: _query_value(v) for k, v in wire.items()}}
            return path, query, None
        return path, dict(self.fixed_query), wire


class _CompactJsonSchema(GenerateJsonSchema):
    """JSON Schema without what costs a model tokens and tells it nothing.

    Optional fields are simply not `required` (no `anyOf [X, null]`, no `"default": null`), and the
    titles pydantic derives from names are dropped: every property carries a description instead.
    """

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", ...) is None:
            json_schema.pop("default")
        return json_schema

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        json_schema = super().generate(schema, mode)
        json_schema.pop("title", None)
        for definition in json_schema.get("$defs", {}).values():
            definition.pop("title", None)
        return json_schema


def compact_schema(model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
    """The model's JSON Schema (Draft 2020-12) as tools/list and OpenAPI publish it."""
    return model.model_json_schema(mode=mode, schema_generator=_CompactJsonSchema)


def result_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A tool's `outputSchema`: the result's shape and types, each object described at model level.

    Per-field descriptions and string formats stay on input schemas, where the model needs them to call
    the tool right. On results they doubled the size of `tools/list` (every session field described again
    in each of the five tools returning sessions), while the field names, the values themselves, the
    object descriptions and the tool descriptions already say what comes back.
    """
    schema: dict[str, Any] = _without_field_descriptions(compact_schema(model, "serialization"))
    return schema


# What a result field does not need to say: its description, and its string format (the values are
# there to read: ids are UUIDs, times ISO 8601).
_FIELD_NOTES = frozenset({"description", "format"})


def _without_field_descriptions(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_field_descriptions(item) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "additionalProperties" and value is True:
            continue  # the default: saying it costs bytes and tells nothing
        if key == "properties" and isinstance(value, dict):
            result[key] = {
                name: {k: _without_field_descriptions(v) for k, v in field.items() if k not in _FIELD_NOTES}
                for name, field in value.items()
            }
        else:
            result[key] = _without_field_descriptions(value)
    return result


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
