"""Fixtures for resources, live updates, prompts and completions (helpers in `live_support`)."""

from __future__ import annotations

from live_support import (  # noqa: F401  (fixtures)
    polling_server,
    slow_sandbox,
    slow_sessions,
    updates,
)
