"""The background worker sleeps between deadlines: nothing due, or nothing it can do, never makes it spin."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from sandbox import SandboxConfig
from sandbox.app import create_app
from sandbox.runtime import Runtime
from sandbox.seed import DEMO_WORKSPACE_ID
from sandbox.worker import run_worker

pytestmark = pytest.mark.anyio


def _counting_passes(runtime: Runtime) -> list[float]:
    """Record when each lifecycle pass asks for the next deadline."""
    asked: list[float] = []
    next_due = runtime.store.next_due

    def counted(kind: Any) -> float | None:
        asked.append(time.monotonic())
        return next_due(kind)

    runtime.store.next_due = counted  # type: ignore[method-assign]
    return asked


async def _run_worker_for(runtime: Runtime, seconds: float) -> None:
    async with anyio.create_task_group() as group:
        group.start_soon(run_worker, runtime)
        await anyio.sleep(seconds)
        group.cancel_scope.cancel()


async def test_a_deadline_no_step_can_meet_is_looked_at_once_a_tick_not_in_a_loop() -> None:
    app = create_app(SandboxConfig(tick_interval=0.2))
    runtime: Runtime = app.state.runtime
    (session,), _ = runtime.store.query("session", DEMO_WORKSPACE_ID, {}, order="newest", limit=1, offset=0)
    runtime.store.replace("session", {**session, "_due_action": "unknown", "_due_at": time.time() - 1})
    asked = _counting_passes(runtime)
    await _run_worker_for(runtime, 1.0)
    assert 2 <= len(asked) <= 8  # about one pass per 0.2 s tick


async def test_a_deadline_that_passes_during_a_pass_is_taken_by_the_next_pass_not_a_tick_later() -> None:
    app = create_app(SandboxConfig(tick_interval=600))
    runtime: Runtime = app.state.runtime
    store = runtime.store
    (session,), _ = store.query(
        "session", DEMO_WORKSPACE_ID, {"status": "scheduled"}, order="newest", limit=1, offset=0
    )
    deadline = time.time() + 0.2
    store.replace("session", {**session, "_due_action": "start", "_due_at": deadline})
    due = store.due

    def slow_due(kind: Any, now: float, limit: int) -> Any:
        found = due(kind, now, limit)
        time.sleep(max(0.0, deadline - time.time()) + 0.01)  # the deadline passes while the pass runs
        return found

    store.due = slow_due  # type: ignore[method-assign]
    async with anyio.create_task_group() as group:
        group.start_soon(run_worker, runtime)
        with anyio.fail_after(5):  # long before its 600 s tick
            while store.get("session", DEMO_WORKSPACE_ID, session["id"])["status"] != "in_progress":  # type: ignore[index]
                await anyio.sleep(0.02)
        group.cancel_scope.cancel()


async def test_a_write_wakes_the_sleeping_worker() -> None:
    app = create_app(SandboxConfig(tick_interval=600, seed_demo=False))
    runtime: Runtime = app.state.runtime
    asked = _counting_passes(runtime)
    async with anyio.create_task_group() as group:
        group.start_soon(run_worker, runtime)
        await _until_passes(asked, 1)
        await anyio.sleep(0.3)
        assert len(asked) == 1  # asleep after the first pass: nothing is due
        runtime.wake_worker()
        await _until_passes(asked, 2)  # long before its 600 s tick
        group.cancel_scope.cancel()


async def _until_passes(asked: list[float], count: int) -> None:
    with anyio.fail_after(5):
        while len(asked) < count:
            await anyio.sleep(0.01)


@pytest.mark.parametrize("tick", [0.0, -1.0, float("nan"), float("inf")])
def test_a_tick_the_worker_could_spin_or_hang_on_is_refused(tick: float) -> None:
    with pytest.raises(ValueError, match="tick_interval must be positive"):
        SandboxConfig(tick_interval=tick)
