"""`--sandbox`: the emulated intervyo API, started in this process on a free loopback port.

The upstream is pointed at it and the sandbox's demo key works at once, so a fresh checkout can be
tried from any MCP client with nothing else running and no network. Sessions in this sandbox run
themselves (join at their scheduled time, finish, get scored) on a 60x clock, so a demo scheduled for
now reaches a scorecard in seconds. `guide` says where it is and how to drive it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["LocalSandbox", "guide", "running"]


@dataclass(frozen=True)
class LocalSandbox:
    """A running sandbox: where its API lives and the key that works against it."""

    base_url: str
    demo_key: str


def guide(sandbox: LocalSandbox) -> str:
    """Where the sandbox is and how to drive it, for the person who started it."""
    origin = sandbox.base_url.removesuffix("/api/v1")
    return "\n".join(
        [
            f"Sandbox API: {sandbox.base_url} (header x-api-key: {sandbox.demo_key}; "
            f"OpenAPI at {sandbox.base_url}/openapi.json)",
            "Sessions join at their scheduled_at (or 10 s after scheduling, at the earliest), finish and",
            "get scored by themselves on a 60x clock. Control routes, same key:",
            f"  POST {origin}/_sandbox/sessions/{{id}}/advance   "
            '{"to": "in_progress"|"completed"|"failed"|"scored"}  move a session on now',
            f"  POST {origin}/_sandbox/faults   "
            '{"route": "/sessions*", "status": 503, "count": 2}  or {"ignore_query": ["candidate_id"]}',
            f"  GET  {origin}/_sandbox/faults   DELETE {origin}/_sandbox/faults   this key's faults",
            f"  GET  {origin}/_sandbox/workspace   plan and credits",
        ]
    )


@contextlib.contextmanager
def running() -> Iterator[LocalSandbox]:
    """Start the sandbox in a background thread; stop it on exit."""
    # Imported here: the sandbox is only needed by --sandbox, tests and `intervyo-mcp sandbox`.
    from sandbox.config import SandboxConfig
    from sandbox.seed import DEMO_KEY
    from sandbox.serve import serve_in_thread

    with serve_in_thread(SandboxConfig(auto_run=True, time_scale=60.0)) as instance:
        yield LocalSandbox(base_url=instance.base_url, demo_key=DEMO_KEY)
