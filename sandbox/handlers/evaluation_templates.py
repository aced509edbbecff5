"""Evaluation template operations: list (by status), get, create (with the documented defaults), update."""

from __future__ import annotations

from typing import Any

from sandbox.documents import created, fetch, new_document, ok, page, public, touch
from sandbox.runtime import Context, Reply
from tools.evaluation_templates import (
    DEFAULT_SUCCESS_OUTCOME,
    CreateEvaluationTemplate,
    EvaluationTemplateId,
    ListEvaluationTemplates,
    UpdateEvaluationTemplate,
)

__all__ = ["create", "get", "list_templates", "update"]

_DEFAULTS: dict[str, Any] = {
    "use_case": None,
    "description": None,
    "objective": None,
    "success_outcome": None,
    "status": "active",
    "level": None,
    "requirements": None,
    "skills": [],
    "soft_skills": [],
    "default_duration_minutes": 30,
    "default_difficulty": "intermediate",
    "industry": None,
    "additional_context": None,
    "language": "en",
    "session_mode": "live_ai_interview",
    "visibility": "team",
}


def list_templates(ctx: Context, args: ListEvaluationTemplates) -> Reply:
    return page(ctx, "evaluation_template", args, {"status": args.status})


def get(ctx: Context, args: EvaluationTemplateId) -> Reply:
    return ok(public(fetch(ctx, "evaluation_template", args.template_id)))


def create(ctx: Context, args: CreateEvaluationTemplate) -> Reply:
    fields = {"template_name": args.template_name, **_DEFAULTS}
    fields.update(args.model_dump(mode="json", exclude_none=True))
    if fields["success_outcome"] is None and args.use_case is not None:
        fields["success_outcome"] = DEFAULT_SUCCESS_OUTCOME[args.use_case]
    doc = new_document(ctx, fields)
    ctx.store.insert("evaluation_template", ctx.workspace_id, doc)
    return created(public(doc))


def update(ctx: Context, args: UpdateEvaluationTemplate) -> Reply:
    doc = fetch(ctx, "evaluation_template", args.template_id)
    doc.update(args.model_dump(mode="json", exclude_none=True, exclude={"template_id"}))
    ctx.store.replace("evaluation_template", touch(ctx, doc))
    return ok(public(doc))
