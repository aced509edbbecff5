"""Sessions: one AI interview each, from scheduling to the scorecard.

Inferred here: the get path, cancel (`POST /sessions/{id}/cancel`, 409 unless `scheduled`), `language`,
the duplicate-session rule, and the names inside the scorecard (breakdown items, authenticity signals).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tools.enums import SessionStatus
from tools.operation import CREATE, READ, UPDATE, Annotations, Operation
from tools.paging import VIEW_DESCRIPTION, ListArguments, Page, View

__all__ = [
    "MAX_IDEMPOTENCY_KEY",
    "MAX_NOTES",
    "OPERATIONS",
    "TERMINAL_STATUSES",
    "AuthenticitySignals",
    "DimensionScore",
    "RescheduleSession",
    "ScheduleSession",
    "ScheduledSession",
    "Session",
]

MAX_NOTES = 1000
MAX_IDEMPOTENCY_KEY = 255
TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})

_SCOPE_READ = "interviews.read"
_SCOPE_WRITE = "interviews.write"


def _number(value: object) -> object:
    """Scores arrive as numbers or as strings ("8.2" in the webhook example); emit a number."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


Score = Annotated[float, BeforeValidator(_number)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScheduleSession(_Input):
    candidate_id: UUID = Field(description="Participant id (from list_participants or create_participant).")
    evaluation_template_id: UUID = Field(description="The template (role) to evaluate against.")
    stage: str = Field(
        min_length=1, description="Stage label, e.g. screen, technical, final (a stage's type)."
    )
    interview_id: UUID | None = Field(
        None, description="A specific stage id; by default the template's active stage of that type."
    )
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_IDEMPOTENCY_KEY,
        description=(
            "Stable key such as 'ats-job-8821-stage-screen': replaying it returns the original session "
            "instead of scheduling again. One is derived for you when omitted."
        ),
    )
    scheduled_at: datetime | None = Field(None, description="When, ISO 8601 UTC, e.g. 2026-06-02T07:48:31Z.")
    timezone: str | None = Field(
        None, description="IANA timezone for the invite, e.g. Europe/Paris (default UTC)."
    )
    notes: str | None = Field(
        None, max_length=MAX_NOTES, description="Internal notes, up to 1000 characters."
    )
    force: bool | None = Field(
        None,
        description="Schedule even if the candidate has an open session for this stage (default false).",
    )
    language: str | None = Field(None, description="Interview language code, e.g. en.")


class SessionId(_Input):
    session_id: UUID = Field(description="Session id (from list_sessions or schedule_session).")


class RescheduleSession(SessionId):
    scheduled_at: datetime = Field(description="New time, ISO 8601 UTC.")
    # Read here, never sent: the API takes only the time.
    timezone: str | None = Field(None, exclude=True, description="IANA zone (default the invite's).")


class ListSessions(ListArguments):
    status: SessionStatus | None = Field(None, description="Only sessions in this status.")
    candidate_id: UUID | None = Field(None, description="Only this participant's sessions.")
    evaluation_template_id: UUID | None = Field(None, description="Only sessions for this template.")
    # The API filters by none of these: the server pages and filters itself (server.calls.list_filters).
    stage: str | None = Field(None, exclude=True, description="Stage type.")
    scheduled_after: datetime | None = Field(None, exclude=True, description="From (ISO).")
    scheduled_before: datetime | None = Field(None, exclude=True, description="Before (ISO).")
    view: View = Field("summary", exclude=True, description=VIEW_DESCRIPTION)


class DimensionScore(BaseModel):
    """One scored dimension: score 0-10, weight in the overall score, reasoning, and the transcript turn
    indexes it cites."""

    model_config = ConfigDict(extra="ignore")

    dimension: str = Field(description="Dimension name.")
    score: Score | None = Field(None, description="0-10.")
    weight: float | None = Field(None, description="Weight in the overall score (sum 100).")
    reasoning: str | None = Field(None, description="Why this score, citing the transcript.")
    citations: list[int] | None = Field(None, description="Transcript turn indexes the reasoning cites.")


class AuthenticitySignals(BaseModel):
    """Integrity signals, passed on verbatim: observations, never a verdict."""

    model_config = ConfigDict(extra="ignore")

    tab_switches: int | None = Field(None, description="Times the participant left the tab.")
    paste_events: int | None = Field(None, description="Pastes into the answer field.")
    voice_spoofing_flags: int | None = Field(None, description="Voice anomalies flagged.")
    screen_share_detected: bool | None = Field(None, description="A screen share was seen.")


class Session(BaseModel):
    """An interview session. Once scored it carries the scorecard: score 0-10 (weighted mean of the
    breakdown), passed (met the stage's threshold), recommendation (e.g. hire / no_hire), summary."""

    model_config = ConfigDict(extra="ignore")

    id: UUID = Field(description="Session id.")
    status: str | None = Field(None, description="scheduled, in_progress, completed, failed or cancelled.")
    candidate_id: UUID | None = Field(None, description="Participant id.")
    evaluation_template_id: UUID | None = Field(None, description="Template id.")
    interview_id: UUID | None = Field(None, description="Evaluation stage id.")
    stage: str | None = Field(None, description="Stage label.")
    candidate_name: str | None = Field(None, description="Participant's name.")
    scheduled_at: datetime | None = Field(None, description="Scheduled time (UTC).")
    scheduled_at_local: str | None = Field(None, description="Scheduled time in the invite's timezone.")
    timezone: str | None = Field(None, description="IANA timezone of the invite.")
    notes: str | None = Field(None, description="Internal notes.")
    language: str | None = Field(None, description="Interview language.")
    join_url: str | None = Field(None, description="The participant's link to the interview.")
    external_id: str | None = Field(None, description="The participant's ATS id.")
    created_at: datetime | None = Field(None, description="Creation time.")
    updated_at: datetime | None = Field(None, description="Last change.")
    started_at: datetime | None = Field(None, description="When the participant joined.")
    completed_at: datetime | None = Field(None, description="When the interview ended.")
    scored_at: datetime | None = Field(None, description="When the scorecard was finalised.")
    created_at_local: str | None = Field(None, description="created_at in the invite's timezone.")
    updated_at_local: str | None = Field(None, description="updated_at in the invite's timezone.")
    started_at_local: str | None = Field(None, description="started_at in the invite's timezone.")
    completed_at_local: str | None = Field(None, description="completed_at in the invite's timezone.")
    scored_at_local: str | None = Field(None, description="scored_at in the invite's timezone.")
    score: Score | None = Field(None, description="Overall 0-10, the weighted mean of the dimensions.")
    passed: bool | None = Field(None, description="Whether the score met the stage's threshold.")
    recommendation: str | None = Field(None, description="e.g. hire / no_hire, in the use case's vocabulary.")
    evaluation_breakdown: list[DimensionScore] | None = Field(None, description="Per-dimension scores.")
    summary: str | None = Field(None, description="What went well; what to probe next round.")
    transcript_url: str | None = Field(None, description="Where the transcript is served.")
    recording_url: str | None = Field(None, description="Recording (presigned, valid 1 hour).")
    authenticity_signals: AuthenticitySignals | None = Field(None, description="Integrity observations.")
    idempotent: bool | None = Field(
        None, description="True when an earlier session was returned for a replayed idempotency_key."
    )


class ScheduledSession(Session):
    """`schedule_session`'s result: the session and the idempotency key the call was sent with."""

    idempotency_key: str | None = Field(
        None,
        description="The key this call was sent with (yours, or the one derived from the arguments). A "
        "retry with it within 24 h never schedules twice; with other arguments it is refused.",
    )


class Rescheduled(BaseModel):
    """The new time as intervyo stored it (read back after the API's bare {"success": true})."""

    success: bool = Field(description="True when the new time was accepted.")
    session_id: UUID | None = Field(None, description="The rescheduled session.")
    scheduled_at: datetime | None = Field(None, description="The new time.")
    scheduled_at_local: str | None = Field(None, description="The stored time in the invite's timezone.")
    timezone: str | None = Field(None, description="The invite's IANA timezone.")


# Written from what the candidate said (the summary names and quotes them), or copied from their record.
_AUTHORED = ("summary", "evaluation_breakdown.*.reasoning", "external_id")

_NOT_SCHEDULED = (
    "Only a scheduled session can be {verb}; this one has started, finished or been cancelled{{said}}. "
    "Check it with get_session."
)

OPERATIONS = (
    Operation(
        name="list_sessions",
        title="List interview sessions",
        description=(
            "List interview sessions, newest first, by status, participant (candidate_id) or template. "
            "Scored sessions carry score, passed and recommendation. Paged: pass page while "
            "meta.page < meta.total_pages."
        ),
        toolset="sessions",
        method="GET",
        path="/sessions",
        scope=_SCOPE_READ,
        arguments=ListSessions,
        result=Page[Session],
        annotations=READ,
        list_result=True,
        candidate_authored=tuple(f"items.*.{path}" for path in _AUTHORED),
    ),
    Operation(
        name="get_session",
        title="Get a session",
        description=(
            "Fetch one session: status, join link, times, and once scored (30 s-2 min after completion) "
            "the scorecard: score, passed, recommendation, per-dimension breakdown and summary."
        ),
        toolset="sessions",
        method="GET",
        path="/sessions/{session_id}",
        scope=_SCOPE_READ,
        arguments=SessionId,
        result=Session,
        annotations=READ,
        candidate_authored=_AUTHORED,
    ),
    Operation(
        name="schedule_session",
        title="Schedule an interview session",
        description=(
            "Schedule an AI interview for a participant at a template's stage; the invite goes out and the "
            "session has a join_url. Costs one credit. Safe to retry: the same idempotency_key (returned in "
            "every result and error) returns the original session. A 409 means an open session exists "
            "(force=true schedules anyway) or the key was used for other arguments."
        ),
        toolset="sessions",
        method="POST",
        path="/sessions",
        scope=_SCOPE_WRITE,
        arguments=ScheduleSession,
        result=ScheduledSession,
        annotations=CREATE,
        success_status=201,
        candidate_authored=_AUTHORED,
        error_followups="server.calls.explanations:schedule_session",
        error_text={
            409: (
                "This participant already has an open (scheduled or in-progress) session for this template "
                "and stage{said}. Find it with list_sessions(candidate_id={candidate_id}) and move it with "
                "reschedule_session; force=true schedules a second one (a second invite and credit)."
            ),
        },
    ),
    Operation(
        name="reschedule_session",
        title="Reschedule a session",
        description="Move a scheduled session to a new time. Finished or cancelled sessions cannot move.",
        toolset="sessions",
        method="PATCH",
        path="/sessions/{session_id}",
        scope=_SCOPE_WRITE,
        arguments=RescheduleSession,
        result=Rescheduled,
        annotations=UPDATE,
        error_text={409: _NOT_SCHEDULED.format(verb="rescheduled")},
    ),
    Operation(
        name="cancel_session",
        title="Cancel a session",
        description=(
            "Cancel a session that has not started (status scheduled); the participant can no longer "
            "join. Returns the cancelled session."
        ),
        toolset="sessions",
        method="POST",
        path="/sessions/{session_id}/cancel",
        scope=_SCOPE_WRITE,
        arguments=SessionId,
        result=Session,
        # destructive like a delete, but a second call is refused (409), so not idempotent
        annotations=Annotations(read_only=False, destructive=True, idempotent=False),
        candidate_authored=_AUTHORED,
        error_text={409: _NOT_SCHEDULED.format(verb="cancelled")},
    ),
)
