"""Session times as people say them: local wall-clock times in, UTC and local time out.

A model asked for "Tuesday 10:00 Berlin time" passes `scheduled_at="2026-12-08T10:00:00"` beside
`timezone="Europe/Berlin"`. intervyo reads a time without an offset as UTC, which would put the interview
an hour late. So a `scheduled_at` without an offset is read here in the call's `timezone` (for a
reschedule: the argument, else the session's own invite timezone) and sent as UTC; with no timezone to
read it in, it is refused with an example rather than guessed.

Every session time in a result is echoed twice: the UTC value in its own field and the invite's local
time in `<field>_local` (ISO 8601 with the zone's offset), so nobody converts by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.errors import InvalidArguments, Issue

__all__ = ["TIME_FIELDS", "as_utc", "echo_local", "zone"]

TIME_FIELDS = ("scheduled_at", "started_at", "completed_at", "scored_at", "created_at", "updated_at")


def zone(tool: str, name: str | None) -> ZoneInfo | None:
    """The IANA zone called `name`, or `InvalidArguments` naming the `timezone` field."""
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidArguments.naming(
            tool, [Issue(("timezone",), f"{name!r} is not an IANA timezone; e.g. Europe/Berlin.")]
        ) from None


def as_utc(tool: str, when: datetime, timezone: str | None) -> datetime:
    """`when` in UTC: as given when it has an offset, else read as wall-clock time in `timezone`."""
    if when.tzinfo is not None:
        return when.astimezone(UTC)
    local = zone(tool, timezone)
    if local is None:
        example = when.replace(tzinfo=None).isoformat(timespec="minutes")
        raise InvalidArguments.naming(
            tool,
            [
                Issue(
                    ("scheduled_at",),
                    f"{example} has no UTC offset and no timezone says where it is. Send "
                    f'scheduled_at="{example}" with timezone="Europe/Berlin" (the invite\'s zone), or '
                    f'an offset: "{example}+01:00" / "{example}Z".',
                )
            ],
        )
    return when.replace(tzinfo=local).astimezone(UTC)


def echo_local(row: dict[str, Any], fields: Iterable[str] = TIME_FIELDS) -> dict[str, Any]:
    """Add `<field>_local` beside each time in `row`, in the row's own `timezone` (in place)."""
    local = _zone_or_utc(row.get("timezone"))
    for name in fields:
        value = row.get(name)
        if isinstance(value, str):
            parsed = _parse(value)
            if parsed is not None:
                row[f"{name}_local"] = parsed.astimezone(local).isoformat()
    return row


def _zone_or_utc(name: object) -> ZoneInfo:
    if isinstance(name, str):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return ZoneInfo("UTC")


def _parse(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
