"""Idempotency keys for writes the model might repeat: derived when the model gives none.

A retried or accidentally repeated `schedule_session` must not schedule twice, yet a deliberate
re-schedule later must still work. So the derived key is a hash of the caller's API key, the tool, its
canonical arguments and a 10-minute time window: the same call inside the window replays the original
session; the same call in a later window schedules a new one. Inside the window, a replay of a session
that is already over (cancelled, failed, completed) shows the repeat was deliberate: the caller then
derives a second key chained on that session (`is_finished_replay`). The API key is only an input to
the hash, so the derived value reveals nothing about it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tools.sessions import TERMINAL_STATUSES

__all__ = ["FIELD", "WINDOW_S", "derive", "is_finished_replay"]

FIELD = "idempotency_key"
WINDOW_S = 600


def derive(
    api_key: str, tool: str, arguments: dict[str, Any], *, now: float, window_s: int = WINDOW_S
) -> str:
    """A stable key for (key, tool, arguments) within the time window that contains `now` (epoch seconds)."""
    canonical = json.dumps(
        {k: v for k, v in arguments.items() if k != FIELD and v is not None},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    window = int(now // window_s)
    digest = hashlib.sha256("\x1f".join((api_key, tool, canonical, str(window))).encode()).hexdigest()
    return f"mcp-{digest[:48]}"


def is_finished_replay(result: dict[str, Any]) -> bool:
    """True when a result is a replayed session that is already over, so it cannot be what was meant."""
    return result.get("idempotent") is True and result.get("status") in TERMINAL_STATUSES and "id" in result
