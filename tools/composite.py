"""The `Composite` declaration: a tool the MCP server implements itself from several API reads.

An `Operation` maps one tool onto one REST call. A composite tool (`get_scorecard`, `wait_for_scorecard`)
is answered by the server combining reads, so it has no method or path, but it is declared the same way:
name, toolset, annotations, input and output models. `tools.TOOLS` lists both kinds in `tools/list`
order; the README table and manifest.json are generated from that one list.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from mcp.types import Tool
from pydantic import BaseModel

from tools.model_schema import model_facing
from tools.operation import Annotations, compact_schema, result_schema

__all__ = ["Composite"]


@dataclass(frozen=True)
class Composite:
    """One server-implemented tool: declared like an operation, answered by the server.

    `scope` is the intervyo key scope its reads need (shown in the README's tool table);
    `long_running` is as for `Operation`. `implementation` names the server function that answers it,
    as "module:function": it lives with the MCP side, which imports the catalog, not the other way round,
    so it is imported on first use.
    """

    name: str
    title: str
    description: str
    toolset: str
    scope: str | None
    arguments: type[BaseModel]
    result: type[BaseModel]
    annotations: Annotations
    implementation: str
    long_running: bool = False

    @property
    def read_only(self) -> bool:
        return self.annotations.read_only

    @cached_property
    def handler(self) -> Callable[[Any, Any], Awaitable[BaseModel]]:
        """The function `implementation` names: `(call, arguments) -> result model`."""
        module, _, name = self.implementation.partition(":")
        handler: Callable[[Any, Any], Awaitable[BaseModel]] = getattr(importlib.import_module(module), name)
        return handler

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        return compact_schema(self.arguments, "validation")

    @cached_property
    def output_schema(self) -> dict[str, Any]:
        return result_schema(self.result)

    @cached_property
    def tool(self) -> Tool:
        return self.annotations.tool(
            self.name, self.title, self.description, model_facing(self.input_schema), self.output_schema
        )
