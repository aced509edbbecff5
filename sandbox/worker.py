"""The background worker, run for the app's lifetime: moves due sessions along, delivers webhooks.

Every `tick_interval` seconds it takes each session whose lifecycle deadline has passed (a scorecard
that is due, or under auto-run a join or an end) one step further, then attempts due webhook
deliveries (in a second loop). A failing tick is logged and the next one runs: the worker must
never take the app down.
"""

from __future__ import annotations

import logging
import time

import anyio
import anyio.to_thread
import httpx2

from sandbox.lifecycle import run_due_step
from sandbox.runtime import Runtime
from sandbox.webhooks import deliver_due

__all__ = ["run_worker", "step_due_sessions"]

_BATCH = 50

_log = logging.getLogger(__name__)


def step_due_sessions(runtime: Runtime) -> int:
    """Take the due step of every session whose deadline has passed; return how many moved."""
    store = runtime.store
    moved = 0
    for workspace_id, stale in store.due("session", time.time(), _BATCH):
        with store.atomic():
            doc = store.get("session", workspace_id, stale["id"])
            if doc is not None and run_due_step(runtime, workspace_id, doc):
                moved += 1
    return moved


async def run_worker(runtime: Runtime) -> None:
    """Run both loops until cancelled; deliveries have their own, so a slow receiver delays no session."""
    async with anyio.create_task_group() as group:
        group.start_soon(_lifecycle_loop, runtime)
        group.start_soon(_delivery_loop, runtime)


async def _lifecycle_loop(runtime: Runtime) -> None:
    while True:
        try:
            await anyio.to_thread.run_sync(step_due_sessions, runtime)
        except Exception:
            _log.exception("sandbox lifecycle tick failed")
        await anyio.sleep(runtime.config.tick_interval)


async def _delivery_loop(runtime: Runtime) -> None:
    async with httpx2.AsyncClient() as client:
        while True:
            try:
                await deliver_due(runtime, client)
            except Exception:
                _log.exception("sandbox webhook tick failed")
            await anyio.sleep(runtime.config.tick_interval)
