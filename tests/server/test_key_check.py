"""Checking a key with intervyo: one cheap read, the verdict kept briefly by hash, shared by asks."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from server.upstream.key_check import KeyCheck, KeyCheckUnavailable

pytestmark = pytest.mark.anyio

GOOD = "iv_live_known"
NO_SCOPE = "iv_live_known_without_read"


def _intervyo(request: httpx2.Request) -> httpx2.Response:
    key = request.headers["x-api-key"]
    if key == GOOD:
        return httpx2.Response(
            200, json={"data": [], "meta": {"page": 1, "pageSize": 1, "total": 0, "totalPages": 0}}
        )
    if key == NO_SCOPE:
        return httpx2.Response(403, json={"error": "Missing scope", "required_scope": "interviews.read"})
    if key == "iv_live_down":
        return httpx2.Response(503, json={"error": "maintenance"})
    return httpx2.Response(401, json={"error": "Invalid or revoked API key"})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_known_unknown_and_scopeless_keys_get_the_right_verdict(upstreams, make_settings) -> None:
    script = upstreams(_intervyo)
    settings = make_settings(retries=0)
    async with script.upstream(settings) as upstream:
        check = KeyCheck(upstream, ttl_s=60)
        assert await check.accepted(GOOD) is True
        assert await check.accepted(NO_SCOPE) is True
        assert await check.accepted("iv_live_junk") is False
    assert [r.url.path for r in script.requests] == ["/api/v1/agent-profiles"] * 3
    assert {r.url.params["pageSize"] for r in script.requests} == {"1"}


async def test_a_verdict_is_reused_until_it_expires(upstreams, make_settings) -> None:
    script = upstreams(_intervyo)
    clock = Clock()
    async with script.upstream(make_settings()) as upstream:
        check = KeyCheck(upstream, ttl_s=60, clock=clock)
        for _ in range(5):
            assert await check.accepted("iv_live_junk") is False
        clock.now += 61
        assert await check.accepted("iv_live_junk") is False
    assert check.upstream_checks == 2


async def test_concurrent_checks_of_one_key_share_one_call(upstreams, make_settings) -> None:
    script = upstreams(_intervyo)
    async with script.upstream(make_settings()) as upstream:
        check = KeyCheck(upstream, ttl_s=60)
        verdicts: list[bool] = []

        async def ask() -> None:
            verdicts.append(await check.accepted(GOOD))

        with anyio.fail_after(10):
            async with anyio.create_task_group() as group:
                for _ in range(20):
                    group.start_soon(ask)
    assert verdicts == [True] * 20
    assert check.upstream_checks == 1


async def test_no_verdict_is_kept_when_intervyo_cannot_answer(upstreams, make_settings) -> None:
    script = upstreams(_intervyo)
    async with script.upstream(make_settings(retries=0)) as upstream:
        check = KeyCheck(upstream, ttl_s=60)
        for _ in range(2):
            with pytest.raises(KeyCheckUnavailable):
                await check.accepted("iv_live_down")
    assert check.upstream_checks == 2


async def test_the_cache_holds_hashes_never_keys(upstreams, make_settings) -> None:
    script = upstreams(_intervyo)
    async with script.upstream(make_settings()) as upstream:
        check = KeyCheck(upstream, ttl_s=60)
        await check.accepted(GOOD)
    assert GOOD not in repr(vars(check))
