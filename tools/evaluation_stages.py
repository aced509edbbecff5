"""Evaluation stages: the steps of a template's pipeline (screen -> technical -> final).

List/get paths are inferred.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tools.enums import AutomationRule, Difficulty, StageType, TemplateStatus
from tools.operation import CREATE, READ, UPDATE, Operation
from tools.paging import ListArguments, Page

__all__ = ["OPERATIONS", "CreateEvaluationStage", "EvaluationStage", "UpdateEvaluationStage"]

_SCOPE_READ = "evaluation_stages.read"
_SCOPE_WRITE = "evaluation_stages.write"


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateEvaluationStage(_Input):
    evaluation_template_id: UUID = Field(description="The template this stage belongs to.")
    type: str = Field(
        min_length=1,
        description="Stage label that schedule_session's `stage` refers to, e.g. screen, technical, final.",
    )
    stage_name: str | None = Field(None, description="Display name, e.g. 'Technical deep-dive'.")
    stage_type: StageType | None = Field(None, description="How the stage runs.")
    stage_order: int | None = Field(None, ge=0, description="Position in the pipeline (default 0).")
    duration_minutes: int | None = Field(None, ge=1, description="Session length (default 30).")
    agent_profile_id: UUID | None = Field(None, description="The AI interviewer for this stage.")
    difficulty: Difficulty | None = Field(None, description="Default intermediate.")
    pass_threshold: float | None = Field(None, ge=0, le=100, description="Pass mark, 0-100.")
    allow_retake: bool | None = Field(None, description="Allow a second attempt (default false).")
    automation_rule: AutomationRule | None = Field(None, description="What happens on pass (default none).")
    status: TemplateStatus | None = Field(None, description="Default active.")


class EvaluationStageId(_Input):
    stage_id: UUID = Field(description="Evaluation stage id (from list_evaluation_stages).")


class UpdateEvaluationStage(EvaluationStageId):
    stage_name: str | None = Field(None, description="New display name.")
    stage_type: StageType | None = Field(None, description="New stage type.")
    duration_minutes: int | None = Field(None, ge=1, description="New session length.")
    agent_profile_id: UUID | None = Field(None, description="New AI interviewer.")
    stage_order: int | None = Field(None, ge=0, description="New position.")
    difficulty: Difficulty | None = Field(None, description="New difficulty.")
    pass_threshold: float | None = Field(None, ge=0, le=100, description="New pass mark, 0-100.")
    automation_rule: AutomationRule | None = Field(None, description="New automation rule.")
    status: TemplateStatus | None = Field(None, description="draft, active or archived.")


class ListEvaluationStages(ListArguments):
    evaluation_template_id: UUID | None = Field(None, description="Only this template's stages.")


class EvaluationStage(BaseModel):
    """An evaluation stage as intervyo returns it."""

    model_config = ConfigDict(extra="ignore")

    id: UUID = Field(description="Evaluation stage id (a session's interview_id).")
    evaluation_template_id: UUID | None = Field(None, description="Owning template.")
    type: str | None = Field(None, description="Stage label used by schedule_session's `stage`.")
    stage_name: str | None = Field(None, description="Display name.")
    stage_type: str | None = Field(None, description="How the stage runs.")
    stage_order: int | None = Field(None, description="Position in the pipeline.")
    duration_minutes: int | None = Field(None, description="Session length.")
    agent_profile_id: UUID | None = Field(None, description="The AI interviewer.")
    difficulty: str | None = Field(None, description="Difficulty.")
    pass_threshold: float | None = Field(None, description="Pass mark, 0-100.")
    allow_retake: bool | None = Field(None, description="Second attempt allowed.")
    automation_rule: str | None = Field(None, description="What happens on pass.")
    status: str | None = Field(None, description="draft, active or archived.")
    created_at: datetime | None = Field(None, description="Creation time (UTC).")
    updated_at: datetime | None = Field(None, description="Last change (UTC).")


OPERATIONS = (
    Operation(
        name="list_evaluation_stages",
        title="List evaluation stages",
        description=(
            "List pipeline stages, usually of one template (evaluation_template_id), in stage_order. "
            "A stage's `type` is the `stage` label schedule_session takes. Paged."
        ),
        toolset="evaluation_stages",
        method="GET",
        path="/evaluation-stages",
        scope=_SCOPE_READ,
        arguments=ListEvaluationStages,
        result=Page[EvaluationStage],
        annotations=READ,
        list_result=True,
    ),
    Operation(
        name="get_evaluation_stage",
        title="Get an evaluation stage",
        description="Fetch one stage: its type label, agent profile, duration and pass threshold.",
        toolset="evaluation_stages",
        method="GET",
        path="/evaluation-stages/{stage_id}",
        scope=_SCOPE_READ,
        arguments=EvaluationStageId,
        result=EvaluationStage,
        annotations=READ,
    ),
    Operation(
        name="create_evaluation_stage",
        title="Create an evaluation stage",
        description=(
            "Add a stage to a template's pipeline, e.g. type 'technical' run by an agent profile with a "
            "pass threshold. Sessions are then scheduled for it with schedule_session(stage=type)."
        ),
        toolset="evaluation_stages",
        method="POST",
        path="/evaluation-stages",
        scope=_SCOPE_WRITE,
        arguments=CreateEvaluationStage,
        result=EvaluationStage,
        annotations=CREATE,
        success_status=201,
    ),
    Operation(
        name="update_evaluation_stage",
        title="Update an evaluation stage",
        description=(
            "Change a stage; only the fields given change. type, allow_retake and the template cannot "
            "be changed."
        ),
        toolset="evaluation_stages",
        method="PATCH",
        path="/evaluation-stages/{stage_id}",
        scope=_SCOPE_WRITE,
        arguments=UpdateEvaluationStage,
        result=EvaluationStage,
        annotations=UPDATE,
    ),
)
