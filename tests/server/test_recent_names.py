"""Participants' names are kept a minute per key, so re-listing sessions does not read them again."""

from __future__ import annotations

from typing import Any

import pytest

from server.calls.session_rows import Names, RecentNames

pytestmark = pytest.mark.anyio


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _names(recent: RecentNames, key: str, pages: list[str]) -> Names:
    async def read(participant_id: str) -> dict[str, Any]:
        return {"id": participant_id, "name": f"one {participant_id}"}

    async def read_page() -> dict[str, Any]:
        pages.append(key)
        return {"items": [{"id": "p1", "name": "Jane"}]}

    return Names(read, read_page, recent, key)


async def test_a_second_listing_within_the_minute_reads_no_participants_page() -> None:
    clock, pages = _Clock(), []
    recent = RecentNames(ttl_s=60, clock=clock)
    for _ in range(3):
        names = _names(recent, "iv_live_a", pages)
        await names.prefetch()
        rows = [{"candidate_id": "p1"}]
        await names.add_to(rows)
        assert rows[0]["candidate_name"] == "Jane"
    assert pages == ["iv_live_a"]
    clock.now = 61
    await _names(recent, "iv_live_a", pages).prefetch()
    assert pages == ["iv_live_a", "iv_live_a"]


async def test_one_keys_names_never_answer_another_key() -> None:
    recent, pages = RecentNames(), []
    await _names(recent, "iv_live_a", pages).prefetch()
    await _names(recent, "iv_live_b", pages).prefetch()
    assert pages == ["iv_live_a", "iv_live_b"]
    assert recent.of("iv_live_c") is None


def test_the_least_recently_used_key_is_forgotten_first() -> None:
    recent = RecentNames(max_keys=2, max_names=1)
    recent.keep("a", {"p1": "A", "p2": "B"})
    recent.keep("b", {"p1": "B"})
    assert recent.of("a") == {"p1": "A"}  # also makes "a" the most recent
    recent.keep("c", {"p1": "C"})
    assert recent.of("b") is None and recent.of("a") is not None and recent.of("c") is not None
