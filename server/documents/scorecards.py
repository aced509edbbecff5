"""A session's scorecard document, built from the session intervyo returns (it carries the scorecard
fields once scored), and the "not ready" answer before that.

The scorecard is finalised 30 s - 2 min after the session completes; a failed or cancelled session never
gets one. The same document backs the resource `intervyo://sessions/{id}/scorecard`, `get_scorecard`
and `wait_for_scorecard`.
"""

from __future__ import annotations

from typing import Any

from server.documents.uris import scorecard_uri, transcript_uri
from server.local_times import echo_local
from tools.scorecards import ScorecardDocument, ScorecardLinks

__all__ = [
    "SCORING_DELAY",
    "is_scored",
    "not_ready_message",
    "retry_after_s",
    "scorecard_document",
]

_TIMES = ("completed_at", "scored_at")

SCORING_DELAY = "scorecards arrive 30 s-2 min after completion"

_RETRY_AFTER_S = {"completed": 30, "in_progress": 120, "scheduled": 300}


def is_scored(session: dict[str, Any]) -> bool:
    return bool(session.get("scored_at")) or session.get("score") is not None


def not_ready_message(status: str | None) -> str:
    """Why there is no scorecard yet, and what to do next, for a session in `status`."""
    shown = status or "unknown"
    if status in ("failed", "cancelled"):
        return f"No scorecard: status is {shown}; {status} sessions are never scored."
    step = {
        "completed": "ask again in about 30 seconds, or call wait_for_scorecard",
        "in_progress": "the interview is still running; ask again after it completes",
        "scheduled": "the candidate has not joined yet",
    }.get(shown, "ask again later")
    return f"Not ready: status is {shown}; {SCORING_DELAY} ({step})."


def retry_after_s(status: str | None) -> int | None:
    return _RETRY_AFTER_S.get(status or "")


def scorecard_document(session: dict[str, Any]) -> ScorecardDocument:
    """The scorecard of `session` (a `get_session` result), or why it is not ready."""
    session_id = str(session["id"])
    scored = is_scored(session)
    status = session.get("status")
    links = ScorecardLinks(
        scorecard_resource=scorecard_uri(session_id),
        transcript_resource=transcript_uri(session_id),
        join_url=session.get("join_url"),
        transcript_url=session.get("transcript_url"),
        recording_url=session.get("recording_url"),
    )
    common: dict[str, Any] = {
        "session_id": session_id,
        "status": status,
        "stage": session.get("stage"),
        "candidate_id": session.get("candidate_id"),
        "evaluation_template_id": session.get("evaluation_template_id"),
        "interview_id": session.get("interview_id"),
        "completed_at": session.get("completed_at"),
        "links": links,
    }
    # Times as stored (UTC) and in the invite's own timezone, like every session result.
    local = echo_local({k: session.get(k) for k in ("completed_at", "scored_at", "timezone")}, _TIMES)
    common["completed_at_local"] = local.get("completed_at_local")
    if not scored:
        return ScorecardDocument(
            ready=False, message=not_ready_message(status), retry_after_s=retry_after_s(status), **common
        )
    return ScorecardDocument(
        ready=True,
        scored_at=session.get("scored_at"),
        scored_at_local=local.get("scored_at_local"),
        score=session.get("score"),
        passed=session.get("passed"),
        recommendation=session.get("recommendation"),
        dimensions=session.get("evaluation_breakdown"),
        summary=session.get("summary"),
        authenticity_signals=session.get("authenticity_signals"),
        **common,
    )
