"""Which tools a request may see and call.

The server's settings choose the toolsets (API areas) and read-only mode; read-only always wins. Over
HTTP a client may narrow its own view further per request with `X-Intervyo-Toolsets: a,b` and
`X-Intervyo-Read-Only: true`, never widen it. A tool that is hidden from a request cannot be called
by it either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import tools
from server.settings import Settings
from tools import Composite, Operation

__all__ = ["READ_ONLY_HEADER", "TOOLSETS_HEADER", "Visibility"]

TOOLSETS_HEADER = "x-intervyo-toolsets"
READ_ONLY_HEADER = "x-intervyo-read-only"

_FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class Visibility:
    """A set of toolsets and a read-only flag, resolved to operations in catalog order."""

    toolsets: frozenset[str]
    read_only: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> Visibility:
        return cls(frozenset(settings.toolsets), settings.read_only)

    def narrowed(self, headers: Mapping[str, str] | None) -> Visibility:
        """This view, narrowed by the request's headers (absent headers change nothing)."""
        if headers is None:
            return self
        asked = headers.get(TOOLSETS_HEADER)
        flag = headers.get(READ_ONLY_HEADER)
        if asked is None and flag is None:
            return self
        toolsets = self.toolsets
        if asked is not None:
            toolsets = toolsets & {part.strip() for part in asked.split(",")}
        read_only = self.read_only
        if flag is not None:
            # Anything but an explicit "no" narrows: an unreadable value must not widen the view.
            read_only = read_only or flag.strip().lower() not in _FALSE
        return Visibility(toolsets, read_only)

    def restricted(self, toolsets: frozenset[str] | None, *, read_only: bool) -> Visibility:
        """This view, narrowed to `toolsets` (None: all of them) and made read-only if asked."""
        narrowed = self.toolsets if toolsets is None else self.toolsets & toolsets
        return Visibility(narrowed, self.read_only or read_only)

    @property
    def tools(self) -> tuple[Operation | Composite, ...]:
        """The tools of this view, in `tools/list` order."""
        return tools.select_tools(self.toolsets, read_only=self.read_only)

    def find(self, name: str) -> Operation | Composite | None:
        """The named tool if this view shows it, else None (unknown and hidden look the same)."""
        tool = tools.tool_by_name(name)
        if tool is None or tool.toolset not in self.toolsets or (self.read_only and not tool.read_only):
            return None
        return tool
