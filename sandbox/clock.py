"""Time: the `Clock` seam (tests and demos may swap it) and the one timestamp format the API emits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "SystemClock", "iso", "parse_iso"]


class Clock(Protocol):
    """Where the sandbox reads the time (the demo seeder swaps in one it moves by hand)."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a `Z`, as the API writes timestamps."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    """Read back a timestamp written by `iso`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
