"""A session's transcript document: the turns behind `transcript_url`, fenced as untrusted text.

intervyo serves the transcript (`{"session_id", "turns": [{"index", "speaker", "text", "at"}]}`) at the
session's presigned `transcript_url`, possibly on another host, so it is fetched without the key. Every
turn's text is fenced (`server.untrusted`): participants' turns are candidate-authored, the AI's turns
may quote them.
"""

from __future__ import annotations

from typing import Any

from server.untrusted import NOTICE, fence
from server.upstream.reads import Reads
from tools.scorecards import TranscriptDocument, TranscriptTurn

__all__ = ["transcript_document"]

_MAX_TURNS = 2000


async def transcript_document(
    reads: Reads, session: dict[str, Any], *, from_turn: int = 0, limit: int | None = None
) -> TranscriptDocument:
    """The transcript of `session` (a `get_session` result), or why there is none yet.

    With `limit`, only that many turns from position `from_turn` on, and `next_turn` says where the next
    page starts (the resource reads it whole; `get_transcript` pages it).
    """
    session_id = str(session["id"])
    status = session.get("status")
    url = session.get("transcript_url")
    if not isinstance(url, str) or not url:
        return _absent(session_id, status, _why_absent(status))
    body = await reads.document(url)
    turns = body.get("turns") if isinstance(body, dict) else None
    if not isinstance(turns, list):
        return _absent(session_id, status, "The transcript link did not answer; ask again in a minute.")
    rows = [raw for raw in turns[:_MAX_TURNS] if isinstance(raw, dict)]
    end = len(rows) if limit is None else min(len(rows), from_turn + limit)
    return TranscriptDocument(
        session_id=session_id,
        ready=True,
        status=status,
        notice=NOTICE,
        turns=[_turn(raw) for raw in rows[from_turn:end]],
        total_turns=len(rows) if limit is not None else None,
        next_turn=end if limit is not None and end < len(rows) else None,
    )


def _turn(raw: dict[str, Any]) -> TranscriptTurn:
    speaker = str(raw.get("speaker", "participant"))
    text = str(raw.get("text", ""))
    content = fence(text, "ai_interviewer") if speaker == "ai" else fence(text, "candidate")
    return TranscriptTurn(index=int(raw.get("index", 0)), speaker=speaker, at=raw.get("at"), content=content)


def _why_absent(status: str | None) -> str:
    if status in ("scheduled", "in_progress"):
        return f"Not ready: status is {status}; the transcript is published with the scorecard."
    if status == "completed":
        return (
            "Not ready: status is completed; the transcript is published with the scorecard, "
            "30 s-2 min after completion."
        )
    return f"No transcript: status is {status or 'unknown'}."


def _absent(session_id: str, status: str | None, message: str) -> TranscriptDocument:
    return TranscriptDocument(
        session_id=session_id, ready=False, status=status, message=message, notice=NOTICE, turns=[]
    )
