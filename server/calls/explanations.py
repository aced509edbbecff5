"""Errors that name what the model needs next, looked up under the caller's key.

An operation names its follow-up here in its declaration (`Operation.error_followup`). intervyo's 409
for a duplicate session says only that an open one exists; the model's next move should be
`reschedule_session` on *that* session, not `force=true` (a second invite and a second credit). Its 400
for an unknown stage label does not list the labels that exist. Both are completed with one read; when
the read fails, the original error stands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from server.errors import Issue, ToolError, UpstreamError
from server.local_times import echo_local

__all__ = ["schedule_session"]

Read = Callable[..., Awaitable[dict[str, Any]]]

_OPEN = ("scheduled", "in_progress")


async def schedule_session(arguments: dict[str, Any], error: ToolError, read: Read) -> ToolError:
    """`error`, with the open session or the valid stage types named where that helps."""
    if not isinstance(error, UpstreamError):
        return error  # e.g. arguments refused here: nothing was asked of intervyo, nothing is read
    try:
        if error.status == 409:
            return await _open_session(arguments, error, read)
        if error.status == 400 and any(issue.path[:1] == ("stage",) for issue in error.issues):
            return await _stage_types(arguments, error, read)
    except ToolError:
        pass
    return error


async def _open_session(arguments: dict[str, Any], error: ToolError, read: Read) -> ToolError:
    page = await read(
        "list_sessions",
        candidate_id=arguments.get("candidate_id"),
        evaluation_template_id=arguments.get("evaluation_template_id"),
        page_size=100,
        view="full",
    )
    stage = str(arguments.get("stage", ""))
    open_sessions = [
        row
        for row in page.get("items", [])
        if row.get("status") in _OPEN
        and row.get("stage") == stage
        and str(row.get("candidate_id")) == str(arguments.get("candidate_id"))
    ]
    if not open_sessions:
        return error
    row = echo_local(open_sessions[0], ["scheduled_at"])
    when = (
        f"at {row['scheduled_at']}, {row['scheduled_at_local']} local" if "scheduled_at_local" in row else ""
    )
    return replace(
        error,
        message=(
            f"This participant already has an open {stage} session for this template: session_id "
            f"{row['id']} ({row.get('status')} {when}). To change its time call "
            f'reschedule_session(session_id="{row["id"]}", scheduled_at=...); to drop it, cancel_session. '
            "Only for a deliberate second interview (a second invite and a second credit) call "
            "schedule_session again with force=true."
        ),
    )


async def _stage_types(arguments: dict[str, Any], error: ToolError, read: Read) -> ToolError:
    page = await read(
        "list_evaluation_stages",
        evaluation_template_id=arguments.get("evaluation_template_id"),
        page_size=100,
    )
    types = sorted(
        {
            str(row["type"])
            for row in page.get("items", [])
            if row.get("type") and row.get("status", "active") == "active"
        }
    )
    listed = ", ".join(types) if types else "none (create one with create_evaluation_stage)"
    note = Issue(("stage",), f"This template's stage types: {listed}. Pass one of them as stage.")
    return replace(error, issues=(*error.issues, note))
