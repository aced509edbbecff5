"""Participant operations: list (by template, status, email), get, create, update, delete, bulk import.

An email may exist once per workspace and template (contract: the docs contradict themselves; this is
the chosen reading), compared case-insensitively; a duplicate create is a 409, a duplicate in a bulk
import (already stored, or earlier in the same batch) is skipped. A template id that does not exist
in the workspace is a 404, in a bulk import too (the whole import, as with any unknown id).
"""

from __future__ import annotations

from typing import Any

from sandbox.documents import created, fetch, new_document, ok, page, public, touch
from sandbox.errors import Conflict
from sandbox.events import emit
from sandbox.runtime import Context, Reply
from sandbox.store import Filters
from tools.participants import (
    CreateParticipant,
    ImportParticipants,
    ListParticipants,
    ParticipantId,
    UpdateParticipant,
)

__all__ = ["create", "delete", "get", "import_many", "list_participants", "update"]

_DEFAULTS: dict[str, Any] = {
    "evaluation_template_id": None,
    "external_id": None,
    "phone": None,
    "tags": [],
    "profile": {},
    "background": {},
    "resume_url": None,
    "pipeline_id": None,
    "metadata": {},
    "status": "active",
}


def list_participants(ctx: Context, args: ListParticipants) -> Reply:
    template = None if args.evaluation_template_id is None else str(args.evaluation_template_id)
    filters = {"template_id": template, "status": args.status, "email": args.email}
    return page(ctx, "participant", args, filters)


def get(ctx: Context, args: ParticipantId) -> Reply:
    return ok(public(fetch(ctx, "participant", args.participant_id)))


def create(ctx: Context, args: CreateParticipant) -> Reply:
    doc = _new(ctx, args)
    if _taken(ctx, doc["email"], doc["evaluation_template_id"]):
        raise Conflict("A participant with this email already exists for this evaluation template")
    _insert(ctx, doc)
    return created(public(doc))


def update(ctx: Context, args: UpdateParticipant) -> Reply:
    doc = fetch(ctx, "participant", args.participant_id)
    changes = args.model_dump(mode="json", exclude_none=True, exclude={"participant_id"})
    if "evaluation_template_id" in changes:
        fetch(ctx, "evaluation_template", changes["evaluation_template_id"])
    email = str(changes.get("email", doc["email"]))
    template: str | None = changes.get("evaluation_template_id", doc["evaluation_template_id"])
    moved = email.lower() != doc["email"].lower() or template != doc["evaluation_template_id"]
    if moved and _taken(ctx, email, template):
        raise Conflict("A participant with this email already exists for this evaluation template")
    doc.update(changes)
    ctx.store.replace("participant", touch(ctx, doc))
    return ok(public(doc))


def delete(ctx: Context, args: ParticipantId) -> Reply:
    fetch(ctx, "participant", args.participant_id)
    ctx.store.delete("participant", ctx.workspace_id, str(args.participant_id))
    return Reply(204)


def import_many(ctx: Context, args: ImportParticipants) -> Reply:
    """Create every row whose email is new for its template; skip the rest, batch duplicates included."""
    made: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for row in args.participants:
        doc = _new(ctx, row)
        if _taken(ctx, doc["email"], doc["evaluation_template_id"]):
            skipped.append({"email": doc["email"], "reason": "duplicate email for this evaluation template"})
            continue
        _insert(ctx, doc)
        made.append(public(doc))
    return created({"created": made, "skipped": skipped})


def _new(ctx: Context, args: CreateParticipant) -> dict[str, Any]:
    if args.evaluation_template_id is not None:
        fetch(ctx, "evaluation_template", args.evaluation_template_id)
    fields = {"name": args.name, "email": str(args.email), **_DEFAULTS}
    fields.update(args.model_dump(mode="json", exclude_none=True))
    return new_document(ctx, fields)


def _taken(ctx: Context, email: str, template_id: str | None) -> bool:
    filters: Filters = {"email": email, "template_id": template_id}
    _, total = ctx.store.query("participant", ctx.workspace_id, filters, order="oldest", limit=1, offset=0)
    return total > 0


def _insert(ctx: Context, doc: dict[str, Any]) -> None:
    ctx.store.insert("participant", ctx.workspace_id, doc)
    emit(ctx.runtime, "participant.created", {"participant": public(doc)})
