"""Caps with clear errors: huge upstream answers and transcript links, page numbers, trickled bodies,
clients that leave mid-request, JSON-RPC ids of the wrong type, and a code runner without a runtime."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest

from server.app import build_app
from server.http.request_body import BodyDeadline

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
SESSION = "0b0c3c57-5d4e-4a83-9a9b-1f0d3c2e4a10"

# Run in a child process so that its peak RSS (VmHWM) is this measurement's alone.
_HUGE_ANSWER = textwrap.dedent(
    """
    import asyncio, json, sys
    import httpx2
    from server.settings import Settings
    from server.upstream.client import Upstream
    from server.calls.arguments import parse
    import tools

    SIZE = 200 * 1024 * 1024
    CHUNK = b"x" * (64 * 1024)

    async def body():
        sent = 0
        while sent < SIZE:
            yield CHUNK
            sent += len(CHUNK)

    def handler(request):
        return httpx2.Response(200, content=body(), headers={"content-type": "application/json"})

    def peak_kb():
        # The peak RSS of this process image (VmHWM starts afresh at exec; getrusage's ru_maxrss would
        # carry over the larger peak of the test run that started us).
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

    async def main(what):
        cap = int(sys.argv[2])
        settings = Settings(
            api_base_url="https://intervyo.test/api/v1",
            retries=0,
            max_upstream_body_bytes=cap,
            max_document_bytes=cap,
            call_deadline_s=120,
            request_timeout_s=120,
        )
        async with Upstream(settings, transport=httpx2.MockTransport(handler)) as upstream:
            before = peak_kb()
            try:
                if what == "answer":
                    op = tools.by_name("list_sessions")
                    await upstream.call(op, parse(op, {}), key="iv_live_k")
                else:
                    await upstream.fetch_document("https://files.intervyo.test/transcript.json")
                outcome = "read"
            except Exception as error:
                outcome = f"{type(error).__name__}: {error}"
            after = peak_kb()
        print(json.dumps({"outcome": outcome, "growth_kb": after - before}))

    asyncio.run(main(sys.argv[1]))
    """
)


@pytest.mark.parametrize(
    ("what", "phrase"),
    [("answer", "intervyo's answer was larger than 16 MB"), ("document", "larger than 16 MB")],
)
def test_a_200_mb_answer_is_refused_with_rss_growth_under_20_mb(what: str, phrase: str) -> None:
    capped = _huge(what, 16 * 1024 * 1024)
    print(f"200 MB {what}: {capped['outcome'][:60]}; RSS growth {capped['growth_kb'] / 1024:.1f} MB")
    assert phrase in capped["outcome"]
    assert capped["growth_kb"] < 20 * 1024
    # The measurement sees growth when there is some: with a cap above 200 MB the same answer is read.
    uncapped = _huge(what, 512 * 1024 * 1024)
    print(f"200 MB {what} under a 512 MB cap: RSS growth {uncapped['growth_kb'] / 1024:.1f} MB")
    assert uncapped["outcome"] == "read" and uncapped["growth_kb"] > 100 * 1024, uncapped


def _huge(what: str, cap: int) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-c", _HUGE_ANSWER, what, str(cap)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    figures: dict[str, Any] = json.loads(run.stdout)
    return figures


async def test_a_page_number_past_the_cap_is_refused_locally(scripted) -> None:
    async with scripted(lambda request: httpx2.Response(500)) as (client, script):
        result = await client.call_tool("list_sessions", {"page": 10**40})
    assert result.is_error and result.structured_content is not None
    assert result.structured_content["status"] == 400
    assert result.structured_content["issues"][0]["path"] == ["page"]
    assert script.requests == []


async def test_a_language_without_a_runtime_is_named_unavailable_not_retryable(scripted) -> None:
    answer = httpx2.Response(502, json={"error": "The code runner has no typescript runtime available"})
    arguments = {
        "language": "typescript",
        "code": "console.log(1)",
        "test_cases": [{"input": "", "expected_output": "1"}],
    }
    async with scripted(lambda request: answer) as (client, _):
        result = await client.call_tool("execute_code", arguments)
    assert result.is_error and result.structured_content is not None
    error = result.structured_content
    assert "cannot run typescript" in error["error"] and "no typescript runtime" in error["error"]
    assert error["retryable"] is False
    assert "Retry in a moment" not in error["error"]


def _raw(port: int, head: str, body: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(head.encode() + body)
    return sock


async def test_a_trickled_body_is_answered_408_once_its_time_is_up(serve, make_settings) -> None:
    settings = make_settings(body_read_timeout_s=0.3, verify_keys=False)
    with serve(settings) as live:
        port = int(live.origin.rsplit(":", 1)[1])
        head = (
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer iv_live_k\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        )
        with _raw(port, head, b'{"jsonrpc":') as sock:
            with anyio.fail_after(10):
                answer = await anyio.to_thread.run_sync(sock.recv, 4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert b"did not arrive within 0.3 s" in answer


async def test_a_client_leaving_mid_webhook_is_quiet(make_settings, caplog) -> None:
    app = build_app(make_settings(webhook_secret="whsec_test", verify_keys=False))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/webhooks/intervyo",
        "raw_path": b"/webhooks/intervyo",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    messages = iter(
        [
            {"type": "http.request", "body": b'{"id": "evt_1", ', "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with caplog.at_level(logging.DEBUG):
        await app(scope, receive, send)
    assert sent == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_a_whole_body_reaches_the_endpoint_and_a_later_disconnect_still_does() -> None:
    seen: list[dict[str, Any]] = []

    async def endpoint(scope: Any, receive: Any, send: Any) -> None:
        seen.append(await receive())
        seen.append(await receive())

    chunks = iter(
        [
            {"type": "http.request", "body": b"ab", "more_body": True},
            {"type": "http.request", "body": b"cd", "more_body": False},
            {"type": "http.disconnect"},
        ]
    )

    async def receive() -> dict[str, Any]:
        return next(chunks)

    async def send(message: Any) -> None:
        raise AssertionError("nothing is answered here")

    await BodyDeadline(endpoint, timeout_s=5, max_bytes=1024)(
        {"type": "http", "method": "POST", "path": "/"}, receive, send
    )
    assert seen == [
        {"type": "http.request", "body": b"abcd", "more_body": False},
        {"type": "http.disconnect"},
    ]


@pytest.mark.parametrize("bad_id", [1.5, True, None, {"a": 1}, [1]])
@pytest.mark.parametrize("path", ["/mcp", "/messages/?session_id=0"])
async def test_a_request_id_of_the_wrong_type_gets_an_invalid_request_error(
    bad_id: object, path: str, serve, make_settings
) -> None:
    body = {"jsonrpc": "2.0", "id": bad_id, "method": "ping"}
    headers = {
        "authorization": "Bearer iv_live_k",
        "accept": "application/json, text/event-stream",
        "content-type": "application/json",
    }
    with serve(make_settings(verify_keys=False)) as live:
        async with httpx2.AsyncClient(timeout=10) as http:
            response = await http.post(live.origin + path, json=body, headers=headers)
    assert response.status_code == 400
    error = response.json()
    assert error["id"] is None and error["error"]["code"] == -32600
    assert "string or an integer" in error["error"]["message"]
