"""The HTTP surface: keys required before MCP, health, DNS-rebinding protection, body caps, sessions."""

from __future__ import annotations

import contextlib
import json

import anyio
import httpx2
import pytest
from http_app import ACCEPT, INIT
from mcp import MCPError

pytestmark = pytest.mark.anyio

KEY = "iv_live_http_test_key"
OTHER = "iv_live_http_other_key"


def _list_answer(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(
        200, json={"data": [], "meta": {"page": 1, "pageSize": 20, "total": 0, "totalPages": 0}}
    )


@pytest.fixture
def mocked(serve, upstreams, make_settings):
    script = upstreams(_list_answer)
    # These tests count the requests a tool call makes; the key check on opening is tested on its own.
    settings = make_settings(verify_keys=False)
    with serve(settings, script.upstream(settings)) as live:
        yield live, script


@pytest.mark.parametrize("path", ["/mcp", "/sse", "/messages/?session_id=0"])
async def test_a_request_without_a_key_gets_401_before_any_mcp_processing(mocked, path: str) -> None:
    live, script = mocked
    async with httpx2.AsyncClient() as http:
        method = "GET" if path == "/sse" else "POST"
        response = await http.request(method, live.origin + path, json=INIT, headers=ACCEPT)
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["error_description"]
    assert script.requests == []


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_mcp_client_without_a_key_cannot_connect(mocked, connect, mode: str) -> None:
    live, _ = mocked
    with pytest.raises(BaseExceptionGroup) as caught:
        async with connect(live.mcp_url, None, mode=mode) as client:
            await client.list_tools()
    assert caught.group_contains(MCPError)


@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_key_in_either_header_reaches_intervyo_as_x_api_key(mocked, connect, header, mode) -> None:
    live, script = mocked
    headers = {"Authorization": f"Bearer {KEY}"} if header == "authorization" else {"x-api-key": KEY}
    async with connect(live.mcp_url, None, mode=mode, headers=headers) as client:
        result = await client.call_tool("list_sessions", {})
    assert not result.is_error
    # list_sessions also reads a page of participants (their names), under the same key
    assert [r.url.path for r in script.requests].count("/api/v1/sessions") == 1
    assert {r.headers["x-api-key"] for r in script.requests} == {KEY}


async def test_healthz_answers_without_a_key(mocked) -> None:
    live, _ = mocked
    async with httpx2.AsyncClient() as http:
        response = await http.get(live.origin + "/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("era", [{}, {"mcp-protocol-version": "2026-07-28", "mcp-method": "initialize"}])
async def test_a_foreign_host_header_is_refused_in_both_eras(mocked, era) -> None:
    live, _ = mocked
    async with httpx2.AsyncClient() as http:
        response = await http.post(
            live.mcp_url, json=INIT, headers={**ACCEPT, **era, "x-api-key": KEY, "host": "evil.example:80"}
        )
    assert response.status_code == 421


async def test_a_foreign_origin_is_refused(mocked) -> None:
    live, _ = mocked
    async with httpx2.AsyncClient() as http:
        response = await http.post(
            live.mcp_url, json=INIT, headers={**ACCEPT, "x-api-key": KEY, "origin": "https://evil.example"}
        )
    assert response.status_code == 403


async def test_an_allow_listed_host_is_accepted(serve, upstreams, make_settings) -> None:
    script = upstreams(_list_answer)
    settings = make_settings(allowed_hosts="mcp.example.com")
    with serve(settings, script.upstream(settings)) as live:
        async with httpx2.AsyncClient() as http:
            response = await http.post(
                live.mcp_url, json=INIT, headers={**ACCEPT, "x-api-key": KEY, "host": "mcp.example.com"}
            )
    assert response.status_code == 200


async def test_an_oversized_body_is_refused_with_413(serve, upstreams, make_settings) -> None:
    script = upstreams(_list_answer)
    settings = make_settings(max_body_bytes=4096)
    with serve(settings, script.upstream(settings)) as live:
        async with httpx2.AsyncClient() as http:
            big = {**INIT, "params": {**INIT["params"], "padding": "x" * 10_000}}
            response = await http.post(live.mcp_url, json=big, headers={**ACCEPT, "x-api-key": KEY})
    assert response.status_code == 413


async def test_a_session_opened_with_one_key_cannot_be_used_with_another(mocked) -> None:
    live, _ = mocked
    async with httpx2.AsyncClient() as http:
        opened = await http.post(live.mcp_url, json=INIT, headers={**ACCEPT, "x-api-key": KEY})
        session = {
            **ACCEPT,
            "mcp-session-id": opened.headers["mcp-session-id"],
            "mcp-protocol-version": "2025-11-25",
        }
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await http.post(live.mcp_url, json=initialized, headers={**session, "x-api-key": KEY})
        listing = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
        owner = await http.post(live.mcp_url, json=listing, headers={**session, "x-api-key": KEY})
        hijack = await http.post(live.mcp_url, json=listing, headers={**session, "x-api-key": OTHER})
    assert owner.status_code == 200
    assert hijack.status_code == 404


async def test_stateless_mode_serves_the_handshake_era_without_sessions(
    serve, upstreams, make_settings, connect
):
    script = upstreams(_list_answer)
    settings = make_settings(stateless=True)
    with serve(settings, script.upstream(settings)) as live:
        async with httpx2.AsyncClient() as http:
            opened = await http.post(live.mcp_url, json=INIT, headers={**ACCEPT, "x-api-key": KEY})
        async with connect(live.mcp_url, KEY, mode="legacy") as client:
            result = await client.call_tool("list_participants", {})
    assert opened.status_code == 200
    assert "mcp-session-id" not in opened.headers
    assert not result.is_error


async def test_stateful_mode_hands_out_a_session_id(mocked) -> None:
    live, _ = mocked
    async with httpx2.AsyncClient() as http:
        opened = await http.post(live.mcp_url, json=INIT, headers={**ACCEPT, "x-api-key": KEY})
    assert opened.headers["mcp-session-id"]


async def test_an_unknown_tool_over_http_is_a_protocol_error(mocked, connect) -> None:
    live, _ = mocked
    async with connect(live.mcp_url, KEY, mode="legacy") as client:
        with pytest.raises(MCPError, match="Unknown tool"):
            await client.call_tool("nope", {})


async def test_browsers_get_cors_headers_and_other_clients_none(mocked) -> None:
    live, _ = mocked
    browser = "http://localhost:6274"  # MCP Inspector's own origin
    async with httpx2.AsyncClient() as http:
        preflight = await http.options(
            live.mcp_url,
            headers={
                "origin": browser,
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, mcp-session-id",
            },
        )
        from_browser = await http.post(
            live.mcp_url, json=INIT, headers={**ACCEPT, "x-api-key": KEY, "origin": browser}
        )
        from_agent = await http.post(live.mcp_url, json=INIT, headers={**ACCEPT, "x-api-key": KEY})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == browser
    assert "mcp-session-id" in preflight.headers["access-control-allow-headers"].lower()
    assert from_browser.headers["access-control-allow-origin"] == browser
    assert from_browser.headers["access-control-expose-headers"] == "Mcp-Session-Id"
    assert from_agent.status_code == 200
    assert "access-control-allow-origin" not in from_agent.headers


async def test_whitespace_around_a_header_value_is_not_part_of_it(mocked) -> None:
    # Sent raw: HTTP client libraries refuse to send such values, but other clients do (RFC 9110 OWS).
    live, script = mocked
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {
                "name": "list_sessions",
                "arguments": {},
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                    "io.modelcontextprotocol/clientCapabilities": {},
                    "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
                },
            },
        }
    ).encode()
    host, port = live.origin.removeprefix("http://").split(":")
    head = (
        f"POST /mcp HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json, text/event-stream\r\nx-api-key: {KEY}\r\n"
        "MCP-Protocol-Version: 2026-07-28 \r\nMcp-Method:\ttools/call\t\r\nMcp-Name:   list_sessions   \r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    stream = await anyio.connect_tcp(host, int(port))
    async with stream:
        await stream.send(head.encode() + body)
        answer = b""
        with contextlib.suppress(anyio.EndOfStream):
            while True:
                answer += await stream.receive()
    head_part, _, body_part = answer.partition(b"\r\n\r\n")
    assert head_part.startswith(b"HTTP/1.1 200 OK"), answer
    result = json.loads(body_part)["result"]
    assert not result.get("isError")
    assert result["structuredContent"]["items"] == []
    assert [r.url.path for r in script.requests].count("/api/v1/sessions") == 1
