"""The context budget: what tools/list and a big listing cost a model, held to the issue's limits.

- The model-facing part of the default tools/list (name, description, input schema per tool) is at most
  0.6 of the FastMCP peer's, measured the bench's way (`bench.context.catalog_cost`) on the peer built
  in-process from the sandbox's OpenAPI document with the same tool selection; every argument is
  described; the order is the catalog's, the same on every call.
- A 100-session listing (completed, scored sessions of ~2.3 KB each upstream) costs at most 10k tokens
  in the default summary view.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx2
import pytest
from fences import unfenced

import tools
from bench.context import catalog_cost
from bench.launch import excluded
from bench.peer import _route_maps, build  # the bench's own way to select the peer's tools
from bench.tokens import estimate_tokens
from sandbox.openapi import openapi_document

pytestmark = pytest.mark.anyio

_DEFAULT = ",".join(tools.DEFAULT_TOOLSETS)
_MAX_RATIO = 0.6
_MAX_LISTING_TOKENS = 10_000


def _unreachable(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError("tools/list must not call intervyo")


async def _peer_catalog() -> list[dict[str, Any]]:
    import fastmcp

    maps = _route_maps(excluded(tools.DEFAULT_TOOLSETS, read_only=False))
    server = build(openapi_document(), "http://127.0.0.1:9/api/v1", "iv_live_unused", maps)
    async with fastmcp.Client(server) as client:
        listed = await client.list_tools()
    return [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed]


async def test_the_model_facing_tool_list_costs_at_most_six_tenths_of_the_peers(scripted) -> None:
    async with scripted(_unreachable, toolsets=_DEFAULT) as (client, _):
        first = (await client.list_tools()).tools
        again = (await client.list_tools()).tools
    ours = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in first]
    assert [tool.name for tool in first] == [tool.name for tool in again]
    assert [tool.name for tool in first] == [
        t.name for t in tools.select_tools(tools.DEFAULT_TOOLSETS, read_only=False)
    ]
    ours_cost, peer_cost = catalog_cost(ours), catalog_cost(await _peer_catalog())
    assert ours_cost["input_properties_described"] == ours_cost["input_properties"]
    ratio = ours_cost["model_bytes"] / peer_cost["model_bytes"]
    sizes = f"ours {ours_cost['model_bytes']} B, peer {peer_cost['model_bytes']} B"
    print(f"model-facing tools/list: {sizes}, ratio {ratio:.3f}")
    assert ratio <= _MAX_RATIO


def _scored_row(number: int, candidate: str) -> dict[str, Any]:
    """A completed, scored session as intervyo returns it (about 2.3 KB of JSON)."""
    reasoning = (
        "Explained trade-offs between consistency and latency, cited turn 7; weaker on failure modes. " * 2
    )
    return {
        "id": str(uuid.UUID(int=number)),
        "status": "completed",
        "candidate_id": candidate,
        "evaluation_template_id": str(uuid.UUID(int=10_000)),
        "interview_id": str(uuid.UUID(int=10_001)),
        "stage": "technical",
        "scheduled_at": "2026-11-20T09:00:00.000Z",
        "timezone": "Europe/Berlin",
        "notes": "Referred by the platform team.",
        "language": "en",
        "join_url": f"https://www.intervyo.ai/join/{number}?signature=" + "a" * 64,
        "external_id": f"ats-{number}",
        "created_at": "2026-11-18T10:00:00.000Z",
        "updated_at": "2026-11-20T10:02:00.000Z",
        "started_at": "2026-11-20T09:01:00.000Z",
        "completed_at": "2026-11-20T09:46:00.000Z",
        "scored_at": "2026-11-20T09:48:00.000Z",
        "score": 7.4,
        "passed": True,
        "recommendation": "hire",
        "evaluation_breakdown": [
            {"dimension": name, "score": 7, "weight": 25, "reasoning": reasoning, "citations": [3, 7, 12]}
            for name in ("System design", "Coding fluency", "Debugging", "Communication")
        ],
        "summary": "Strong on design and clear in explanation. Probe failure handling next round. " * 2,
        "transcript_url": f"https://www.intervyo.ai/t/{number}?expires=1&signature=" + "b" * 64,
        "recording_url": f"https://www.intervyo.ai/r/{number}?expires=1&signature=" + "c" * 64,
        "authenticity_signals": {
            "tab_switches": 1,
            "paste_events": 0,
            "voice_spoofing_flags": 0,
            "screen_share_detected": False,
        },
    }


async def test_a_hundred_session_listing_costs_at_most_ten_thousand_tokens(scripted) -> None:
    candidates = [str(uuid.UUID(int=20_000 + i)) for i in range(40)]
    rows = [_scored_row(i + 1, candidates[i % len(candidates)]) for i in range(100)]
    page = {"data": rows, "meta": {"page": 1, "pageSize": 100, "total": 100, "totalPages": 1}}
    upstream_bytes = len(json.dumps(page["data"][0]).encode())

    people = [{"id": c, "name": f"Candidate {c[-4:]}"} for c in candidates]
    listed = {"data": people[5:], "meta": {"page": 1, "pageSize": 100, "total": 35, "totalPages": 1}}

    def handler(request: httpx2.Request) -> httpx2.Response:
        found = re.fullmatch(r".*/participants/([0-9a-f-]+)", request.url.path)
        if found:
            return httpx2.Response(200, json={"data": {"id": found[1], "name": f"Candidate {found[1][-4:]}"}})
        if request.url.path.endswith("/participants"):
            return httpx2.Response(200, json=listed)
        return httpx2.Response(200, json=page)

    async with scripted(handler) as (client, upstream):
        summary = await client.call_tool("list_sessions", {"page_size": 100})
        full = await client.call_tool("list_sessions", {"page_size": 100, "view": "full"})
    text = summary.content[0].text  # type: ignore[union-attr]
    full_text = full.content[0].text  # type: ignore[union-attr]
    assert summary.structured_content is not None
    assert len(summary.structured_content["items"]) == 100
    names = [unfenced(row["candidate_name"]) for row in summary.structured_content["items"]]
    assert all(name.startswith("Candidate ") for name in names)  # participant-written: fenced
    # names come from one page of participants and one read each for the 5 not on it; the second
    # listing, within the minute, reads none of them again (server.calls.session_rows.RecentNames)
    assert sum(1 for r in upstream.requests if r.url.path.endswith("/participants")) == 1
    assert sum(1 for r in upstream.requests if "/participants/" in r.url.path) == 5
    print(
        f"100 scored sessions: upstream row {upstream_bytes} B; summary {len(text.encode())} B "
        f"({estimate_tokens(text)} tokens), full {len(full_text.encode())} B "
        f"({estimate_tokens(full_text)} tokens)"
    )
    assert upstream_bytes >= 2000
    assert estimate_tokens(text) <= _MAX_LISTING_TOKENS < estimate_tokens(full_text)
