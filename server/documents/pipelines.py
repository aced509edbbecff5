"""An evaluation template as one document: the role, its stages in order, and each stage's interviewer.

This is what a model needs to reason about a hiring pipeline without three rounds of tool calls; it
backs the resource `intervyo://evaluation-templates/{template_id}`.
"""

from __future__ import annotations

from typing import Any

import anyio

from server.documents.uris import template_uri
from server.errors import ToolError
from server.upstream.reads import Reads

__all__ = ["pipeline_document"]

_MAX_STAGES = 100


async def pipeline_document(reads: Reads, template_id: str, key: str) -> dict[str, Any]:
    """The template, its stages (by `stage_order`) and their agent profiles, under `key`."""
    template = await reads.get("get_evaluation_template", key, template_id=template_id)
    stages = await reads.items(
        "list_evaluation_stages", key, evaluation_template_id=template_id, page_size=_MAX_STAGES
    )
    stages.sort(key=lambda stage: (stage.get("stage_order") or 0, str(stage.get("type", ""))))
    wanted = {str(s["agent_profile_id"]) for s in stages if s.get("agent_profile_id")}
    profiles: dict[str, dict[str, Any] | None] = {}

    async def fetch(profile_id: str) -> None:
        try:
            profiles[profile_id] = await reads.get("get_agent_profile", key, agent_profile_id=profile_id)
        except ToolError:
            profiles[profile_id] = None  # removed, or not readable with this key: the stage still shows

    async with anyio.create_task_group() as group:
        for profile_id in sorted(wanted):
            group.start_soon(fetch, profile_id)
    return {
        "uri": template_uri(template_id),
        "object_model": "agent profile -> template -> stage -> participant -> session -> scorecard",
        "template": template,
        "stages": [
            {**stage, "agent_profile": profiles.get(str(stage.get("agent_profile_id")))} for stage in stages
        ],
        "how_to_schedule": (
            "schedule_session(candidate_id, evaluation_template_id, stage=<a stage's type>) picks the "
            "template's active stage of that type."
        ),
    }
