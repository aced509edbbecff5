"""Session operations: list, get, schedule (idempotency, duplicates, credits), reschedule, cancel.

Scheduling checks run in this order, inside one transaction: a replayed idempotency key returns the
original (200, `"idempotent": true`, no credit spent); then the workspace needs a paid plan with a
credit (402); then the time zone must be an IANA name (400); then the participant, template and stage
must exist (404, or 400 when the template has no active stage of that type); then an open session
for the same participant, template and stage is a 409 unless `force`. Only then is the session
created and a credit spent.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.clock import iso
from sandbox.documents import fetch, new_document, ok, page
from sandbox.errors import Conflict, PaymentRequired, ValidationFailed
from sandbox.events import emit
from sandbox.lifecycle import plan_after_scheduling
from sandbox.runtime import Context, Reply
from sandbox.session_view import render_session
from sandbox.store import Doc, Filters
from tools.sessions import ListSessions, RescheduleSession, ScheduleSession, SessionId

__all__ = ["cancel", "get", "list_sessions", "reschedule", "schedule"]

_OPEN = ("scheduled", "in_progress")


def list_sessions(ctx: Context, args: ListSessions) -> Reply:
    filters = {
        "status": args.status,
        "candidate_id": None if args.candidate_id is None else str(args.candidate_id),
        "template_id": None if args.evaluation_template_id is None else str(args.evaluation_template_id),
    }
    return page(ctx, "session", args, filters, render=lambda doc: _view(ctx, doc))


def get(ctx: Context, args: SessionId) -> Reply:
    return ok(_view(ctx, fetch(ctx, "session", args.session_id)))


def schedule(ctx: Context, args: ScheduleSession) -> Reply:
    store = ctx.store
    if args.idempotency_key is not None:
        rows, _ = store.query(
            "session",
            ctx.workspace_id,
            {"idempotency_key": args.idempotency_key},
            order="oldest",
            limit=1,
            offset=0,
        )
        if rows:
            return Reply(200, {"data": _view(ctx, rows[0]), "idempotent": True})
    workspace = store.workspace(ctx.workspace_id)
    if workspace is None or workspace.plan is None:
        raise PaymentRequired("Scheduling sessions needs an active paid plan")
    if workspace.credits <= 0:
        raise PaymentRequired("This workspace is out of session credits")
    _check_timezone(args.timezone)
    participant = fetch(ctx, "participant", args.candidate_id)
    template = fetch(ctx, "evaluation_template", args.evaluation_template_id)
    stage = _stage(ctx, args)
    if not args.force and _has_open_session(ctx, args):
        raise Conflict(
            "This participant already has an open session for this template and stage; pass force: true"
        )
    now = ctx.runtime.clock.now()
    fields: dict[str, Any] = {
        "status": "scheduled",
        "candidate_id": str(args.candidate_id),
        "evaluation_template_id": str(args.evaluation_template_id),
        "interview_id": stage["id"],
        "stage": args.stage,
        "scheduled_at": iso(args.scheduled_at or now),
        "timezone": args.timezone or "UTC",
        "notes": args.notes,
        "language": args.language or template.get("language") or "en",
        "external_id": participant.get("external_id"),
        "started_at": None,
        "completed_at": None,
        "scored_at": None,
        "_idempotency_key": args.idempotency_key,
    }
    doc = new_document(ctx, fields)
    plan_after_scheduling(ctx.runtime, doc)
    store.insert("session", ctx.workspace_id, doc)
    store.spend_credit(ctx.workspace_id)
    emit(ctx.runtime, "session.created", {"session": _view(ctx, doc)})
    return Reply(201, {"data": _view(ctx, doc)})


def reschedule(ctx: Context, args: RescheduleSession) -> Reply:
    doc = fetch(ctx, "session", args.session_id)
    if doc["status"] != "scheduled":
        raise Conflict(f"Only a scheduled session can be rescheduled; this one is {doc['status']}")
    doc["scheduled_at"] = iso(args.scheduled_at)
    doc["updated_at"] = iso(ctx.runtime.clock.now())
    plan_after_scheduling(ctx.runtime, doc)
    ctx.store.replace("session", doc)
    return Reply(200, {"success": True})


def cancel(ctx: Context, args: SessionId) -> Reply:
    doc = fetch(ctx, "session", args.session_id)
    if doc["status"] != "scheduled":
        raise Conflict(f"Only a scheduled session can be cancelled; this one is {doc['status']}")
    doc["status"] = "cancelled"
    doc["updated_at"] = iso(ctx.runtime.clock.now())
    doc["_due_action"] = doc["_due_at"] = None
    ctx.store.replace("session", doc)
    emit(ctx.runtime, "session.cancelled", {"session": _view(ctx, doc)})
    return ok(_view(ctx, doc))


def _check_timezone(name: str | None) -> None:
    """An IANA zone name, as the invite is rendered in it."""
    if name is None:
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationFailed.at(["timezone"], f"Unknown IANA time zone {name!r}") from None


def _stage(ctx: Context, args: ScheduleSession) -> Doc:
    """The stage named by interview_id, else the template's active stage whose type is `stage`."""
    if args.interview_id is not None:
        stage = fetch(ctx, "evaluation_stage", args.interview_id)
        if stage["evaluation_template_id"] != str(args.evaluation_template_id):
            raise ValidationFailed.at(["interview_id"], "This stage belongs to another evaluation template")
        if stage["type"] != args.stage:
            raise ValidationFailed.at(
                ["interview_id"], f"This stage's type is {stage['type']!r}, not {args.stage!r}"
            )
        return stage
    filters = {"template_id": str(args.evaluation_template_id), "stage": args.stage, "status": "active"}
    rows, _ = ctx.store.query(
        "evaluation_stage", ctx.workspace_id, filters, order="sort_order", limit=1, offset=0
    )
    if not rows:
        raise ValidationFailed.at(
            ["stage"], f"No active stage of type {args.stage!r} in this evaluation template"
        )
    return rows[0]


def _has_open_session(ctx: Context, args: ScheduleSession) -> bool:
    filters: Filters = {
        "candidate_id": str(args.candidate_id),
        "template_id": str(args.evaluation_template_id),
        "stage": args.stage,
        "status": _OPEN,
    }
    _, total = ctx.store.query("session", ctx.workspace_id, filters, order="oldest", limit=1, offset=0)
    return total > 0


def _view(ctx: Context, doc: Doc) -> dict[str, Any]:
    return render_session(ctx.runtime, ctx.origin, doc)
