"""Every tool's contract as a model sees it: names, descriptions, hints, schemas.

Parametrised over `tools.TOOLS`: the catalog's operations and the server's composite tools alike.
"""

from __future__ import annotations

import inspect
import re
import string
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import tools
from tools import Composite, Operation

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_HINTS = ("read_only_hint", "destructive_hint", "idempotent_hint", "open_world_hint")


def _ids(op: Operation | Composite) -> str:
    return op.name


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) pair, in the root and in each $defs entry."""
    found = [(name, prop) for name, prop in schema.get("properties", {}).items()]
    for def_name, definition in schema.get("$defs", {}).items():
        found += [(f"{def_name}.{name}", prop) for name, prop in definition.get("properties", {}).items()]
    return found


@pytest.mark.parametrize("op", tools.TOOLS, ids=_ids)
def test_tool_name_is_short_snake_case_and_unique(op: Operation | Composite) -> None:
    assert _NAME.match(op.tool.name)
    assert [o.name for o in tools.TOOLS].count(op.name) == 1


@pytest.mark.parametrize("op", tools.TOOLS, ids=_ids)
def test_tool_has_a_title_and_a_description_written_for_a_model(op: Operation | Composite) -> None:
    assert op.tool.title
    assert op.tool.description is not None
    assert 40 <= len(op.tool.description) <= 600


@pytest.mark.parametrize("op", tools.TOOLS, ids=_ids)
def test_tool_sets_all_four_annotations_explicitly(op: Operation | Composite) -> None:
    annotations = op.tool.annotations
    assert annotations is not None
    wire = annotations.model_dump(by_alias=True, exclude_unset=True)
    for hint in _HINTS:
        assert isinstance(getattr(annotations, hint), bool), hint
    assert {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"} <= wire.keys()
    if annotations.read_only_hint:
        assert annotations.destructive_hint is False


@pytest.mark.parametrize("op", tools.TOOLS, ids=_ids)
def test_input_schema_is_a_valid_described_object(op: Operation | Composite) -> None:
    schema = op.tool.input_schema
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    # Unknown arguments are refused by the validation model; the listed schema need not say so.
    assert op.input_schema.get("additionalProperties") is False
    assert not {"anyOf", "oneOf", "allOf", "not"} & schema.keys()
    for path, prop in _properties(schema):
        assert prop.get("description"), f"{op.name}: {path} has no description"
    # Every nested field is named, in the description of the argument that holds it.
    for path, _ in _properties(op.input_schema):
        if "." in path:
            holder = next(
                p for name, p in schema["properties"].items() if _holds(op.input_schema, name, path)
            )
            field = path.split(".")[-1]
            named_in = [holder["description"]] + [
                str(other.tool.input_schema) for other in tools.TOOLS if other.name in holder["description"]
            ]  # "(as in create_agent_profile)": that tool's listed schema names it
            assert any(field in text for text in named_in), f"{op.name}: {path} is not named"


def _holds(schema: dict[str, Any], name: str, path: str) -> bool:
    """Whether argument `name` refers (directly or through other entries) to the $defs entry of `path`."""
    text = str(schema["properties"][name])
    definition = path.split(".")[0]
    seen = {definition}
    changed = True
    while changed:  # a $defs entry reached through another one still belongs to this argument
        changed = False
        for def_name, body in schema.get("$defs", {}).items():
            if def_name not in seen and any(f"#/$defs/{d}'" in str(body) for d in seen):
                seen.add(def_name)
                changed = True
    return any(f"#/$defs/{d}'" in text for d in seen)


@pytest.mark.parametrize("op", tools.TOOLS, ids=_ids)
def test_output_schema_is_a_valid_object(op: Operation | Composite) -> None:
    schema = op.tool.output_schema
    assert schema is not None
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert not {"anyOf", "oneOf", "allOf", "not"} & schema.keys()


@pytest.mark.parametrize("op", [op for op in tools.CATALOG if op.list_result], ids=_ids)
def test_list_tools_page_and_return_their_pagination_meta(op: Operation) -> None:
    inputs = op.tool.input_schema["properties"]
    assert inputs["page_size"]["maximum"] == 100
    assert "page" in inputs
    output = op.tool.output_schema
    assert output is not None
    assert {"items", "meta"} <= set(output["properties"])


def test_read_tools_are_exactly_the_gets_and_code_execution() -> None:
    reads = {op.name for op in tools.CATALOG if op.read_only}
    assert reads == {op.name for op in tools.CATALOG if op.method == "GET"} | {"execute_code"}


def test_the_sandbox_answers_every_operation_of_the_catalog() -> None:
    """Adding an operation is one declaration plus one sandbox handler; neither may be missing."""
    from sandbox.handlers import HANDLERS

    assert set(HANDLERS) == {op.name for op in tools.CATALOG}


@pytest.mark.parametrize("tool", tools.COMPOSITES, ids=_ids)
def test_composite_declares_a_handler_that_exists(tool: Composite) -> None:
    assert inspect.iscoroutinefunction(tool.handler), tool.implementation


@pytest.mark.parametrize("op", tools.CATALOG, ids=_ids)
def test_declared_error_wording_names_only_the_operations_own_arguments(op: Operation) -> None:
    known = {"tool", "said", *op.arguments.model_fields}
    known |= {field.alias for field in op.arguments.model_fields.values() if field.alias}
    for status, template in op.error_text.items():
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert names <= known, f"{op.name} {status}: {sorted(names - known)}"


def test_every_brief_names_a_tool_and_arguments_that_exist() -> None:
    from tools.briefs import BRIEFS

    for name, brief in BRIEFS.items():
        op = tools.by_name(name)
        assert op is not None, f"brief for unknown tool {name}"
        assert set(brief.arguments) <= set(op.input_schema["properties"]), name
    # Every default-view operation reads as a brief; an argument without one keeps its own description.
    assert {op.name for op in tools.select(tools.DEFAULT_TOOLSETS, read_only=False)} <= BRIEFS.keys()


@pytest.mark.parametrize("op", [op for op in tools.CATALOG if op.error_followups], ids=_ids)
def test_declared_error_followup_exists(op: Operation) -> None:
    assert inspect.iscoroutinefunction(op.error_followup), op.error_followups
