"""Each MCP POST is one JSON body unless something is streamed with it (`server.http.response_mode`).

Streamed: a request with a progress token, a call of a long-running tool, a tool call in a session that
set a log level. `--json-response` answers everything as JSON.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import uuid
from typing import Any

import anyio
import httpx2
import pytest

from server.http.response_mode import PerRequest, ResponseMode

pytestmark = pytest.mark.anyio

HANDSHAKE, MODERN = "2025-11-25", "2026-07-28"
_INFO = {"name": "t", "version": "1"}


class Raw:
    """A bare streamable-HTTP client that shows how each answer came: JSON or an event stream."""

    def __init__(self, http: httpx2.AsyncClient, url: str, key: str, era: str) -> None:
        self._http, self.url, self.key, self._era = http, url, key, era
        self._headers = {
            "accept": "application/json, text/event-stream",
            "content-type": "application/json",
            "authorization": f"Bearer {key}",
        }
        self._ids = itertools.count(1)

    async def open(self) -> None:
        if self._era == MODERN:
            self._headers["mcp-protocol-version"] = MODERN
            return
        kind, _ = await self.request(
            "initialize", {"protocolVersion": HANDSHAKE, "capabilities": {}, "clientInfo": _INFO}
        )
        assert kind == "application/json"
        self._headers["mcp-protocol-version"] = HANDSHAKE
        notified = await self._http.post(
            self.url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=self._headers
        )
        assert notified.status_code == 202

    async def request(
        self, method: str, params: dict[str, Any], meta: dict[str, Any] | None = None
    ) -> tuple[str, list[dict[str, Any]]]:
        """The answer's content type, and every JSON-RPC message in it (the answer last)."""
        headers = dict(self._headers)
        meta = dict(meta or {})
        if self._era == MODERN:
            meta |= {
                "io.modelcontextprotocol/protocolVersion": MODERN,
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": _INFO,
            }
            headers["mcp-method"] = method
            if method == "tools/call":
                headers["mcp-name"] = params["name"]
        message = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        if meta:
            message["params"] = {**params, "_meta": meta}
        response = await self._http.post(self.url, json=message, headers=headers)
        assert response.status_code == 200, response.text
        if "mcp-session-id" in response.headers:
            self._headers["mcp-session-id"] = response.headers["mcp-session-id"]
        kind = response.headers["content-type"].split(";")[0]
        if kind == "application/json":
            return kind, [response.json()]
        lines = response.text.splitlines()
        return kind, [json.loads(line[5:]) for line in lines if line.startswith("data:") and line[5:].strip()]


HANDSHAKE_ERAS = [
    pytest.param(HANDSHAKE, False, id="handshake"),
    pytest.param(HANDSHAKE, True, id="handshake-stateless"),
]
ERAS = [*HANDSHAKE_ERAS, pytest.param(MODERN, False, id="2026")]


@pytest.fixture
def raw(sandbox, serve, make_settings):
    """Open a `Raw` client in an era, on a server made with extra settings."""

    async def opened(http: httpx2.AsyncClient, era: str, **overrides: Any) -> Raw:
        live = stack.enter_context(serve(make_settings(api_base_url=sandbox.base_url, **overrides)))
        client = Raw(http, live.mcp_url, sandbox.demo_key, era)
        await client.open()
        return client

    with contextlib.ExitStack() as stack:
        yield opened


@pytest.mark.parametrize(("era", "stateless"), ERAS)
async def test_plain_requests_are_answered_as_one_json_body(raw, era, stateless) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        client = await raw(http, era, stateless=stateless)
        listed = await client.request("tools/list", {})
        called = await client.request("tools/call", {"name": "list_sessions", "arguments": {"page_size": 2}})
    assert listed[0] == "application/json"
    assert "list_sessions" in {tool["name"] for tool in listed[1][0]["result"]["tools"]}
    kind, [answer] = called
    assert kind == "application/json"
    assert not answer["result"].get("isError")
    assert len(answer["result"]["structuredContent"]["items"]) == 2


# On the 2026 path the SDK itself answers a streamed request as JSON when nothing was sent before the
# answer; what streaming buys there is the disconnect watcher, which cancels the call.
@pytest.mark.parametrize(("era", "stateless"), HANDSHAKE_ERAS)
async def test_a_request_with_a_progress_token_is_streamed(raw, era, stateless) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        client = await raw(http, era, stateless=stateless)
        kind, messages = await client.request(
            "tools/call",
            {"name": "list_sessions", "arguments": {"page_size": 2}},
            meta={"progressToken": "p1"},
        )
    assert kind == "text/event-stream"
    assert len(messages[-1]["result"]["structuredContent"]["items"]) == 2


@pytest.mark.parametrize(("era", "stateless"), HANDSHAKE_ERAS)
async def test_a_long_running_tool_is_always_streamed(raw, era, stateless) -> None:
    # A stream lets a client that goes away cancel a wait or a code run; here the session does not exist,
    # so the tool answers at once, but the answer still comes as a stream.
    async with httpx2.AsyncClient(timeout=10) as http:
        client = await raw(http, era, stateless=stateless)
        arguments = {"session_id": str(uuid.uuid4()), "timeout_s": 1}
        kind, messages = await client.request(
            "tools/call", {"name": "wait_for_scorecard", "arguments": arguments}
        )
    assert kind == "text/event-stream"
    assert messages[-1]["result"]["isError"] is True


async def test_a_session_that_set_a_log_level_gets_its_calls_streamed_with_the_log_message(raw) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        client = await raw(http, HANDSHAKE)
        before = await client.request("tools/call", {"name": "list_sessions", "arguments": {"page_size": 1}})
        level = await client.request("logging/setLevel", {"level": "info"})
        after = await client.request("tools/call", {"name": "list_sessions", "arguments": {"page_size": 1}})
    assert before[0] == level[0] == "application/json"
    kind, messages = after
    assert kind == "text/event-stream"
    logged, answer = messages[-2], messages[-1]
    assert logged["method"] == "notifications/message"
    assert "list_sessions succeeded" in logged["params"]["data"]
    assert not answer["result"].get("isError")


async def test_another_session_is_not_streamed_because_one_set_a_log_level(raw) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        logging_client = await raw(http, HANDSHAKE)
        await logging_client.request("logging/setLevel", {"level": "debug"})
        other = Raw(http, logging_client.url, logging_client.key, HANDSHAKE)
        await other.open()
        kind, _ = await other.request("tools/call", {"name": "list_sessions", "arguments": {"page_size": 1}})
    assert kind == "application/json"


@pytest.mark.parametrize(("era", "stateless"), ERAS)
async def test_json_response_answers_everything_as_json(raw, era, stateless) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        client = await raw(http, era, stateless=stateless, json_response=True)
        kind, messages = await client.request(
            "tools/call", {"name": "list_sessions", "arguments": {"page_size": 1}}, meta={"progressToken": 7}
        )
    assert kind == "application/json"
    assert len(messages[0]["result"]["structuredContent"]["items"]) == 1


async def test_the_switch_is_true_only_in_the_request_task_that_chose_json() -> None:
    switch = PerRequest()
    seen: dict[str, bool] = {}

    async def app(scope, receive, send) -> None:
        seen["request task"] = bool(switch)
        async with anyio.create_task_group() as tg:

            async def child() -> None:
                seen["task it started"] = bool(switch)

            tg.start_soon(child)
        message = await receive()
        seen["body replayed"] = message["body"] == body

    wrapped = ResponseMode(app, long_running=(), logs_wanted=lambda _: False, max_body_bytes=1024)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0)

    scope = {"type": "http", "method": "POST", "headers": []}
    await wrapped(scope, receive, None)
    assert seen == {"request task": True, "task it started": False, "body replayed": True}
    assert not switch


@pytest.mark.parametrize("name", [{"a": 1}, ["list_sessions"], 7, None])
async def test_a_malformed_tool_name_gets_the_sdks_error_not_a_crash(raw, name) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        client = await raw(http, HANDSHAKE)
        _, messages = await client.request("tools/call", {"name": name, "arguments": {}})
    assert messages[-1]["error"]["code"] == -32602
