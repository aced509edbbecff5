"""`completion/complete`: ids from the caller's own workspace, matched by name or by id prefix.

    session_id         the caller's sessions, newest first; by id prefix or the participant's name/email
    template_id        evaluation templates by name or id prefix
    stage              stage labels (types) of the chosen template (`template_id` already filled in)
    participant_id     participants by name, email or id prefix
    agent_profile_id   agent profiles by name or id prefix

Works for prompt arguments and for the resource templates' variables. Every list is read with the
caller's key (so only their workspace's rows can come back), one page of at most 100 rows per source,
and at most 100 values are returned (the spec's cap), `has_more` saying when there were more.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mcp.server import ServerRequestContext
from mcp.types import CompleteRequestParams, CompleteResult, Completion

from server.caller import Callers
from server.documents.uris import parse_id
from server.errors import ToolError
from server.upstream.reads import Reads

__all__ = ["MAX_VALUES", "Completions"]

MAX_VALUES = 100

_ALIASES = {"candidate_id": "participant_id", "evaluation_template_id": "template_id"}


class Completions:
    """The completion handler: suggestions read live under the caller's key, never cached."""

    def __init__(self, callers: Callers, reads: Reads) -> None:
        self._reads = reads
        self._callers = callers

    async def complete(self, ctx: ServerRequestContext[Any], params: CompleteRequestParams) -> CompleteResult:
        # Prompt arguments and the resource templates' variables share these names.
        name = _ALIASES.get(params.argument.name, params.argument.name)
        typed = params.argument.value.strip()
        context = dict(params.context.arguments or {}) if params.context is not None else {}
        source = {
            "session_id": self._sessions,
            "template_id": self._templates,
            "stage": self._stages,
            "participant_id": self._participants,
            "agent_profile_id": self._profiles,
        }.get(name)
        if source is None:
            return _completion([])
        key = self._callers.key(ctx)
        try:
            values = await source(key, typed, context)
        except ToolError:
            values = []
        return _completion(values)

    async def _sessions(self, key: str, typed: str, context: dict[str, str]) -> list[str]:
        sessions = await self._reads.items("list_sessions", key, page_size=MAX_VALUES)
        people: set[str] = set()
        if typed and not _looks_like_id(typed):
            participants = await self._reads.items("list_participants", key, page_size=MAX_VALUES)
            people = {str(p["id"]) for p in participants if _matches(typed, p, "name", "email")}
        return [
            str(s["id"])
            for s in sessions
            if str(s["id"]).startswith(typed.lower()) or str(s.get("candidate_id")) in people
        ]

    async def _templates(self, key: str, typed: str, context: dict[str, str]) -> list[str]:
        rows = await self._reads.items("list_evaluation_templates", key, page_size=MAX_VALUES)
        return [str(r["id"]) for r in rows if _matches(typed, r, "template_name")]

    async def _stages(self, key: str, typed: str, context: dict[str, str]) -> list[str]:
        template_id = parse_id(context.get("template_id") or context.get("evaluation_template_id") or "")
        filters: dict[str, object] = {"evaluation_template_id": template_id} if template_id else {}
        rows = await self._reads.items("list_evaluation_stages", key, page_size=MAX_VALUES, **filters)
        labels = (
            str(r.get("type")) for r in rows if r.get("type") and _matches(typed, r, "type", "stage_name")
        )
        return list(dict.fromkeys(labels))

    async def _participants(self, key: str, typed: str, context: dict[str, str]) -> list[str]:
        rows = await self._reads.items("list_participants", key, page_size=MAX_VALUES)
        return [str(r["id"]) for r in rows if _matches(typed, r, "name", "email")]

    async def _profiles(self, key: str, typed: str, context: dict[str, str]) -> list[str]:
        rows = await self._reads.items("list_agent_profiles", key, page_size=MAX_VALUES)
        return [str(r["id"]) for r in rows if _matches(typed, r, "name")]


def _matches(typed: str, row: dict[str, Any], *fields: str) -> bool:
    """Empty input matches everything; otherwise an id prefix or a case-insensitive substring of a field."""
    if not typed:
        return True
    needle = typed.lower()
    if str(row.get("id", "")).startswith(needle):
        return True
    return any(needle in str(row.get(name) or "").lower() for name in fields)


def _looks_like_id(typed: str) -> bool:
    return all(ch in "0123456789abcdef-" for ch in typed.lower())


def _completion(values: Iterable[str]) -> CompleteResult:
    found = list(values)
    return CompleteResult(
        completion=Completion(values=found[:MAX_VALUES], total=len(found), has_more=len(found) > MAX_VALUES)
    )
