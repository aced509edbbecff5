"""Evaluation templates: what to assess for a role (skills, objective, the pass bar).

List/get paths and the names `industry`, `additional_context`, `language`, `session_mode` and
`visibility` are inferred.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tools.enums import Difficulty, SessionMode, SuccessOutcome, TemplateStatus, UseCase, Visibility
from tools.operation import CREATE, READ, UPDATE, Operation
from tools.paging import ListArguments, Page

__all__ = [
    "DEFAULT_SUCCESS_OUTCOME",
    "OPERATIONS",
    "CreateEvaluationTemplate",
    "EvaluationTemplate",
    "UpdateEvaluationTemplate",
]

_SCOPE_READ = "evaluation_templates.read"
_SCOPE_WRITE = "evaluation_templates.write"

# The success outcome the API derives from the use case when none is given.
DEFAULT_SUCCESS_OUTCOME: dict[str, str] = {
    "hiring": "hire_no_hire",
    "admissions": "admit_reject",
    "training": "ready_needs_training",
    "custom_api": "custom",
}


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateEvaluationTemplate(_Input):
    template_name: str = Field(min_length=1, description="Role or programme name, e.g. 'Backend Engineer'.")
    use_case: UseCase | None = Field(None, description="What the evaluation is for.")
    description: str | None = Field(None, description="1-3 sentences about the role.")
    objective: str | None = Field(None, description="What the interviews must find out.")
    success_outcome: SuccessOutcome | None = Field(
        None, description="Decision vocabulary; derived from use_case when omitted (hiring: hire_no_hire)."
    )
    status: TemplateStatus | None = Field(None, description="Default active.")
    level: str | None = Field(None, description="Seniority, e.g. 'Senior'.")
    requirements: str | None = Field(None, description="The pass bar, in words.")
    skills: list[str] | None = Field(None, description="Hard skills to assess.")
    soft_skills: list[str] | None = Field(None, description="Soft skills to assess.")
    default_duration_minutes: int | None = Field(None, ge=1, description="Session length (default 30).")
    default_difficulty: Difficulty | None = Field(None, description="Default intermediate.")
    industry: str | None = Field(None, description="Industry, e.g. 'fintech'.")
    additional_context: str | None = Field(None, description="Anything else the interviewer should know.")
    language: str | None = Field(None, description="Interview language code (default en).")
    session_mode: SessionMode | None = Field(None, description="Default live_ai_interview.")
    visibility: Visibility | None = Field(None, description="Default team.")


class EvaluationTemplateId(_Input):
    template_id: UUID = Field(description="Evaluation template id (from list_evaluation_templates).")


class UpdateEvaluationTemplate(EvaluationTemplateId):
    template_name: str | None = Field(None, min_length=1, description="New name.")
    status: TemplateStatus | None = Field(None, description="draft, active or archived.")
    skills: list[str] | None = Field(None, description="Replaces the hard skills.")
    soft_skills: list[str] | None = Field(None, description="Replaces the soft skills.")
    objective: str | None = Field(None, description="New objective.")
    requirements: str | None = Field(None, description="New pass bar.")
    default_duration_minutes: int | None = Field(None, ge=1, description="New session length.")
    default_difficulty: Difficulty | None = Field(None, description="New default difficulty.")


class ListEvaluationTemplates(ListArguments):
    status: TemplateStatus | None = Field(None, description="Only templates with this status.")


class EvaluationTemplate(BaseModel):
    """An evaluation template as intervyo returns it."""

    model_config = ConfigDict(extra="ignore")

    id: UUID = Field(description="Evaluation template id.")
    template_name: str | None = Field(None, description="Role or programme name.")
    use_case: str | None = Field(None, description="hiring, admissions, training or custom_api.")
    description: str | None = Field(None, description="About the role.")
    objective: str | None = Field(None, description="What the interviews must find out.")
    success_outcome: str | None = Field(None, description="Decision vocabulary, e.g. hire_no_hire.")
    status: str | None = Field(None, description="draft, active or archived.")
    level: str | None = Field(None, description="Seniority.")
    requirements: str | None = Field(None, description="The pass bar.")
    skills: list[str] | None = Field(None, description="Hard skills.")
    soft_skills: list[str] | None = Field(None, description="Soft skills.")
    default_duration_minutes: int | None = Field(None, description="Session length.")
    default_difficulty: str | None = Field(None, description="Default difficulty.")
    industry: str | None = Field(None, description="Industry.")
    additional_context: str | None = Field(None, description="Extra context.")
    language: str | None = Field(None, description="Interview language.")
    session_mode: str | None = Field(None, description="How sessions run.")
    visibility: str | None = Field(None, description="Who can see the template.")
    created_at: datetime | None = Field(None, description="Creation time (UTC).")
    updated_at: datetime | None = Field(None, description="Last change (UTC).")


OPERATIONS = (
    Operation(
        name="list_evaluation_templates",
        title="List evaluation templates",
        description=(
            "List the workspace's evaluation templates (one per role or programme), optionally by status. "
            "Use a template id with list_evaluation_stages, list_participants or schedule_session. "
            "Paged: pass page while meta.page < meta.total_pages."
        ),
        toolset="evaluation_templates",
        method="GET",
        path="/evaluation-templates",
        scope=_SCOPE_READ,
        arguments=ListEvaluationTemplates,
        result=Page[EvaluationTemplate],
        annotations=READ,
        list_result=True,
    ),
    Operation(
        name="get_evaluation_template",
        title="Get an evaluation template",
        description="Fetch one evaluation template: role, skills, objective, requirements, defaults.",
        toolset="evaluation_templates",
        method="GET",
        path="/evaluation-templates/{template_id}",
        scope=_SCOPE_READ,
        arguments=EvaluationTemplateId,
        result=EvaluationTemplate,
        annotations=READ,
    ),
    Operation(
        name="create_evaluation_template",
        title="Create an evaluation template",
        description=(
            "Describe what to assess for a role: name, skills, objective and pass bar. Next, add stages "
            "(screen, technical, final) with create_evaluation_stage."
        ),
        toolset="evaluation_templates",
        method="POST",
        path="/evaluation-templates",
        scope=_SCOPE_WRITE,
        arguments=CreateEvaluationTemplate,
        result=EvaluationTemplate,
        annotations=CREATE,
        success_status=201,
    ),
    Operation(
        name="update_evaluation_template",
        title="Update an evaluation template",
        description="Change a template; only the fields given change, and lists replace the old ones.",
        toolset="evaluation_templates",
        method="PATCH",
        path="/evaluation-templates/{template_id}",
        scope=_SCOPE_WRITE,
        arguments=UpdateEvaluationTemplate,
        result=EvaluationTemplate,
        annotations=UPDATE,
    ),
)
