"""Rate limiting: headers on every response, a per-key limit answering 429 with Retry-After."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sandbox_api import Api

from sandbox import OTHER_KEY, SandboxConfig


def test_every_api_response_carries_rate_limit_headers(api: Api, connect: Callable[..., Api]) -> None:
    responses = [api.get("/sessions"), api.get("/sessions/nope"), connect(None).get("/sessions")]
    for response in responses:
        assert int(response.headers["x-ratelimit-limit"]) > 0
        assert int(response.headers["x-ratelimit-remaining"]) >= 0
        assert int(response.headers["x-ratelimit-reset"]) >= int(time.time())
    first, second = (int(api.get("/sessions").headers["x-ratelimit-remaining"]) for _ in range(2))
    assert second == first - 1


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(rate_limit_per_minute=3)])
def test_a_key_over_its_limit_gets_429_with_retry_after(api: Api, connect: Callable[..., Api]) -> None:
    remaining = [api.get("/agent-profiles").headers["x-ratelimit-remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    throttled = api.get("/agent-profiles")
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 60
    assert throttled.headers["x-ratelimit-limit"] == "3"
    assert "error" in throttled.json()
    assert connect(OTHER_KEY).get("/agent-profiles").status_code == 200
    assert api.control("/_sandbox/health", method="GET").status_code == 200
