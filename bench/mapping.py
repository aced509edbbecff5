"""Which peer tool stands for which of our tools, and how our arguments translate to its arguments.

FastMCP names each tool after the OpenAPI `operationId` (slugged, at most 56 characters) and names its
arguments after the OpenAPI parameters and body properties, i.e. the API's wire names (`pageSize`, not
`page_size`). So the match goes through the OpenAPI document: our operation's method and path give the
operationId, the peer's `tools/list` confirms the tool exists, and each argument is sent under the
name the peer's input schema knows. Whatever does not match is recorded as a gap, never dropped
silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import tools
from tools import Operation

__all__ = ["PeerMap", "PeerTool"]

_SLUG = re.compile(r"[^a-zA-Z0-9_-]+")


@dataclass(frozen=True)
class PeerTool:
    """The peer's stand-in for one of our tools, with our argument names mapped to the peer's."""

    name: str
    arguments: dict[str, str]  # our name -> the peer's name

    def translate(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Our arguments under the peer's names; `body.x` names go inside the peer's `body` argument."""
        flat: dict[str, Any] = {}
        for name, value in arguments.items():
            target = self.arguments.get(name, name)
            if target.startswith("body."):
                flat.setdefault("body", {})[target.removeprefix("body.")] = value
            else:
                flat[target] = value
        return flat


@dataclass
class PeerMap:
    """The whole correspondence, and every gap found while building it."""

    tools: dict[str, PeerTool] = field(default_factory=dict[str, PeerTool])
    gaps: list[str] = field(default_factory=list[str])
    notes: list[str] = field(default_factory=list[str])

    @classmethod
    def build(
        cls, spec: dict[str, Any], peer_tools: list[dict[str, Any]], toolsets: tuple[str, ...]
    ) -> PeerMap:
        """Match every tool of ours in `toolsets` (the view both servers run with)."""
        found = cls()
        by_name = {tool["name"]: tool for tool in peer_tools}
        for op in tools.select(toolsets, read_only=False):
            operation = spec.get("paths", {}).get(op.path, {}).get(op.method.lower())
            if operation is None:
                found.gaps.append(f"{op.name}: the OpenAPI document has no {op.method} {op.path}")
                continue
            operation_id = str(operation.get("operationId", ""))
            if operation_id != op.name and tools.by_name(operation_id) is not None:
                found.gaps.append(
                    f"{op.name}: shares {op.method} {op.path} with {operation_id} (told apart by a query "
                    "parameter); OpenAPI has one operation per method and path, so the peer has no tool "
                    f"of its own, only {operation_id} with an extra `action` argument and a `body` union "
                    "of both requests"
                )
                continue
            name = _SLUG.sub("_", operation_id)[:56]
            tool = by_name.get(name)
            if tool is None:
                found.gaps.append(f"{op.name}: no peer tool for operationId {operation_id!r}")
                continue
            if name != op.name:
                found.notes.append(f"{op.name} is the peer's {name}")
            found.tools[op.name] = PeerTool(name, _argument_names(op, tool, found.gaps))
        for composite in tools.select_tools(toolsets, read_only=False):
            if not isinstance(composite, tools.Composite):
                continue
            found.gaps.append(
                f"{composite.name}: ours composes it from API calls on the server; the API has no such "
                "operation, so the peer has no equivalent"
            )
        return found


def _argument_names(op: Operation, tool: dict[str, Any], gaps: list[str]) -> dict[str, str]:
    known = set(tool.get("inputSchema", {}).get("properties", {}))
    names: dict[str, str] = {}
    nested: list[str] = []
    for ours, info in op.arguments.model_fields.items():
        wire = info.serialization_alias or info.alias or ours
        for candidate in (ours, wire):
            if candidate in known:
                names[ours] = candidate
                break
        else:
            if "body" in known:
                names[ours] = f"body.{wire}"
                nested.append(ours)
            else:
                gaps.append(f"{op.name}: the peer's {tool['name']} has no argument {ours!r}")
    if nested:
        gaps.append(
            f"{op.name}: the peer takes {len(nested)} of its arguments nested in one `body` object "
            "(the OpenAPI request body is a union), not as arguments of their own"
        )
    return names
