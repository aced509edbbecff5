"""List filters hold: rows that contradict a filter sent are dropped (and the list re-read and filtered
here), and the filters the API lacks (stage, date range, name query) are applied here, with a note."""

from __future__ import annotations

import uuid

import httpx2
import pytest

pytestmark = pytest.mark.anyio

JANE = str(uuid.UUID(int=1))
MAX = str(uuid.UUID(int=2))


def _session(number: int, candidate: str, stage: str, when: str) -> dict[str, object]:
    return {
        "id": str(uuid.UUID(int=100 + number)),
        "candidate_id": candidate,
        "stage": stage,
        "scheduled_at": when,
    }


ROWS = [
    _session(1, JANE, "technical", "2026-12-08T09:00:00Z"),
    _session(2, MAX, "technical", "2026-12-08T10:00:00Z"),
    _session(3, JANE, "screen", "2026-12-01T09:00:00Z"),
    _session(4, MAX, "final", "2026-12-20T09:00:00Z"),
    _session(5, JANE, "technical", "2026-12-21T09:00:00Z"),
]


def _ignoring_filters(request: httpx2.Request) -> httpx2.Response:
    """An upstream that pages but filters nothing (3 rows a page)."""
    if "/participants" in request.url.path:
        return httpx2.Response(
            200, json={"data": [], "meta": {"page": 1, "pageSize": 100, "total": 0, "totalPages": 0}}
        )
    page, size = int(request.url.params.get("page", 1)), min(3, int(request.url.params.get("pageSize", 20)))
    rows = ROWS[(page - 1) * size : page * size]
    meta = {"page": page, "pageSize": size, "total": len(ROWS), "totalPages": -(-len(ROWS) // size)}
    return httpx2.Response(200, json={"data": rows, "meta": meta})


async def test_rows_an_ignored_filter_let_through_are_dropped_and_the_list_filtered_here(scripted) -> None:
    async with scripted(_ignoring_filters) as (client, upstream):
        result = await client.call_tool("list_sessions", {"candidate_id": JANE})
    content = result.structured_content
    assert content is not None
    assert [row["id"] for row in content["items"]] == [ROWS[0]["id"], ROWS[2]["id"], ROWS[4]["id"]]
    assert content["meta"]["total"] == 3
    assert "do not match candidate_id" in content["note"] and "over all 5 rows" in content["note"]
    assert all(
        r.url.params.get("candidate_id") == JANE
        for r in upstream.requests
        if r.url.path.endswith("/sessions")
    )


async def test_stage_and_date_range_are_applied_here(scripted) -> None:
    arguments = {
        "stage": "technical",
        "scheduled_after": "2026-12-05T00:00:00Z",
        "scheduled_before": "2026-12-20T00:00:00Z",
    }
    async with scripted(_ignoring_filters) as (client, upstream):
        result = await client.call_tool("list_sessions", arguments)
    content = result.structured_content
    assert content is not None
    assert [row["id"] for row in content["items"]] == [ROWS[0]["id"], ROWS[1]["id"]]
    assert "stage, scheduled_after, scheduled_before applied here" in content["note"]
    # never sent: the API has no such parameters
    assert not any({"stage", "scheduled_after"} & set(r.url.params) for r in upstream.requests)


async def test_a_list_whose_filters_hold_costs_no_extra_call(scripted) -> None:
    only_jane = [row for row in ROWS if row["candidate_id"] == JANE]

    def honest(request: httpx2.Request) -> httpx2.Response:
        if "/participants" in request.url.path:
            return httpx2.Response(
                200, json={"data": [], "meta": {"page": 1, "pageSize": 100, "total": 0, "totalPages": 0}}
            )
        return httpx2.Response(
            200, json={"data": only_jane, "meta": {"page": 1, "pageSize": 20, "total": 3, "totalPages": 1}}
        )

    async with scripted(honest) as (client, upstream):
        result = await client.call_tool("list_sessions", {"candidate_id": JANE})
    assert result.structured_content is not None and "note" not in result.structured_content
    assert sum(1 for r in upstream.requests if r.url.path.endswith("/sessions")) == 1
