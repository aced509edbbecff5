"""The upstream goes through the proxy the environment names for the API, and not when NO_PROXY says so."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx2
import pytest

import tools
from server.settings import Settings
from server.upstream.client import Upstream
from server.upstream.proxy import proxy_for

pytestmark = pytest.mark.anyio

SESSION = "0b0c3c57-5d4e-4a83-9a9b-1f0d3c2e4a10"
KEY = "iv_live_proxy_test_key"
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def _no_inherited_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@asynccontextmanager
async def _listener() -> AsyncIterator[tuple[int, list[str]]]:
    """A loopback HTTP/1.1 endpoint answering every request with a session; yields (port, request lines)."""
    lines: list[str] = []
    body = json.dumps({"data": {"id": SESSION, "status": "scheduled", "stage": "screen"}}).encode()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                lines.append(head.split(b"\r\n", 1)[0].decode())
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], lines
    finally:
        server.close()
        await server.wait_closed()


async def _get_session(make_settings: Callable[..., Settings], api_base_url: str) -> object:
    op = tools.by_name("get_session")
    assert op is not None
    settings = make_settings(api_base_url=api_base_url, retries=0, request_timeout_s=5.0)
    async with Upstream(settings) as upstream:
        answer = await upstream.call(op, op.arguments.model_validate({"session_id": SESSION}), key=KEY)
    return answer.body


async def test_calls_go_through_the_proxy_the_environment_names(
    monkeypatch: pytest.MonkeyPatch, make_settings: Callable[..., Settings]
) -> None:
    async with _listener() as (port, lines):
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        body = await _get_session(make_settings, "http://api.intervyo.test/api/v1")
    # A forward proxy is sent the absolute URL of the API, not a path.
    assert lines == [f"GET http://api.intervyo.test/api/v1/sessions/{SESSION} HTTP/1.1"]
    assert body == {"data": {"id": SESSION, "status": "scheduled", "stage": "screen"}}


@pytest.mark.parametrize(
    "exempt", ["127.0.0.1", "127.0.0.0/8", "*", "localhost,*", "127.0.0.1:{port}", "http://127.0.0.1:{port}"]
)
async def test_no_proxy_sends_calls_straight_to_the_api(
    monkeypatch: pytest.MonkeyPatch, make_settings: Callable[..., Settings], exempt: str
) -> None:
    async with _listener() as (api_port, lines), _listener() as (proxy_port, proxied):
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy_port}")
        monkeypatch.setenv("NO_PROXY", exempt.format(port=api_port))
        await _get_session(make_settings, f"http://127.0.0.1:{api_port}/api/v1")
    # The key never reaches a proxy the environment exempted the API from.
    assert lines == [f"GET /api/v1/sessions/{SESSION} HTTP/1.1"]
    assert proxied == []


async def test_all_proxy_written_without_a_scheme_is_used_too(
    monkeypatch: pytest.MonkeyPatch, make_settings: Callable[..., Settings]
) -> None:
    async with _listener() as (port, lines):
        monkeypatch.setenv("ALL_PROXY", f"127.0.0.1:{port}")  # as people often write it
        await _get_session(make_settings, "http://api.intervyo.test/api/v1")
    assert lines == [f"GET http://api.intervyo.test/api/v1/sessions/{SESSION} HTTP/1.1"]


@pytest.mark.parametrize(
    ("url", "no_proxy", "proxied"),
    [
        ("https://api.intervyo.ai/v1", "", True),
        ("https://api.intervyo.ai/v1", "intervyo.ai", False),  # the domain and its subdomains
        ("https://intervyo.ai/v1", "intervyo.ai", False),
        ("https://notintervyo.ai/v1", "intervyo.ai", True),
        ("https://intervyo.ai/v1", ".intervyo.ai", True),  # only subdomains
        ("https://api.intervyo.ai/v1", "*.intervyo.ai", False),
        ("https://api.intervyo.ai/v1", "api.intervyo.ai:443", False),  # the default port counts
        ("https://api.intervyo.ai/v1", "api.intervyo.ai:8443", True),
        ("https://api.intervyo.ai/v1", "http://api.intervyo.ai", True),  # another scheme
        ("http://10.1.2.3:8000/v1", "10.0.0.0/8", False),
        ("http://[::1]:8000/v1", "::1", False),
        ("http://[::1]:8000/v1", "[::1]:8000", False),
        ("http://[fd00::5]/v1", "fd00::/8", False),
        ("http://[fd00::5]/v1", "fe80::/10", True),
        ("https://api.intervyo.ai/v1", "[bad, ,::zz", True),  # what cannot be read is ignored
    ],
)
def test_no_proxy_forms_are_read_as_curl_reads_them(
    monkeypatch: pytest.MonkeyPatch, url: str, no_proxy: str, proxied: bool
) -> None:
    monkeypatch.setenv("ALL_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    proxy = proxy_for(httpx2.URL(url))
    assert (proxy is not None) is proxied
    if proxy is not None:
        assert proxy.url == httpx2.URL("http://proxy.internal:3128")


def test_the_schemes_own_proxy_wins_over_all_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "http://all.internal:3128")
    monkeypatch.setenv("HTTPS_PROXY", "secure.internal:3129")  # no scheme: an http:// proxy
    proxy = proxy_for(httpx2.URL("https://api.intervyo.ai/v1"))
    assert proxy is not None and proxy.url == httpx2.URL("http://secure.internal:3129")
