"""What a request handler works with: the app-wide `Runtime` and the per-request `Context`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from sandbox.clock import Clock
from sandbox.config import SandboxConfig
from sandbox.links import Links
from sandbox.store import Store

__all__ = ["Context", "Reply", "Runtime"]


@dataclass
class Runtime:
    """One sandbox instance's shared services.

    `origin` is where the sandbox is reachable (`http://127.0.0.1:8765`), for links in documents the
    background worker renders (webhooks); every request refreshes it unless the config pins one.
    `new_id` mints resource ids (seeding swaps in a deterministic one). `wake_worker` tells the background
    worker that a deadline may have come nearer (the running worker installs it).
    """

    config: SandboxConfig
    store: Store
    clock: Clock
    links: Links
    origin: str = "http://127.0.0.1"
    new_id: Callable[[], str] = field(default=lambda: str(uuid4()))
    wake_worker: Callable[[], None] = field(default=lambda: None)

    def context(self, workspace_id: str, origin: str) -> Context:
        """The view of one request from `workspace_id`, made at `origin`."""
        return Context(runtime=self, workspace_id=workspace_id, origin=origin)


@dataclass(frozen=True)
class Context:
    """One request's view: the runtime, the caller's workspace and the origin it called."""

    runtime: Runtime
    workspace_id: str
    origin: str

    @property
    def store(self) -> Store:
        return self.runtime.store

    @property
    def config(self) -> SandboxConfig:
        return self.runtime.config


@dataclass(frozen=True)
class Reply:
    """A handler's answer: status and JSON body (None for 204)."""

    status: int
    body: dict[str, Any] | None = field(default=None)
