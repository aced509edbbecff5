"""The catalog: every intervyo API operation, declared once, grouped into toolsets by API area.

`CATALOG` is in a fixed, deterministic order (the spec asks for a stable `tools/list`). Everything that
lists tools -- the MCP server, the README table, manifest.json, the sandbox's OpenAPI -- reads it here.
"""

from __future__ import annotations

from collections.abc import Iterable

from tools import (
    agent_profiles,
    code_execution,
    comparisons,
    evaluation_stages,
    evaluation_templates,
    participants,
    scorecards,
    sessions,
)
from tools.composite import Composite
from tools.operation import Annotations, Operation

__all__ = [
    "CATALOG",
    "COMPOSITES",
    "DEFAULT_TOOLSETS",
    "TOOLS",
    "TOOLSETS",
    "Annotations",
    "Composite",
    "Operation",
    "by_name",
    "select",
    "select_tools",
    "tool_by_name",
]

CATALOG: tuple[Operation, ...] = (
    *agent_profiles.OPERATIONS,
    *evaluation_templates.OPERATIONS,
    *evaluation_stages.OPERATIONS,
    *participants.OPERATIONS,
    *sessions.OPERATIONS,
    *code_execution.OPERATIONS,
)

COMPOSITES: tuple[Composite, ...] = (*scorecards.COMPOSITES, *comparisons.COMPOSITES)

TOOLS: tuple[Operation | Composite, ...] = (*CATALOG, *COMPOSITES)

TOOLSETS: tuple[str, ...] = tuple(dict.fromkeys(tool.toolset for tool in TOOLS))

# Running candidates' code is opt-in; everything else is on by default.
DEFAULT_TOOLSETS: tuple[str, ...] = tuple(t for t in TOOLSETS if t != "code_execution")

_BY_NAME = {op.name: op for op in CATALOG}
_TOOLS_BY_NAME: dict[str, Operation | Composite] = {tool.name: tool for tool in TOOLS}


def by_name(name: str) -> Operation | None:
    return _BY_NAME.get(name)


def select(toolsets: Iterable[str], *, read_only: bool) -> tuple[Operation, ...]:
    """The operations in `toolsets`, only the read-only ones when `read_only`, in catalog order."""
    wanted = frozenset(toolsets)
    return tuple(op for op in CATALOG if op.toolset in wanted and (op.read_only or not read_only))


def tool_by_name(name: str) -> Operation | Composite | None:
    """Any tool of the catalog, operation or composite."""
    return _TOOLS_BY_NAME.get(name)


def select_tools(toolsets: Iterable[str], *, read_only: bool) -> tuple[Operation | Composite, ...]:
    """Like `select`, over every tool (operations and composites), in `tools/list` order."""
    wanted = frozenset(toolsets)
    return tuple(tool for tool in TOOLS if tool.toolset in wanted and (tool.read_only or not read_only))
