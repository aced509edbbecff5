"""Keys never appear in logs or results; logs name a caller only by a short hash of the key."""

from __future__ import annotations

import json
import logging

import httpx2
import pytest

from server.caller import fingerprint
from server.logs import RedactKeys

pytestmark = pytest.mark.anyio

SESSION = "0b0c3c57-5d4e-4a83-9a9b-1f0d3c2e4a10"


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_keys_appear_in_no_log_line_and_no_result(live_server, sandbox, connect, caplog, mode) -> None:
    key = sandbox.log_key
    caplog.set_level(logging.DEBUG)
    sandbox.control(key, "POST", "/_sandbox/faults", {"route": "/evaluation-stages", "status": 503})
    try:
        async with connect(live_server.mcp_url, key, mode=mode) as client:
            results = [
                await client.call_tool("list_participants", {}),
                await client.call_tool("get_session", {"session_id": SESSION}),  # 404
                await client.call_tool("get_session", {"session_id": "nope"}),  # invalid arguments
                await client.call_tool("list_evaluation_stages", {}),  # 503 after retries
                await client.call_tool("create_participant", {"name": "K", "email": "k@example.com"}),
            ]
    finally:
        sandbox.control(key, "DELETE", "/_sandbox/faults")
    answers = json.dumps([result.model_dump(mode="json") for result in results])
    assert key not in answers
    assert key not in caplog.text
    assert f"key {fingerprint(key)}" in caplog.text


def test_the_log_filter_masks_anything_shaped_like_a_key() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "header was %s", ("iv_live_abc123",), None)
    RedactKeys().filter(record)
    assert record.getMessage() == "header was iv_[redacted]"


def test_a_fingerprint_is_short_and_does_not_contain_the_key() -> None:
    label = fingerprint("iv_live_sandbox_demo")
    assert len(label) == 8
    assert "iv_live" not in label


async def test_a_cookie_set_for_one_caller_never_rides_another_callers_call(
    serve, upstreams, make_settings, connect
) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        page = {"data": [], "meta": {"page": 1, "pageSize": 20, "total": 0, "totalPages": 0}}
        return httpx2.Response(200, json=page, headers={"set-cookie": "session=first-callers; Path=/"})

    script = upstreams(answer)
    settings = make_settings()
    with serve(settings, script.upstream(settings)) as live:
        for key in ("iv_live_cookie_first", "iv_live_cookie_second"):
            async with connect(live.mcp_url, key, mode="legacy") as client:
                await client.call_tool("list_sessions", {})
    sessions = [request for request in script.requests if request.url.path.endswith("/sessions")]
    assert [request.headers.get("x-api-key") for request in sessions] == [
        "iv_live_cookie_first",
        "iv_live_cookie_second",
    ]
    # Key checks on opening and participant reads included: no request carries a cookie.
    assert {request.headers.get("cookie") for request in script.requests} == {None}
