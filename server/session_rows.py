"""Rows a model can use as they are: the candidate's name on each session, local times, compact views.

A session names its participant only by `candidate_id`; comparing candidates took a call per row. For a
list of sessions the names come from one page of the newest 100 participants, read at the same time as
the sessions themselves (`prefetch`), and only a participant not on it is read on its own (concurrently,
once per call). A name that cannot be read (the participant was deleted, the key cannot see it) is
simply left out.

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
ReadParticipants = Callable[[], Awaitable[dict[str, Any]]]


class Names:
    """Participants' names for one call, each read at most once."""

    def __init__(self, read: ReadParticipant, read_page: ReadParticipants) -> None:
        self._read = read
        self._read_page = read_page
        self._names: dict[str, str | None] = {}

    async def prefetch(self) -> None:
        """Learn the names on one page of participants; a failure only means more reads later."""
        try:
            page = await self._read_page()
        except ToolError:
            return
        for row in page.get("items", []):
            if isinstance(row.get("name"), str):
                self._names[str(row["id"])] = row["name"]

    async def add_to(self, sessions: Iterable[dict[str, Any]]) -> None:
        """Set `candidate_name` and the local times on each session row (in place)."""
        rows = list(sessions)
        unnamed = [row for row in rows if "candidate_name" not in row]
        wanted = {str(row["candidate_id"]) for row in unnamed if row.get("candidate_id")} - self._names.keys()
        limit = anyio.CapacityLimiter(_CONCURRENT_READS)
        async with anyio.create_task_group() as group:
            for participant_id in wanted:
                group.start_soon(self._fetch, participant_id, limit)
        for row in unnamed:
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
