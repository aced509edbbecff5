"""The background worker sleeps between deadlines: nothing due, or nothing it can do, never makes it spin,
and a session it cannot move holds up no other."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest

import sandbox.worker
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

    def counted(kind: Any, after: float) -> float | None:
        asked.append(time.monotonic())
        return next_due(kind, after)

    runtime.store.next_due = counted  # type: ignore[method-assign]
    return asked


def _recording_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record how long each of the worker's loops chooses to sleep, every time it is about to.

    Only this thread's: a sandbox another test left running serves from its own thread, with its own worker.
    """
    chosen: list[float] = []
    until = sandbox.worker._until
    here = threading.get_ident()

    def recorded(deadline: float | None, longest: float) -> float:
        seconds = until(deadline, longest)
        if threading.get_ident() == here:
            chosen.append(seconds)
        return seconds

    monkeypatch.setattr(sandbox.worker, "_until", recorded)
    return chosen


async def _until_true(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(5):  # long before a 600 s tick
        while not condition():
            await anyio.sleep(0.01)


async def test_a_deadline_no_step_can_meet_is_looked_at_once_a_tick_not_in_a_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app(SandboxConfig(tick_interval=600))
    runtime: Runtime = app.state.runtime
    (session,), _ = runtime.store.query("session", DEMO_WORKSPACE_ID, {}, order="newest", limit=1, offset=0)
    runtime.store.replace("session", {**session, "_due_action": "unknown", "_due_at": time.time() - 1})
    asked = _counting_passes(runtime)
    sleeps = _recording_sleeps(monkeypatch)
    async with anyio.create_task_group() as group:
        group.start_soon(run_worker, runtime)
        await _until_true(lambda: len(asked) == 1 and len(sleeps) == 2)  # both loops about to sleep
        # The past deadline does not make the lifecycle loop look again at once: it sleeps until the
        # demo data's next real deadline (tens of seconds away), or a tick.
        assert min(sleeps) > 1
        runtime.wake_worker()  # as a tick's end would
        await _until_true(lambda: len(sleeps) == 4)
        assert min(sleeps) > 1 and len(asked) == 2
        group.cancel_scope.cancel()


def _scheduled(runtime: Runtime, count: int) -> list[dict[str, Any]]:
    sessions, _ = runtime.store.query(
        "session", DEMO_WORKSPACE_ID, {"status": "scheduled"}, order="newest", limit=count, offset=0
    )
    assert len(sessions) == count
    return sessions


def _status(runtime: Runtime, session: dict[str, Any]) -> str:
    doc = runtime.store.get("session", DEMO_WORKSPACE_ID, session["id"])
    assert doc is not None
    return str(doc["status"])


async def _until_started(runtime: Runtime, session: dict[str, Any]) -> None:
    await _until_true(lambda: _status(runtime, session) == "in_progress")


async def test_a_deadline_no_step_can_meet_hides_no_later_one() -> None:
    app = create_app(SandboxConfig(tick_interval=600))
    runtime: Runtime = app.state.runtime
    stuck, waiting = _scheduled(runtime, 2)
    runtime.store.replace("session", {**stuck, "_due_action": "unknown", "_due_at": time.time() - 1})
    runtime.store.replace("session", {**waiting, "_due_action": "start", "_due_at": time.time() + 0.3})
    async with anyio.create_task_group() as group:
        group.start_soon(run_worker, runtime)
        await _until_started(runtime, waiting)
        group.cancel_scope.cancel()
    assert _status(runtime, stuck) == "scheduled"


async def test_a_step_that_fails_holds_up_no_other_session_in_its_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app(SandboxConfig(tick_interval=600))
    runtime: Runtime = app.state.runtime
    broken, healthy = _scheduled(runtime, 2)
    runtime.store.replace("session", {**broken, "_due_action": "start", "_due_at": time.time() - 2})
    runtime.store.replace("session", {**healthy, "_due_action": "start", "_due_at": time.time() - 1})
    take_step = sandbox.worker.run_due_step

    def failing_for_one(runtime: Runtime, workspace_id: str, doc: dict[str, Any]) -> bool:
        moved = take_step(runtime, workspace_id, doc)
        if doc["id"] == broken["id"]:
            raise RuntimeError("a step that fails after writing")
        return moved

    monkeypatch.setattr(sandbox.worker, "run_due_step", failing_for_one)
    async with anyio.create_task_group() as group:
        group.start_soon(run_worker, runtime)
        await _until_started(runtime, healthy)
        group.cancel_scope.cancel()
    assert _status(runtime, broken) == "scheduled"  # its transaction rolled back: nothing half-written


async def test_a_deadline_that_passes_during_a_pass_is_taken_by_the_next_pass_not_a_tick_later() -> None:
    app = create_app(SandboxConfig(tick_interval=600))
    runtime: Runtime = app.state.runtime
    store = runtime.store
    (session,) = _scheduled(runtime, 1)
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
        await _until_started(runtime, session)
        group.cancel_scope.cancel()


async def test_a_write_wakes_the_sleeping_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(SandboxConfig(tick_interval=600, seed_demo=False))
    runtime: Runtime = app.state.runtime
    asked = _counting_passes(runtime)
    sleeps = _recording_sleeps(monkeypatch)
    async with anyio.create_task_group() as group:
        group.start_soon(run_worker, runtime)
        await _until_true(lambda: len(sleeps) == 2)
        assert sleeps == [600, 600] and len(asked) == 1  # asleep after the first pass: nothing is due
        runtime.wake_worker()
        await _until_true(lambda: len(asked) == 2)  # long before its 600 s tick
        group.cancel_scope.cancel()


@pytest.mark.parametrize("tick", [0.0, -1.0, float("nan"), float("inf")])
def test_a_tick_the_worker_could_spin_or_hang_on_is_refused(tick: float) -> None:
    with pytest.raises(ValueError, match="tick_interval must be positive"):
        SandboxConfig(tick_interval=tick)
