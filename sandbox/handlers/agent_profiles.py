"""Agent profile operations: list, get, create, fork (public or own), update."""

from __future__ import annotations

from typing import Any

from sandbox.documents import created, fetch, new_document, ok, page, public, touch
from sandbox.errors import NotFound
from sandbox.runtime import Context, Reply
from tools.agent_profiles import (
    AgentProfileId,
    CreateAgentProfile,
    ForkAgentProfile,
    ListAgentProfiles,
    UpdateAgentProfile,
)

__all__ = ["create", "fork", "get", "list_profiles", "update"]

_OUTPUT_DEFAULTS = {
    "includeTranscript": True,
    "includeScoreBreakdown": True,
    "includeRecommendation": True,
    "includeImprovementFeedback": True,
}
_SETTINGS = ("context", "interaction", "scoring")


def list_profiles(ctx: Context, args: ListAgentProfiles) -> Reply:
    return page(ctx, "agent_profile", args, {})


def get(ctx: Context, args: AgentProfileId) -> Reply:
    return ok(public(fetch(ctx, "agent_profile", args.agent_profile_id)))


def create(ctx: Context, args: CreateAgentProfile) -> Reply:
    given = args.model_dump(mode="json", exclude_none=True)
    fields: dict[str, Any] = {
        "name": given["name"],
        "persona": given["persona"],
        "useCase": given["useCase"],
        "evaluationDimensions": given["evaluationDimensions"],
        **{name: given.get(name, {}) for name in _SETTINGS},
        "output": {**_OUTPUT_DEFAULTS, **given.get("output", {})},
        "additionalInstructions": given.get("additionalInstructions"),
        "isPublic": given.get("isPublic", False),
        "sourceId": None,
    }
    doc = new_document(ctx, fields)
    ctx.store.insert("agent_profile", ctx.workspace_id, doc)
    return created(public(doc))


def fork(ctx: Context, args: ForkAgentProfile) -> Reply:
    """Copy a public profile (any workspace) or one of the caller's own; anything else is a 404."""
    found = ctx.store.get_anywhere("agent_profile", str(args.sourceId))
    if found is None or (found[0] != ctx.workspace_id and not found[1].get("isPublic")):
        raise NotFound("Agent profile not found")
    source = public(found[1])
    fields = {k: v for k, v in source.items() if k not in ("id", "created_at", "updated_at")}
    doc = new_document(ctx, {**fields, "isPublic": False, "sourceId": source["id"]})
    ctx.store.insert("agent_profile", ctx.workspace_id, doc)
    return created(public(doc))


def update(ctx: Context, args: UpdateAgentProfile) -> Reply:
    doc = fetch(ctx, "agent_profile", args.agent_profile_id)
    changes = args.model_dump(mode="json", exclude_none=True, exclude={"agent_profile_id"})
    doc.update(changes)
    ctx.store.replace("agent_profile", touch(ctx, doc))
    return ok(public(doc))
