"""`--sandbox`: the emulated intervyo API, started in this process on a free loopback port.

The upstream is pointed at it and the sandbox's demo key works at once, so a fresh checkout can be
tried from any MCP client with nothing else running and no network. Sessions in this sandbox run
themselves (join, finish, get scored) on a 60x clock, so a demo reaches a scorecard in seconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["LocalSandbox", "running"]


@dataclass(frozen=True)
class LocalSandbox:
    """A running sandbox: where its API lives and the key that works against it."""

    base_url: str
    demo_key: str


@contextlib.contextmanager
def running() -> Iterator[LocalSandbox]:
    """Start the sandbox in a background thread; stop it on exit."""
    # Imported here: the sandbox is only needed by --sandbox, tests and `intervyo-mcp sandbox`.
    from sandbox.config import SandboxConfig
    from sandbox.seed import DEMO_KEY
    from sandbox.serve import serve_in_thread

    with serve_in_thread(SandboxConfig(auto_run=True, time_scale=60.0)) as instance:
        yield LocalSandbox(base_url=instance.base_url, demo_key=DEMO_KEY)
