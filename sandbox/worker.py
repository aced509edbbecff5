"""The background worker, run for the app's lifetime: moves due sessions along, delivers webhooks.

Two loops: one takes each session whose lifecycle deadline has passed (a scorecard that is due, or under
auto-run a join or an end) one step further, the other attempts due webhook deliveries, so a slow
receiver delays no session. Each does what is due, then sleeps until its next deadline, at most
`tick_interval`; a request that may have written (anything but a read) wakes both, since it may have set a
nearer deadline. Wakes within `_GATHER_S` of each other make one pass, so a burst of writes costs a pass
per 50 ms, not one each. An idle sandbox sleeps rather than polling. A failing step is logged (and rolled
back) and the rest of its batch still moves; a failing pass is logged and the next one runs: the worker
must never take the app down.
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

__all__ = ["run_worker"]

_BATCH = 50
_GATHER_S = 0.05

_log = logging.getLogger(__name__)


def _take_due_step(runtime: Runtime, workspace_id: str, session_id: str) -> bool:
    """Move one session on if its deadline has passed; a step that fails is logged, not raised, so one
    broken session cannot hold up the others in its batch."""
    store = runtime.store
    try:
        with store.atomic():
            doc = store.get("session", workspace_id, session_id)
            return doc is not None and run_due_step(runtime, workspace_id, doc)
    except Exception:
        _log.exception("sandbox session %s could not take its due step", session_id)
        return False


class _Wakeup:
    """Cuts a loop's sleep short. Set while the loop is busy, it makes the next sleep end at once."""

    def __init__(self) -> None:
        self._event = anyio.Event()

    def set(self) -> None:
        self._event.set()

    async def sleep(self, seconds: float) -> None:
        with anyio.move_on_after(seconds):
            await self._event.wait()
        if self._event.is_set():
            await anyio.sleep(_GATHER_S)  # let the writes around this one join the same pass
            self._event = anyio.Event()


async def run_worker(runtime: Runtime) -> None:
    """Run both loops until cancelled; `runtime.wake_worker` wakes them meanwhile."""
    lifecycle, deliveries = _Wakeup(), _Wakeup()

    def wake() -> None:
        lifecycle.set()
        deliveries.set()

    runtime.wake_worker = wake
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(_lifecycle_loop, runtime, lifecycle, deliveries)
            group.start_soon(_delivery_loop, runtime, deliveries)
    finally:
        runtime.wake_worker = _asleep


def _asleep() -> None:
    """No worker running: nothing to wake."""


async def _lifecycle_loop(runtime: Runtime, wakeup: _Wakeup, deliveries: _Wakeup) -> None:
    while True:
        next_at = None
        try:
            moved, next_at = await anyio.to_thread.run_sync(_lifecycle_pass, runtime)
            if moved:
                deliveries.set()  # each step wrote its webhook event
        except Exception:
            _log.exception("sandbox lifecycle pass failed")
        await wakeup.sleep(_until(next_at, runtime.config.tick_interval))


def _lifecycle_pass(runtime: Runtime) -> tuple[int, float | None]:
    """Step what is due; return how many moved and when to look again (None: after a tick).

    After moving something, look again at once: its steps set new deadlines, at a high time scale already
    due, and a full batch leaves more behind. Otherwise the next deadline is the nearest one after `now`:
    one still past (a step that failed, or one this worker does not know) waits for the next tick or
    wake, and hides no other.
    """
    now = time.time()
    batch = runtime.store.due("session", now, _BATCH)
    moved = sum(_take_due_step(runtime, workspace_id, stale["id"]) for workspace_id, stale in batch)
    return moved, now if moved else runtime.store.next_due("session", after=now)


async def _delivery_loop(runtime: Runtime, wakeup: _Wakeup) -> None:
    async with httpx2.AsyncClient() as client:
        while True:
            next_at = None
            try:
                await deliver_due(runtime, client)
                if runtime.config.webhook_url is not None:
                    next_at = await anyio.to_thread.run_sync(runtime.store.next_delivery)
            except Exception:
                _log.exception("sandbox webhook pass failed")
            await wakeup.sleep(_until(next_at, runtime.config.tick_interval))


def _until(deadline: float | None, longest: float) -> float:
    """Seconds to sleep before `deadline` (Unix time), never more than `longest`."""
    if deadline is None:
        return longest
    return min(longest, max(0.0, deadline - time.time()))
