"""Participants: the people being evaluated (candidates, applicants, trainees).

The get and delete paths and the bulk import path and body are inferred. An email is unique per workspace
and template (the docs contradict themselves; we take "once per evaluation_template_id").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from tools.enums import ParticipantStatus
from tools.model_schema import shaped_as
from tools.operation import CREATE, DELETE, READ, UPDATE, Operation
from tools.paging import VIEW_DESCRIPTION, ListArguments, Page, View

__all__ = [
    "MAX_IMPORT",
    "OPERATIONS",
    "Background",
    "CreateParticipant",
    "ImportParticipants",
    "ImportResult",
    "ListParticipants",
    "Participant",
    "Profile",
    "UpdateParticipant",
]

MAX_IMPORT = 500

_SCOPE_READ = "candidates.read"
_SCOPE_WRITE = "candidates.write"
_SCOPE_DELETE = "candidates.delete"


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Profile(_Input):
    """Who the participant is."""

    title: str | None = Field(None, description="Current job title.")
    organization: str | None = Field(None, description="Current employer or school.")
    experienceLevel: str | None = Field(None, description="e.g. junior, mid, senior.")
    location: str | None = Field(None, description="City or country.")


class Background(_Input):
    """What the participant brings."""

    skills: list[str] | None = Field(None, description="Skills.")
    education: str | None = Field(None, description="Highest education.")
    languages: list[str] | None = Field(None, description="Spoken languages.")


class _ParticipantFields(_Input):
    evaluation_template_id: UUID | None = Field(
        None, description="The template (role) they are evaluated for."
    )
    external_id: str | None = Field(None, description="Your ATS id; echoed in webhooks.")
    phone: str | None = Field(None, description="Phone number.")
    tags: list[str] | None = Field(None, description="Labels (an update replaces the list).")
    profile: Profile | None = Field(None, description="Title, organisation, experience level, location.")
    background: Background | None = Field(None, description="Skills, education, languages.")
    resume_url: str | None = Field(None, description="Public URL of the resume.")
    pipeline_id: UUID | None = Field(None, description="Pipeline id.")
    metadata: dict[str, Any] | None = Field(None, description="Free-form key/value data.")
    status: ParticipantStatus | None = Field(None, description="active (default) or archived.")


class CreateParticipant(_ParticipantFields):
    name: str = Field(min_length=1, description="Full name.")
    email: EmailStr = Field(description="Email; unique per template (a duplicate is refused with 409).")


class ParticipantId(_Input):
    participant_id: UUID = Field(description="Participant id (from list_participants).")


class UpdateParticipant(_ParticipantFields):
    participant_id: UUID = Field(description="Participant id (from list_participants).")
    profile: Profile | None = Field(
        None,
        description="Title, organisation, experience level, location.",
        json_schema_extra=shaped_as("as create_participant"),
    )
    background: Background | None = Field(
        None,
        description="Skills, education, languages.",
        json_schema_extra=shaped_as("as create_participant"),
    )
    name: str | None = Field(None, min_length=1, description="New full name.")
    email: EmailStr | None = Field(None, description="New email.")


class ImportParticipants(_Input):
    participants: list[CreateParticipant] = Field(
        min_length=1,
        max_length=MAX_IMPORT,
        description=f"1-{MAX_IMPORT} participants; emails that already exist are skipped, not errors.",
        json_schema_extra=shaped_as("each as create_participant"),
    )


class ListParticipants(ListArguments):
    query: str | None = Field(None, min_length=1, exclude=True, description="Name or email part.")
    evaluation_template_id: UUID | None = Field(None, description="Only participants of this template.")
    status: ParticipantStatus | None = Field(None, description="Only active or only archived.")
    email: str | None = Field(None, description="Only the participant with this email.")
    view: View = Field("summary", exclude=True, description=VIEW_DESCRIPTION)


class Participant(BaseModel):
    """A participant as intervyo returns it."""

    model_config = ConfigDict(extra="ignore")

    id: UUID = Field(description="Participant id (a session's candidate_id).")
    name: str | None = Field(None, description="Full name.")
    email: str | None = Field(None, description="Email.")
    evaluation_template_id: UUID | None = Field(None, description="The template they are evaluated for.")
    external_id: str | None = Field(None, description="ATS id.")
    phone: str | None = Field(None, description="Phone.")
    tags: list[str] | None = Field(None, description="Labels.")
    profile: dict[str, Any] | None = Field(None, description="Title, organisation, level, location.")
    background: dict[str, Any] | None = Field(None, description="Skills, education, languages.")
    resume_url: str | None = Field(None, description="Resume URL.")
    pipeline_id: UUID | None = Field(None, description="Pipeline id.")
    metadata: dict[str, Any] | None = Field(None, description="Free-form data.")
    status: str | None = Field(None, description="active or archived.")
    created_at: datetime | None = Field(None, description="Creation time (UTC).")
    updated_at: datetime | None = Field(None, description="Last change (UTC).")


class SkippedParticipant(BaseModel):
    email: str = Field(description="The email that was not imported.")
    reason: str = Field(description="Why it was skipped.")


class ImportResult(BaseModel):
    """What a bulk import created and what it skipped."""

    created: list[Participant] = Field(description="Participants created.")
    skipped: list[SkippedParticipant] = Field(description="Rows skipped (duplicate emails).")


class Remaining(BaseModel):
    """What intervyo still holds about the deleted participant, counted under the caller's key."""

    sessions: int = Field(description="Their sessions, still readable by id.")
    scorecards: int = Field(description="Of those, scored: each carries a scorecard.")
    transcripts: int = Field(description="Of those, with a transcript.")
    session_ids: list[UUID] = Field(description="The sessions' ids.")
    counted: str = Field(description="How the counts were taken (complete or capped).")


class Deleted(BaseModel):
    """The participant record is gone; `remains` is what is not, and `erasure` how to get it erased."""

    deleted: bool = Field(description="True: the participant is gone.")
    id: UUID = Field(description="The deleted participant's id.")
    remains: Remaining | None = Field(None, description="What is still stored.")
    erasure: str | None = Field(None, description="How erasure of what remains works at intervyo.")


# What the participant (or whoever filled in their application) wrote: fenced wherever it is shown.
_AUTHORED = (
    "name",
    "email",
    "phone",
    "external_id",
    "resume_url",
    "tags.*",
    "profile.**",
    "background.**",
    "metadata.**",
)


def _each(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}.{path}" for path in _AUTHORED)


_DUPLICATE_EMAIL = (
    "A participant with this email already exists for this template{said}. Look it up with "
    "list_participants(email=...) and use or update that one."
)

OPERATIONS = (
    Operation(
        name="list_participants",
        title="List participants",
        description=(
            "Find participants (candidates), by template, status or exact email. Use it before "
            "create_participant to avoid duplicates, and to get the candidate_id for schedule_session. "
            "Paged: pass page while meta.page < meta.total_pages."
        ),
        toolset="participants",
        method="GET",
        path="/participants",
        scope=_SCOPE_READ,
        arguments=ListParticipants,
        result=Page[Participant],
        annotations=READ,
        list_result=True,
        candidate_authored=_each("items.*"),
    ),
    Operation(
        name="get_participant",
        title="Get a participant",
        description="Fetch one participant with profile, background, tags and metadata.",
        toolset="participants",
        method="GET",
        path="/participants/{participant_id}",
        scope=_SCOPE_READ,
        arguments=ParticipantId,
        result=Participant,
        annotations=READ,
        candidate_authored=_AUTHORED,
    ),
    Operation(
        name="create_participant",
        title="Create a participant",
        description=(
            "Add a person to evaluate (name and email, ideally the template). An email already used for "
            "the same template is refused: look it up with list_participants(email=...). Next: "
            "schedule_session."
        ),
        toolset="participants",
        method="POST",
        path="/participants",
        scope=_SCOPE_WRITE,
        arguments=CreateParticipant,
        result=Participant,
        annotations=CREATE,
        success_status=201,
        candidate_authored=_AUTHORED,
        error_text={409: _DUPLICATE_EMAIL},
    ),
    Operation(
        name="update_participant",
        title="Update a participant",
        description="Change a participant; only the fields given change, and tags replaces the list.",
        toolset="participants",
        method="PATCH",
        path="/participants/{participant_id}",
        scope=_SCOPE_WRITE,
        arguments=UpdateParticipant,
        result=Participant,
        annotations=UPDATE,
        candidate_authored=_AUTHORED,
        error_text={409: _DUPLICATE_EMAIL},
    ),
    Operation(
        name="delete_participant",
        title="Delete a participant",
        description="Permanently delete a participant. Cannot be undone; prefer status=archived to hide one.",
        toolset="participants",
        method="DELETE",
        path="/participants/{participant_id}",
        scope=_SCOPE_DELETE,
        arguments=ParticipantId,
        result=Deleted,
        annotations=DELETE,
        success_status=204,
    ),
    Operation(
        name="import_participants",
        title="Import participants in bulk",
        description=(
            f"Create up to {MAX_IMPORT} participants in one call. Emails that already exist are skipped "
            "and listed under skipped, so re-running an import is safe."
        ),
        toolset="participants",
        method="POST",
        path="/participants/bulk",
        scope=_SCOPE_WRITE,
        arguments=ImportParticipants,
        result=ImportResult,
        annotations=UPDATE,  # re-running skips what exists: idempotent, not destructive
        success_status=201,
        candidate_authored=(*_each("created.*"), "skipped.*.email"),
    ),
)
