"""Rows a model can use as they are: the candidate's name on each session, local times, compact views.

A session names its participant only by `candidate_id`; comparing candidates took a call per row. The
names are read once per distinct participant of a result (concurrently, cached for the call), and a
name that cannot be read (the participant was deleted, the key cannot see it) is simply left out.

`summary`, the default view of the list tools, keeps the fields a model chooses by; `view: "full"` has
every field. A 100-row summary page of sessions costs a tenth of the full one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import anyio

from server.errors import ToolError
from server.local_times import echo_local

__all__ = ["SUMMARY_FIELDS", "Names", "summarise"]

SUMMARY_FIELDS: dict[str, tuple[str, ...]] = {
    "list_sessions": (
        "id",
        "status",
        "candidate_id",
        "candidate_name",
        "stage",
        "scheduled_at",
        "scheduled_at_local",
        "score",
        "passed",
        "recommendation",
    ),
    "list_participants": ("id", "name", "email", "evaluation_template_id", "status"),
}

_CONCURRENT_READS = 8

ReadParticipant = Callable[[str], Awaitable[dict[str, Any]]]


class Names:
    """Participants' names for one call, each read at most once."""

    def __init__(self, read: ReadParticipant) -> None:
        self._read = read
        self._names: dict[str, str | None] = {}

    async def add_to(self, sessions: Iterable[dict[str, Any]]) -> None:
        """Set `candidate_name` and the local times on each session row (in place)."""
        rows = list(sessions)
        wanted = {str(row["candidate_id"]) for row in rows if row.get("candidate_id")} - self._names.keys()
        limit = anyio.CapacityLimiter(_CONCURRENT_READS)
        async with anyio.create_task_group() as group:
            for participant_id in wanted:
                group.start_soon(self._fetch, participant_id, limit)
        for row in rows:
            name = self._names.get(str(row.get("candidate_id")))
            if name is not None:
                row["candidate_name"] = name
            echo_local(row)

    async def _fetch(self, participant_id: str, limit: anyio.CapacityLimiter) -> None:
        async with limit:
            try:
                participant = await self._read(participant_id)
            except ToolError:
                self._names[participant_id] = None
                return
        name = participant.get("name")
        self._names[participant_id] = name if isinstance(name, str) else None


def summarise(tool: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` cut to the tool's summary fields (unchanged for a tool without a summary)."""
    fields = SUMMARY_FIELDS.get(tool)
    if fields is None:
        return rows
    return [{name: row[name] for name in fields if name in row} for row in rows]
