"""List filters that hold: what we ask intervyo to filter is checked on what comes back.

The list filters the API takes (`status`, `candidate_id`, `email`, ...) are documented by path only,
so an upstream that ignores one would hand a model other people's rows, and "cancel every interview for
Jane" would cancel someone else's. Every row of a filtered list is checked against the filters sent.
When a row does not match, intervyo did not filter: the server then pages through the list itself
(100 rows a page, at most `SCAN_CAP` rows), keeps the rows that match, pages them, and says so in
`note`.

Filters the API has no parameter for (`query` on participants: part of a name or an email; `stage`,
`scheduled_after` and `scheduled_before` on sessions) are answered the same way. A `query` that is a
whole email address is sent as the API's own `email` filter first (and checked like any other).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from server.untrusted import unfenced
from tools.paging import MAX_PAGE_SIZE

__all__ = ["SCAN_CAP", "Filters", "filtered_page"]

SCAN_CAP = 1000

_PAGING = frozenset({"page", "page_size"})

FetchPage = Callable[[BaseModel], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Filters:
    """The filters of one list call: those sent to intervyo, and those only the server can apply."""

    sent: dict[str, str]
    local: dict[str, Any]

    @classmethod
    def of(cls, arguments: BaseModel) -> Filters:
        sent: dict[str, str] = {}
        local: dict[str, Any] = {}
        wire = arguments.model_dump(mode="json", exclude_none=True)
        for name, field in type(arguments).model_fields.items():
            if name in _PAGING or name == "view":
                continue
            if field.exclude:  # never sent: the API has no such filter
                if getattr(arguments, name) is not None:
                    local[name] = getattr(arguments, name)
            elif name in wire:
                sent[name] = str(wire[name])
        return cls(sent, local)

    def matches(self, row: dict[str, Any]) -> bool:
        return not self.failed(row) and all(_LOCAL[name](row, value) for name, value in self.local.items())

    def failed(self, row: dict[str, Any]) -> list[str]:
        """The sent filters this row contradicts (a row without the field cannot be checked)."""
        return [
            name
            for name, value in self.sent.items()
            if name in row and row[name] is not None and not _same(name, row[name], value)
        ]


async def filtered_page(arguments: BaseModel, first: dict[str, Any], fetch: FetchPage) -> dict[str, Any]:
    """The page the caller asked for, with every row matching every filter.

    `first` is intervyo's answer to the call as made; `fetch(arguments)` reads another page.
    """
    filters = Filters.of(arguments)
    rows: list[dict[str, Any]] = first.get("items", [])
    ignored = sorted({name for row in rows for name in filters.failed(row)})
    if not filters.local and not ignored:
        return first
    matched, scanned, total = await _scan(arguments, filters, fetch)
    page, size = int(getattr(arguments, "page", 1)), int(getattr(arguments, "page_size", 20))
    start = (page - 1) * size
    result: dict[str, Any] = {
        "items": matched[start : start + size],
        "meta": {
            "page": page,
            "page_size": size,
            "total": len(matched),
            "total_pages": max(1, math.ceil(len(matched) / size)),
        },
        "note": _note(filters, ignored, scanned, total),
    }
    return result


async def _scan(
    arguments: BaseModel, filters: Filters, fetch: FetchPage
) -> tuple[list[dict[str, Any]], int, int]:
    """Rows matching `filters` from page 1 on, 100 at a time, until the end or `SCAN_CAP` rows."""
    matched: list[dict[str, Any]] = []
    scanned = 0
    total = 0
    number = 1
    while scanned < SCAN_CAP:
        answer = await fetch(arguments.model_copy(update={"page": number, "page_size": MAX_PAGE_SIZE}))
        rows: list[dict[str, Any]] = answer.get("items", [])
        meta: dict[str, Any] = answer.get("meta", {})
        total = int(meta.get("total", len(rows)))
        scanned += len(rows)
        matched += [row for row in rows if filters.matches(row)]
        if not rows or number >= int(meta.get("total_pages", number)):
            break
        number += 1
    return matched, scanned, total


def _note(filters: Filters, ignored: list[str], scanned: int, total: int) -> str:
    parts = []
    if ignored:
        parts.append(
            f"intervyo returned rows that do not match {', '.join(ignored)}: those rows were dropped and "
            "the filter applied here"
        )
    if filters.local:
        parts.append(f"{', '.join(filters.local)} applied here (intervyo cannot filter by it)")
    how = "; ".join(parts)
    if scanned < total:
        return (
            f"{how}, over the first {scanned} of {total} rows only: narrow the list with another filter "
            "(template, status) to see the rest."
        )
    return f"{how}, over all {scanned} rows."


def _same(name: str, actual: Any, wanted: str) -> bool:
    # Rows are shaped results: participant-written fields are fenced (server.untrusted); compare the text.
    if name == "email":
        return unfenced(str(actual)).casefold() == wanted.casefold()
    return unfenced(str(actual)) == wanted


def _query(row: dict[str, Any], query: str) -> bool:
    needle = query.casefold().strip()
    return any(needle in unfenced(str(row.get(field) or "")).casefold() for field in ("name", "email"))


def _stage(row: dict[str, Any], stage: str) -> bool:
    return str(row.get("stage", "")).casefold() == stage.casefold()


def _after(row: dict[str, Any], when: datetime) -> bool:
    at = _time(row.get("scheduled_at"))
    return at is not None and at >= _aware(when)


def _before(row: dict[str, Any], when: datetime) -> bool:
    at = _time(row.get("scheduled_at"))
    return at is not None and at < _aware(when)


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _aware(datetime.fromisoformat(value))
    except ValueError:
        return None


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


_LOCAL: dict[str, Callable[[dict[str, Any], Any], bool]] = {
    "query": _query,
    "stage": _stage,
    "scheduled_after": _after,
    "scheduled_before": _before,
}
