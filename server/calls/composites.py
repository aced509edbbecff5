"""The composite tools' handlers: tools the server answers itself from several reads (`tools.COMPOSITES`).

Each declaration names its handler here (`Composite.implementation`); the dispatcher
(`server.calls.dispatch`) validates the arguments and calls it with a `CompositeCall`: the request, its
caller and what the handler may use.

`get_scorecard` and `get_transcript` return the same documents as the scorecard and transcript
resources, for clients that do not support resources. `wait_for_scorecard` re-reads the session every
`wait_poll_interval_s` (and at once when the bus announces an update for it), reports progress while it
waits, and returns the scorecard as soon as it exists, or after the wait (default `wait_default_s`,
inside a client's ~60 s tool budget) a "not yet" saying when to ask again.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio
from mcp.server import ServerRequestContext
from mcp.server.subscriptions import ResourceUpdated, ServerEvent
from pydantic import BaseModel

from server.caller import Caller
from server.documents.scorecards import scorecard_document
from server.documents.transcripts import transcript_document
from server.documents.uris import scorecard_uri
from server.live.bus import Bus
from server.local_times import echo_local
from server.settings import Settings
from server.upstream.reads import Reads
from server.upstream.results import tool_result
from tools.scorecards import (
    TRANSCRIPT_PAGE,
    GetScorecard,
    GetTranscript,
    ScorecardDocument,
    TranscriptDocument,
    WaitForScorecard,
)

__all__ = [
    "CompositeCall",
    "composite_result",
    "get_scorecard",
    "get_transcript",
    "wait_for_scorecard",
]

_NEVER_SCORED = frozenset({"failed", "cancelled"})
_ASK_AGAIN_S = 30


@dataclass(frozen=True, slots=True)
class CompositeCall:
    """What a composite tool's handler works with: its request, caller, reads and the update bus."""

    ctx: ServerRequestContext[Any]
    caller: Caller
    reads: Reads
    bus: Bus
    settings: Settings


async def get_scorecard(call: CompositeCall, arguments: GetScorecard) -> ScorecardDocument:
    return scorecard_document(await call.reads.session(str(arguments.session_id), call.caller.key))


async def get_transcript(call: CompositeCall, arguments: GetTranscript) -> TranscriptDocument:
    session = await call.reads.session(str(arguments.session_id), call.caller.key)
    return await transcript_document(
        call.reads, session, from_turn=arguments.from_turn, limit=TRANSCRIPT_PAGE
    )


async def wait_for_scorecard(call: CompositeCall, arguments: WaitForScorecard) -> ScorecardDocument:
    session_id = str(arguments.session_id)
    budget = float(arguments.timeout_s or call.settings.wait_default_s)
    started = time.monotonic()
    wake = _Wake(scorecard_uri(session_id))
    unsubscribe = call.bus.subscribe(wake.hear)
    try:
        while True:
            session = await call.reads.session(session_id, call.caller.key)
            document = scorecard_document(session)
            if document.ready or document.status in _NEVER_SCORED:
                return document
            if document.status == "scheduled":
                return _not_due(document, session)
            waited = time.monotonic() - started
            await call.ctx.session.report_progress(
                min(waited, budget), budget, f"Waiting for the scorecard: status is {document.status}."
            )
            if waited >= budget:
                break
            await wake.wait(min(call.settings.wait_poll_interval_s, budget - waited))
    finally:
        unsubscribe()
    return document.model_copy(
        update={
            "message": (
                f"Not yet: still not scored after waiting {budget:.0f} s (status is {document.status}); "
                f"scorecards arrive 30 s-2 min after completion. Call wait_for_scorecard again in "
                f"about {_ASK_AGAIN_S} s."
            ),
            "retry_after_s": _ASK_AGAIN_S,
        }
    )


def _not_due(document: ScorecardDocument, session: dict[str, Any]) -> ScorecardDocument:
    """A session that has not started cannot be scored within any wait: say when it is, at once."""
    times = echo_local({k: session.get(k) for k in ("scheduled_at", "timezone")}, ["scheduled_at"])
    when = session.get("scheduled_at")
    starts = f" for {when} ({times.get('scheduled_at_local')} local)" if when else ""
    seconds = _seconds_until(when)
    return document.model_copy(
        update={
            "message": (
                f"Not due: the interview is scheduled{starts} and has not started; its scorecard comes "
                "30 s-2 min after it ends. Call wait_for_scorecard once it has taken place."
            ),
            "retry_after_s": max(_ASK_AGAIN_S, seconds),
        }
    )


def _seconds_until(when: object) -> int:
    if not isinstance(when, str):
        return 0
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((moment - datetime.now(UTC)).total_seconds()))


def composite_result(document: BaseModel) -> dict[str, Any]:
    """A composite tool's result in wire form: the document, and its message first in the text."""
    structured = document.model_dump(mode="json", exclude_none=True)
    message = structured.get("message")
    text = json.dumps(structured, ensure_ascii=False, separators=(",", ":"))
    return tool_result(f"{message}\n{text}" if message else text, structured)


class _Wake:
    """Set when the bus announces an update of `uri`; `wait` sleeps until then or for `seconds`."""

    def __init__(self, uri: str) -> None:
        self._uri = uri
        self._event = anyio.Event()

    def hear(self, event: ServerEvent) -> None:
        if isinstance(event, ResourceUpdated) and event.uri == self._uri:
            self._event.set()

    async def wait(self, seconds: float) -> None:
        with anyio.move_on_after(seconds):
            await self._event.wait()
        self._event = anyio.Event()
