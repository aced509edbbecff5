"""Rows a model can use as they are: the candidate's name on each session, local times, compact views.

A session names its participant only by `candidate_id`; comparing candidates took a call per row. For a
list of sessions the names come from one page of the newest 100 participants, read at the same time as
the sessions themselves (`prefetch`), and only a participant not on it is read on its own (concurrently,
once per call). A name that cannot be read (the participant was deleted, the key cannot see it) is
simply left out.

Names learned are kept for a minute per key (`RecentNames`: keyed by the key's hash, bounded in keys and
names), so a model paging or re-listing sessions does not pay the participants page again each time; a
renamed participant shows the new name within that minute.

`summary`, the default view of the list tools, keeps the fields a model chooses by; `view: "full"` has
every field. A 100-row summary page of sessions costs a tenth of the full one.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import anyio

from server.errors import ToolError
from server.local_times import TIME_FIELDS, echo_local

__all__ = ["SUMMARY_FIELDS", "Names", "RecentNames", "summarise"]

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


class RecentNames:
    """Participants' names each key has read lately, for `ttl_s`; at most `max_keys` keys of
    `max_names` names each, the least recently used key forgotten first."""

    def __init__(
        self,
        ttl_s: float = 60.0,
        max_keys: int = 1024,
        max_names: int = 2000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max_keys = max_keys
        self._max_names = max_names
        self._clock = clock
        self._by_key: OrderedDict[str, tuple[float, dict[str, str | None]]] = OrderedDict()

    def of(self, key: str) -> dict[str, str | None] | None:
        """The names `key` learned within the last `ttl_s`, or None."""
        label = _label(key)
        held = self._by_key.get(label)
        if held is None or self._clock() - held[0] > self._ttl_s:
            self._by_key.pop(label, None)
            return None
        self._by_key.move_to_end(label)
        return held[1]

    def keep(self, key: str, names: dict[str, str | None]) -> None:
        """Remember `names` for `key` (a fresh minute starts when the participants page was read)."""
        label = _label(key)
        kept = dict(list(names.items())[: self._max_names])
        self._by_key[label] = (self._clock(), kept)
        self._by_key.move_to_end(label)
        while len(self._by_key) > self._max_keys:
            self._by_key.popitem(last=False)

    def add(self, key: str, names: dict[str, str | None]) -> None:
        """Add names read one by one to what `key` holds, without starting a fresh minute."""
        held = self._by_key.get(_label(key))
        if held is not None:
            room = self._max_names - len(held[1])
            held[1].update(list(names.items())[: max(0, room)])


def _label(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Names:
    """Participants' names for one call, each read at most once (and a page of them at most once a
    minute per key, with `recent`)."""

    def __init__(
        self,
        read: ReadParticipant,
        read_page: ReadParticipants,
        recent: RecentNames | None = None,
        key: str = "",
    ) -> None:
        self._read = read
        self._read_page = read_page
        self._recent = recent
        self._key = key
        known = recent.of(key) if recent is not None else None
        self._fresh = known is not None
        self._names: dict[str, str | None] = dict(known or {})

    @property
    def fresh(self) -> bool:
        """Whether this key's names were read within the minute (`prefetch` would read nothing)."""
        return self._fresh

    async def prefetch(self) -> None:
        """Learn the names on one page of participants; a failure only means more reads later."""
        if self._fresh:
            return
        try:
            page = await self._read_page()
        except ToolError:
            return
        for row in page.get("items", []):
            if isinstance(row.get("name"), str):
                self._names[str(row["id"])] = row["name"]
        if self._recent is not None:
            self._recent.keep(self._key, self._names)

    async def add_to(self, sessions: Iterable[dict[str, Any]], times: Iterable[str] = TIME_FIELDS) -> None:
        """Set `candidate_name` and the local `times` on each session row (in place)."""
        rows = list(sessions)
        unnamed = [row for row in rows if "candidate_name" not in row]
        wanted = {str(row["candidate_id"]) for row in unnamed if row.get("candidate_id")} - self._names.keys()
        limit = anyio.CapacityLimiter(_CONCURRENT_READS)
        async with anyio.create_task_group() as group:
            for participant_id in wanted:
                group.start_soon(self._fetch, participant_id, limit)
        if wanted and self._recent is not None:
            self._recent.add(
                self._key, {participant_id: self._names.get(participant_id) for participant_id in wanted}
            )
        for row in unnamed:
            name = self._names.get(str(row.get("candidate_id")))
            if name is not None:
                row["candidate_name"] = name
            echo_local(row, times)

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
