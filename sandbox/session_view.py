"""How a session document is shown to clients: base fields always, the scorecard once scored, signed links."""

from __future__ import annotations

from typing import Any

from sandbox.documents import public
from sandbox.runtime import Runtime
from sandbox.store import Doc

__all__ = ["SCORECARD_FIELDS", "render_session"]

SCORECARD_FIELDS = (
    "score",
    "passed",
    "recommendation",
    "evaluation_breakdown",
    "summary",
    "transcript_url",
    "recording_url",
    "authenticity_signals",
)


def render_session(runtime: Runtime, origin: str, doc: Doc) -> dict[str, Any]:
    """The session as the API returns it; links point at `origin` (the host the caller used)."""
    view = public(doc)
    session_id = doc["id"]
    view["join_url"] = runtime.links.url(origin, "join", session_id, expiring=False)
    if doc.get("scored_at"):
        view["transcript_url"] = runtime.links.url(origin, "transcripts", session_id)
        view["recording_url"] = runtime.links.url(origin, "recordings", session_id)
    elif doc.get("status") == "failed" and doc.get("_transcript"):
        view["transcript_url"] = runtime.links.url(origin, "transcripts", session_id)
    return view
