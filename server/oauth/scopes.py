"""The scopes a token can carry, and what they mean for which tools a request sees.

    intervyo:read             call tools that change nothing (every token has it)
    intervyo:write            also call tools that change things; without it the token is read-only
    intervyo:toolset:<name>   the API areas the token may use; none listed means every area served

A token's scopes narrow the server's own `--toolsets`/`--read-only`, never widen them: the auth layer
applies them as the `X-Intervyo-Toolsets` / `X-Intervyo-Read-Only` narrowing (`server.visibility`).
"""

from __future__ import annotations

from collections.abc import Iterable

import tools

__all__ = [
    "READ",
    "SUPPORTED",
    "SUPPORTED_SET",
    "TOOLSET_PREFIX",
    "WRITE",
    "granted",
    "is_read_only",
    "toolsets_of",
]

READ = "intervyo:read"
WRITE = "intervyo:write"
TOOLSET_PREFIX = "intervyo:toolset:"

SUPPORTED: tuple[str, ...] = (READ, WRITE, *(TOOLSET_PREFIX + name for name in tools.TOOLSETS))
SUPPORTED_SET = frozenset(SUPPORTED)


def granted(*, read_only: bool, toolsets: Iterable[str]) -> list[str]:
    """The scopes for what a person allowed on the consent page."""
    return [READ, *([] if read_only else [WRITE]), *(TOOLSET_PREFIX + name for name in toolsets)]


def is_read_only(scopes: Iterable[str]) -> bool:
    return WRITE not in scopes


def toolsets_of(scopes: Iterable[str]) -> frozenset[str] | None:
    """The toolsets the scopes name; None when they name none (no narrowing by area)."""
    named = frozenset(s.removeprefix(TOOLSET_PREFIX) for s in scopes if s.startswith(TOOLSET_PREFIX))
    return named or None
