"""The session state machine and its clock.

    scheduled ──start──▶ in_progress ──complete──▶ completed ──score──▶ (completed, scored)
        │                     └──────fail──────▶ failed
        └──cancel──▶ cancelled

`advance` moves a session forward to a target through every step in between (the control route and
the background worker use it); moving backwards, sideways or out of a terminal state is a 409.
Completion schedules scoring 30 s - 2 min later (fixed per session, divided by the time scale). With
`auto_run`, scheduling also plans the join, at `scheduled_at` (a session for next Tuesday starts next
Tuesday: the time scale shortens delays, never appointments) but no sooner than 10 s after scheduling,
and the end (a 2-minute demo interview: a demo should reach its scorecard in seconds at a 60x time
scale, not wait out a 30-minute stage). A reschedule moves the planned join; `advance` skips ahead.
Each step stamps its time, writes its webhook event, and records the next deadline in `_due_at` /
`_due_action` for the worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from sandbox.clock import iso, parse_iso
from sandbox.errors import Conflict
from sandbox.events import Event, emit
from sandbox.runtime import Runtime
from sandbox.scorecard import DEFAULT_DIMENSIONS, recommendation_words, synthesise_scorecard
from sandbox.session_view import render_session
from sandbox.store import Doc
from sandbox.transcript import build_transcript, seeded_random

__all__ = [
    "AUTO_INTERVIEW_LENGTH",
    "AUTO_JOIN_DELAY",
    "Target",
    "advance",
    "plan_after_scheduling",
    "run_due_step",
    "scoring_delay",
]

Target = Literal["in_progress", "completed", "failed", "scored"]
Step = Literal["start", "complete", "fail", "score"]

AUTO_JOIN_DELAY = 10.0
AUTO_INTERVIEW_LENGTH = 120.0
_SCORING_DELAY_RANGE = (30, 120)
# A transcript spans the interview as it happened, capped so a long-forgotten session stays sane.
_MAX_INTERVIEW_SECONDS = 4 * 3600.0

_PATHS: dict[tuple[str, str], tuple[Step, ...]] = {
    ("scheduled", "in_progress"): ("start",),
    ("scheduled", "completed"): ("start", "complete"),
    ("scheduled", "scored"): ("start", "complete", "score"),
    ("scheduled", "failed"): ("start", "fail"),
    ("in_progress", "completed"): ("complete",),
    ("in_progress", "scored"): ("complete", "score"),
    ("in_progress", "failed"): ("fail",),
    ("completed", "scored"): ("score",),
}


def scoring_delay(session_id: str) -> float:
    """Seconds (unscaled) between completion and the scorecard: 30-120, fixed per session."""
    low, high = _SCORING_DELAY_RANGE
    return float(seeded_random(session_id, "scoring-delay").randint(low, high))


def _state(doc: Doc) -> str:
    return "scored" if doc.get("scored_at") else str(doc["status"])


def advance(runtime: Runtime, workspace_id: str, doc: Doc, target: Target) -> Doc:
    """Move the session forward to `target` (within the caller's transaction); 409 if it cannot."""
    steps = _PATHS.get((_state(doc), target))
    if steps is None:
        raise Conflict(f"Cannot move a session from {_state(doc)} to {target}")
    for step in steps:
        _STEPS[step](runtime, workspace_id, doc)
    return doc


def plan_after_scheduling(runtime: Runtime, doc: Doc) -> None:
    """Under auto-run, set the join deadline of a (newly or re-) scheduled session: its scheduled time."""
    if runtime.config.auto_run:
        until = (parse_iso(doc["scheduled_at"]) - runtime.clock.now()).total_seconds()
        _plan(runtime, doc, "start", AUTO_JOIN_DELAY)
        doc["_due_at"] = max(doc["_due_at"], time.time() + until)


def run_due_step(runtime: Runtime, workspace_id: str, doc: Doc) -> bool:
    """Take the step the session is waiting for if its deadline has passed; False if nothing was due."""
    action = doc.get("_due_action")
    due_at = doc.get("_due_at")
    if action not in _STEPS or due_at is None or due_at > time.time():
        return False
    _STEPS[action](runtime, workspace_id, doc)
    return True


def _start(runtime: Runtime, workspace_id: str, doc: Doc) -> None:
    doc["status"] = "in_progress"
    doc["started_at"] = _now(runtime)
    _clear_plan(doc)
    if runtime.config.auto_run:
        _plan(runtime, doc, "complete", AUTO_INTERVIEW_LENGTH)
    _save(runtime, doc, "session.started")


def _complete(runtime: Runtime, workspace_id: str, doc: Doc) -> None:
    doc["status"] = "completed"
    doc["completed_at"] = _now(runtime)
    _record_transcript(runtime, workspace_id, doc, partial=False)
    _plan(runtime, doc, "score", scoring_delay(doc["id"]))
    _save(runtime, doc, "session.completed")


def _fail(runtime: Runtime, workspace_id: str, doc: Doc) -> None:
    doc["status"] = "failed"
    doc["completed_at"] = _now(runtime)
    _record_transcript(runtime, workspace_id, doc, partial=True)
    _clear_plan(doc)
    _save(runtime, doc, "session.failed")


def _score(runtime: Runtime, workspace_id: str, doc: Doc) -> None:
    store = runtime.store
    stage = _stage(runtime, workspace_id, doc)
    profile = _get(runtime, workspace_id, "agent_profile", stage.get("agent_profile_id"))
    template = _get(runtime, workspace_id, "evaluation_template", doc.get("evaluation_template_id"))
    participant = store.get("participant", workspace_id, doc["candidate_id"]) or {}
    scorecard = synthesise_scorecard(
        doc["id"],
        _dimensions(profile),
        doc.get("_citations", {}),
        stage.get("pass_threshold"),
        recommendation_words(template.get("success_outcome"), template.get("use_case")),
        participant.get("name", "The participant"),
        doc.get("_ability"),
    )
    doc.update(scorecard)
    doc["scored_at"] = _now(runtime)
    _clear_plan(doc)
    _save(runtime, doc, "session.scored")


_STEPS: dict[str, Callable[[Runtime, str, Doc], None]] = {
    "start": _start,
    "complete": _complete,
    "fail": _fail,
    "score": _score,
}


def _record_transcript(runtime: Runtime, workspace_id: str, doc: Doc, *, partial: bool) -> None:
    stage = _stage(runtime, workspace_id, doc)
    profile = _get(runtime, workspace_id, "agent_profile", stage.get("agent_profile_id"))
    participant = runtime.store.get("participant", workspace_id, doc["candidate_id"]) or {}
    started = parse_iso(doc["started_at"])
    elapsed = (runtime.clock.now() - started).total_seconds()
    transcript = build_transcript(
        doc["id"],
        started,
        max(1.0, min(elapsed, _MAX_INTERVIEW_SECONDS)),
        [name for name, _ in _dimensions(profile)],
        str(participant.get("name", "there")).split(" ")[0],
        partial=partial,
    )
    doc["_transcript"] = transcript.turns
    doc["_citations"] = transcript.citations


def _dimensions(profile: dict[str, Any]) -> list[tuple[str, int]]:
    dimensions = profile.get("evaluationDimensions") or []
    if not dimensions:
        return list(DEFAULT_DIMENSIONS)
    return [(str(d["name"]), int(d["weight"])) for d in dimensions]


def _stage(runtime: Runtime, workspace_id: str, doc: Doc) -> dict[str, Any]:
    return _get(runtime, workspace_id, "evaluation_stage", doc.get("interview_id"))


def _get(runtime: Runtime, workspace_id: str, kind: Any, doc_id: str | None) -> dict[str, Any]:
    if doc_id is None:
        return {}
    return runtime.store.get(kind, workspace_id, doc_id) or {}


def _plan(runtime: Runtime, doc: Doc, action: Step, delay: float) -> None:
    doc["_due_action"] = action
    doc["_due_at"] = time.time() + runtime.config.scaled(delay)


def _clear_plan(doc: Doc) -> None:
    doc["_due_action"] = None
    doc["_due_at"] = None


def _now(runtime: Runtime) -> str:
    return iso(runtime.clock.now())


def _save(runtime: Runtime, doc: Doc, event: Event) -> None:
    doc["updated_at"] = _now(runtime)
    runtime.store.replace("session", doc)
    emit(runtime, event, {"session": render_session(runtime, runtime.origin, doc)})
