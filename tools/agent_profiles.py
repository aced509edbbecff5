"""Agent profiles: the AI interviewer (persona, scoring dimensions, tone, difficulty).

Upstream fields here are camelCase (`useCase`, `evaluationDimensions`, `isPublic`, `sourceId`); they are
kept exactly, unlike every other area. Paths and list/get parameters are inferred.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tools.enums import InteractionDifficulty, ProbingDepth, ScoringMethod, ScoringScale, Style, Tone, UseCase
from tools.model_schema import shaped_as
from tools.operation import CREATE, READ, UPDATE, Operation
from tools.paging import ListArguments, Page

__all__ = [
    "OPERATIONS",
    "AgentProfile",
    "Context",
    "CreateAgentProfile",
    "Dimension",
    "Interaction",
    "Output",
    "Scoring",
    "UpdateAgentProfile",
]

_SCOPE_READ = "interviews.read"
_SCOPE_WRITE = "interviews.write"
_WEIGHT_TOTAL = 100


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Dimension(_Input):
    """One thing the interviewer scores."""

    name: str = Field(min_length=1, description="Dimension name, e.g. 'System design'.")
    description: str = Field(min_length=1, description="What good looks like on this dimension.")
    weight: int = Field(ge=0, le=100, description="Integer weight; all weights of a profile sum to 100.")


class Context(_Input):
    """Background the interviewer is given."""

    organizationContext: str | None = Field(None, description="About the organisation.")
    domainContext: str | None = Field(None, description="About the field or role domain.")
    scenarioContext: str | None = Field(None, description="The situation the interview simulates.")


class Interaction(_Input):
    """How the interviewer behaves."""

    tone: Tone | None = Field(None, description="Interviewer tone.")
    style: Style | None = Field(None, description="Question flow.")
    difficulty: InteractionDifficulty | None = Field(None, description="Question difficulty.")
    probingDepth: ProbingDepth | None = Field(None, description="How hard follow-ups dig.")


class Scoring(_Input):
    """How the interviewer scores."""

    scale: ScoringScale | None = Field(None, description="Score scale shown in the dashboard.")
    scoringMethod: ScoringMethod | None = Field(None, description="How dimension scores combine.")
    recommendationLogic: str | None = Field(None, description="Free-text rule for the recommendation.")


class Output(_Input):
    """What the scorecard includes (each defaults to true)."""

    includeTranscript: bool | None = Field(None, description="Attach the transcript.")
    includeScoreBreakdown: bool | None = Field(None, description="Per-dimension scores.")
    includeRecommendation: bool | None = Field(None, description="A hire/no-hire style recommendation.")
    includeImprovementFeedback: bool | None = Field(None, description="Feedback for the participant.")


def _weights_sum_to_100(dimensions: list[Dimension] | None) -> list[Dimension] | None:
    if dimensions is not None:
        total = sum(d.weight for d in dimensions)
        if total != _WEIGHT_TOTAL:
            raise ValueError(f"weights must sum to {_WEIGHT_TOTAL}, got {total}")
    return dimensions


_DIMENSIONS = "Scoring dimensions (replaces all); integer weights must sum to 100."


class CreateAgentProfile(_Input):
    name: str = Field(min_length=1, description="Profile name, e.g. 'Senior backend interviewer'.")
    persona: str = Field(min_length=1, description="How the AI introduces itself to the participant.")
    useCase: UseCase = Field(description="What the interviews are for; sets the recommendation vocabulary.")
    evaluationDimensions: list[Dimension] = Field(min_length=1, description=_DIMENSIONS)
    context: Context | None = Field(None, description="Organisation, domain and scenario background.")
    interaction: Interaction | None = Field(None, description="Tone, style, difficulty, probing depth.")
    scoring: Scoring | None = Field(None, description="Scale, method and recommendation logic.")
    output: Output | None = Field(None, description="What the scorecard includes.")
    additionalInstructions: str | None = Field(None, description="Extra instructions for the interviewer.")
    isPublic: bool | None = Field(None, description="Publish to the shared library (default false).")

    @field_validator("evaluationDimensions")
    @classmethod
    def _weights(cls, value: list[Dimension] | None) -> list[Dimension] | None:
        return _weights_sum_to_100(value)


class ForkAgentProfile(_Input):
    sourceId: UUID = Field(description="Id of a public agent profile (or one of your own) to copy.")


class AgentProfileId(_Input):
    agent_profile_id: UUID = Field(description="Agent profile id (from list_agent_profiles).")


_AS_CREATED = shaped_as("as in create_agent_profile")


class UpdateAgentProfile(AgentProfileId):
    name: str | None = Field(None, min_length=1, description="New name.")
    persona: str | None = Field(None, min_length=1, description="New persona.")
    context: Context | None = Field(
        None, description="New background (replaces it).", json_schema_extra=_AS_CREATED
    )
    interaction: Interaction | None = Field(
        None, description="New interaction settings.", json_schema_extra=_AS_CREATED
    )
    evaluationDimensions: list[Dimension] | None = Field(
        None,
        min_length=1,
        description="Scoring dimensions (replaces all); integer weights must sum to 100.",
        json_schema_extra=_AS_CREATED,
    )
    scoring: Scoring | None = Field(None, description="New scoring settings.", json_schema_extra=_AS_CREATED)
    isPublic: bool | None = Field(None, description="Publish to or withdraw from the shared library.")
    additionalInstructions: str | None = Field(None, description="New extra instructions.")

    @field_validator("evaluationDimensions")
    @classmethod
    def _weights(cls, value: list[Dimension] | None) -> list[Dimension] | None:
        return _weights_sum_to_100(value)


class ListAgentProfiles(ListArguments):
    pass


class AgentProfile(BaseModel):
    """An agent profile as intervyo returns it."""

    model_config = ConfigDict(extra="ignore")

    id: UUID = Field(description="Agent profile id.")
    name: str | None = Field(None, description="Profile name.")
    persona: str | None = Field(None, description="How the AI introduces itself.")
    useCase: str | None = Field(None, description="hiring, admissions, training or custom_api.")
    evaluationDimensions: list[dict[str, object]] | None = Field(
        None, description="Scoring dimensions: name, description, weight (sum 100)."
    )
    context: dict[str, object] | None = Field(None, description="Background given to the interviewer.")
    interaction: dict[str, object] | None = Field(None, description="Tone, style, difficulty, probing.")
    scoring: dict[str, object] | None = Field(None, description="Scale, method, recommendation logic.")
    output: dict[str, object] | None = Field(None, description="What the scorecard includes.")
    additionalInstructions: str | None = Field(None, description="Extra instructions.")
    isPublic: bool | None = Field(None, description="Published to the shared library.")
    sourceId: UUID | None = Field(None, description="The profile this one was forked from.")
    created_at: datetime | None = Field(None, description="Creation time (UTC).")
    updated_at: datetime | None = Field(None, description="Last change (UTC).")


OPERATIONS = (
    Operation(
        name="list_agent_profiles",
        title="List agent profiles",
        description=(
            "List the workspace's AI interviewer profiles (persona, scoring dimensions, tone). Use it to "
            "find an agent_profile_id for create_evaluation_stage. Paged: pass page while "
            "meta.page < meta.total_pages."
        ),
        toolset="agent_profiles",
        method="GET",
        path="/agent-profiles",
        scope=_SCOPE_READ,
        arguments=ListAgentProfiles,
        result=Page[AgentProfile],
        annotations=READ,
        list_result=True,
    ),
    Operation(
        name="get_agent_profile",
        title="Get an agent profile",
        description="Fetch one agent profile with its dimensions, interaction and scoring settings.",
        toolset="agent_profiles",
        method="GET",
        path="/agent-profiles/{agent_profile_id}",
        scope=_SCOPE_READ,
        arguments=AgentProfileId,
        result=AgentProfile,
        annotations=READ,
    ),
    Operation(
        name="create_agent_profile",
        title="Create an agent profile",
        description=(
            "Create an AI interviewer: persona, use case and scoring dimensions whose integer weights "
            "sum to 100. Returns the profile; attach it to a stage with create_evaluation_stage."
        ),
        toolset="agent_profiles",
        method="POST",
        path="/agent-profiles",
        scope=_SCOPE_WRITE,
        arguments=CreateAgentProfile,
        result=AgentProfile,
        annotations=CREATE,
        success_status=201,
    ),
    Operation(
        name="fork_agent_profile",
        title="Fork a public agent profile",
        description=(
            "Copy a public agent profile (or one of your own) into this workspace, to use or adjust with "
            "update_agent_profile. Returns the new profile."
        ),
        toolset="agent_profiles",
        method="POST",
        path="/agent-profiles",
        scope=_SCOPE_WRITE,
        arguments=ForkAgentProfile,
        result=AgentProfile,
        annotations=CREATE,
        fixed_query={"action": "fork"},
        success_status=201,
        error_text={
            404: (
                "No public agent profile with id {sourceId} (or it is not public and not yours). Find one "
                "with list_agent_profiles."
            ),
        },
    ),
    Operation(
        name="update_agent_profile",
        title="Update an agent profile",
        description=(
            "Change an agent profile; only the fields given change. evaluationDimensions replaces the "
            "whole list (weights sum to 100). useCase and output cannot be changed."
        ),
        toolset="agent_profiles",
        method="PATCH",
        path="/agent-profiles/{agent_profile_id}",
        scope=_SCOPE_WRITE,
        arguments=UpdateAgentProfile,
        result=AgentProfile,
        annotations=UPDATE,
    ),
)
