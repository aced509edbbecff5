"""How a sandbox instance is set up: storage, time, limits, webhooks and extra API keys.

Built explicitly by whoever starts the sandbox (the CLI, `serve_in_thread`, a test); no module of the
sandbox reads the environment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from sandbox.scopes import ALL_SCOPES

__all__ = ["DEFAULT_CODE_TIMEOUT", "ApiKeySpec", "SandboxConfig"]

# The contract's wall-clock limit for one code execution request.
DEFAULT_CODE_TIMEOUT = 15.0


@dataclass(frozen=True)
class ApiKeySpec:
    """An extra API key to mint at start-up: the key, its scopes and the workspace it belongs to.

    `workspace` is one of the seeded workspaces (see `sandbox.seed`): "demo" (default), "other",
    "unpaid" (no paid plan) or "trial" (two credits).
    """

    key: str
    scopes: frozenset[str] = ALL_SCOPES
    workspace: str = "demo"

    @classmethod
    def parse(cls, text: str) -> ApiKeySpec:
        """Parse the CLI form `KEY=scope,scope` (or `KEY=scope,scope@workspace`); raise ValueError."""
        key, sep, rest = text.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"expected KEY=scope,scope, got {text!r}")
        scope_text, _, workspace = rest.partition("@")
        scopes = frozenset(s.strip() for s in scope_text.split(",") if s.strip())
        unknown = sorted(scopes - ALL_SCOPES)
        if unknown:
            raise ValueError(f"unknown scope {unknown[0]!r}; scopes are {', '.join(sorted(ALL_SCOPES))}")
        return cls(key=key.strip(), scopes=scopes, workspace=workspace.strip() or "demo")


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that varies between sandbox instances.

    - `db_path`: the SQLite file (created and seeded if new, reused across restarts); None uses a
      fresh temporary database, deleted when the app stops.
    - `time_scale`: divides every lifecycle delay (scoring, auto-run, webhook retry backoff): 60 makes
      the 2-minute scoring delay take 2 seconds.
    - `rate_limit_per_minute`: per key; None (default) never throttles. `X-RateLimit-*` headers are
      sent either way.
    - `webhook_url`, `webhook_secret`: deliver `session.*` and `participant.created` events there,
      signed with the secret (both or neither).
    - `seed_demo`: write the demo rows into a new database (keys and workspaces are always seeded).
    - `extra_keys`: more API keys with any scopes, in any seeded workspace.
    - `auto_run`: each new session joins 10 s after scheduling, ends 2 minutes later and is scored
      30 s - 2 min after that, all divided by `time_scale` (demo mode).
    - `code_timeout`: the code execution wall-clock limit (the contract's 15 s; tests shorten it).
    - `public_origin`: the origin put in links (transcripts, join pages) instead of the one each
      request came in on, e.g. behind a proxy.
    - `tick_interval`: the longest the background worker sleeps, in real seconds. It wakes sooner when
      work falls due and after every request that may have written; this only bounds how late it notices
      a deadline written some other way.
    """

    db_path: Path | None = None
    time_scale: float = 1.0
    rate_limit_per_minute: int | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    seed_demo: bool = True
    extra_keys: tuple[ApiKeySpec, ...] = ()
    auto_run: bool = False
    code_timeout: float = DEFAULT_CODE_TIMEOUT
    public_origin: str | None = None
    tick_interval: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.time_scale) and self.time_scale > 0):
            raise ValueError("time_scale must be a positive number")
        if self.rate_limit_per_minute is not None and self.rate_limit_per_minute < 1:
            raise ValueError("rate_limit_per_minute must be at least 1")
        if not (math.isfinite(self.code_timeout) and self.code_timeout > 0):
            raise ValueError("code_timeout must be positive")
        if not (math.isfinite(self.tick_interval) and self.tick_interval > 0):
            raise ValueError("tick_interval must be positive")
        if (self.webhook_url is None) != (self.webhook_secret is None):
            raise ValueError("webhook_url and webhook_secret go together")

    def scaled(self, seconds: float) -> float:
        """A lifecycle delay in real seconds under this instance's time scale."""
        return seconds / self.time_scale
