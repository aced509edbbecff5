"""`compare_candidates`: a template's scored candidates, one row each, from reads under the caller's key.

Completed sessions are read newest first (up to `MAX_SESSIONS`), each candidate keeps their most
recently scored session (of the stage asked for, if any), and names come from the template's
participants. Dimensions are listed in the order the scorecards give them, with their weights.
"""

from __future__ import annotations

from typing import Any

from server.calls.composites import CompositeCall
from server.documents.scorecards import SCORING_DELAY, is_scored
from server.upstream.reads import Reads
from tools.comparisons import MAX_SESSIONS, CandidateRow, CompareCandidates, Comparison, DimensionWeight

__all__ = ["compare", "compare_candidates"]

_PAGE = 100


async def compare_candidates(call: CompositeCall, arguments: CompareCandidates) -> Comparison:
    """The `compare_candidates` tool (`tools.comparisons`), under the caller's key."""
    return await compare(call.reads, arguments, call.caller.key)


async def compare(reads: Reads, arguments: CompareCandidates, key: str) -> Comparison:
    """The comparison `arguments` ask for, read under `key`."""
    template_id = str(arguments.evaluation_template_id)
    template = await reads.get("get_evaluation_template", key, template_id=template_id)
    sessions, total = await _pages(
        reads, "list_sessions", key, evaluation_template_id=template_id, status="completed"
    )
    latest: dict[str, dict[str, Any]] = {}
    for session in sessions:
        if not is_scored(session) or not session.get("candidate_id"):
            continue
        if arguments.stage is not None and session.get("stage") != arguments.stage:
            continue
        candidate = str(session["candidate_id"])
        if candidate not in latest or _scored_at(session) > _scored_at(latest[candidate]):
            latest[candidate] = session
    names = await _names(reads, key, template_id) if latest else {}
    dimensions: dict[str, float | None] = {}
    rows = []
    for candidate, session in latest.items():
        scores: dict[str, float | None] = {}
        for dimension in session.get("evaluation_breakdown") or []:
            name = str(dimension.get("dimension", ""))
            dimensions.setdefault(name, dimension.get("weight"))
            scores[name] = dimension.get("score")
        rows.append(
            CandidateRow(
                candidate_id=candidate,
                name=names.get(candidate),
                session_id=session["id"],
                stage=session.get("stage"),
                score=session.get("score"),
                passed=session.get("passed"),
                recommendation=session.get("recommendation"),
                scored_at=session.get("scored_at"),
                scores=scores,
            )
        )
    rows.sort(key=lambda row: (row.score is None, -(row.score or 0.0), row.name or ""))
    return Comparison(
        evaluation_template_id=template_id,
        template_name=template.get("template_name"),
        stage=arguments.stage,
        dimensions=[DimensionWeight(name=name, weight=weight) for name, weight in dimensions.items()],
        candidates=rows,
        sessions_scanned=len(sessions),
        truncated=total > len(sessions),
        message=None if rows else _nothing_yet(arguments.stage, len(sessions)),
    )


async def _pages(reads: Reads, tool: str, key: str, **filters: object) -> tuple[list[dict[str, Any]], int]:
    """Rows of every page of a list operation, up to `MAX_SESSIONS`, and how many exist in all."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = await reads.get(tool, key, page=page, page_size=_PAGE, **filters)
        rows.extend(row for row in answer.get("items", []) if isinstance(row, dict))
        meta = answer.get("meta") or {}
        total = int(meta.get("total", len(rows)))
        if page >= int(meta.get("total_pages", page)) or len(rows) >= MAX_SESSIONS:
            return rows[:MAX_SESSIONS], total
        page += 1


async def _names(reads: Reads, key: str, template_id: str) -> dict[str, str]:
    participants, _ = await _pages(reads, "list_participants", key, evaluation_template_id=template_id)
    return {str(p["id"]): str(p["name"]) for p in participants if p.get("id") and p.get("name")}


def _scored_at(session: dict[str, Any]) -> str:
    return str(session.get("scored_at") or "")


def _nothing_yet(stage: str | None, scanned: int) -> str:
    where = f" at stage {stage!r}" if stage else ""
    if scanned == 0:
        return "No completed sessions for this template yet; schedule_session interviews candidates."
    return f"None of {scanned} completed sessions{where} is scored yet; {SCORING_DELAY}."
