"""Evaluation stage operations: list (by template, in stage order), get, create, update."""

from __future__ import annotations

from sandbox.documents import created, fetch, new_document, ok, page, public, touch
from sandbox.runtime import Context, Reply
from tools.evaluation_stages import (
    CreateEvaluationStage,
    EvaluationStageId,
    ListEvaluationStages,
    UpdateEvaluationStage,
)

__all__ = ["create", "get", "list_stages", "update"]

_DEFAULTS = {
    "stage_name": None,
    "stage_type": None,
    "stage_order": 0,
    "duration_minutes": 30,
    "agent_profile_id": None,
    "difficulty": "intermediate",
    "pass_threshold": None,
    "allow_retake": False,
    "automation_rule": "none",
    "status": "active",
}


def list_stages(ctx: Context, args: ListEvaluationStages) -> Reply:
    template = None if args.evaluation_template_id is None else str(args.evaluation_template_id)
    return page(ctx, "evaluation_stage", args, {"template_id": template}, order="sort_order")


def get(ctx: Context, args: EvaluationStageId) -> Reply:
    return ok(public(fetch(ctx, "evaluation_stage", args.stage_id)))


def create(ctx: Context, args: CreateEvaluationStage) -> Reply:
    fetch(ctx, "evaluation_template", args.evaluation_template_id)
    if args.agent_profile_id is not None:
        fetch(ctx, "agent_profile", args.agent_profile_id)
    fields = {"evaluation_template_id": str(args.evaluation_template_id), "type": args.type, **_DEFAULTS}
    fields.update(args.model_dump(mode="json", exclude_none=True))
    doc = new_document(ctx, fields)
    ctx.store.insert("evaluation_stage", ctx.workspace_id, doc)
    return created(public(doc))


def update(ctx: Context, args: UpdateEvaluationStage) -> Reply:
    doc = fetch(ctx, "evaluation_stage", args.stage_id)
    if args.agent_profile_id is not None:
        fetch(ctx, "agent_profile", args.agent_profile_id)
    doc.update(args.model_dump(mode="json", exclude_none=True, exclude={"stage_id"}))
    ctx.store.replace("evaluation_stage", touch(ctx, doc))
    return ok(public(doc))
