"""Shared fixtures: the sandbox as the upstream, and the MCP server live on a loopback port.

`serve` starts our real HTTP app under uvicorn on 127.0.0.1 (a free port) in a background thread and
stops it when the test or session ends. `connect` opens the SDK's `Client` to it over real streamable
HTTP (or SSE) with a given key, protocol era and extra headers.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import httpx2
import pytest
from http_app import LiveServer, running
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from prerequisites import (  # noqa: F401  (hooks: markers for programs beyond Python, INTERVYO_REQUIRE_ALL)
    pytest_collection_modifyitems,
    pytest_collectreport,
    pytest_configure,
    pytest_runtest_makereport,
    redis_url,  # a fixture: a real redis-server for the Redis bus and OAuth replica tests
)

from server.app import build_server
from server.settings import Settings
from server.upstream.client import Upstream

# Extra keys in the demo workspace, so fault injection (scoped to the key) never touches other tests.
FAULT_KEY = "iv_live_test_faults"
LOG_KEY = "iv_live_test_logging_secret"


@dataclass(frozen=True)
class SandboxHandle:
    """The running sandbox and its seeded keys."""

    base_url: str
    origin: str
    demo_key: str
    readonly_key: str
    other_key: str
    fault_key: str = FAULT_KEY
    log_key: str = LOG_KEY

    def control(self, key: str, method: str, path: str, body: object = None) -> httpx2.Response:
        """Call one of the sandbox's `/_sandbox/...` control routes (fault injection, advancing sessions)."""
        response = httpx2.request(
            method, self.origin + path, json=body, headers={"x-api-key": key}, timeout=10
        )
        assert response.status_code < 300, response.text
        return response


def pytest_report_header() -> str:
    """Which SDK this run tests: CI runs the suite on the lowest and the newest `mcp` allowed."""
    return f"mcp {version('mcp')}"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def fast_settings(**overrides: Any) -> Settings:
    """Settings for tests: every toolset, retries that back off in milliseconds, a short deadline."""
    values: dict[str, Any] = {
        "toolsets": "all",
        "retries": 3,
        "retry_backoff_s": 0.01,
        "retry_backoff_max_s": 0.05,
        "call_deadline_s": 10.0,
        "request_timeout_s": 10.0,
        "log_level": "info",
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxHandle]:
    """One sandbox for the whole run; tests create their own records, so they do not collide."""
    yield from _sandbox(auto_run=False)


@pytest.fixture(scope="session")
def auto_sandbox() -> Iterator[SandboxHandle]:
    """A sandbox whose sessions run themselves (join, finish, get scored) on a 5000x clock."""
    yield from _sandbox(auto_run=True, time_scale=5000.0)


def _sandbox(*, auto_run: bool, time_scale: float = 1000.0) -> Iterator[SandboxHandle]:
    from sandbox.config import ApiKeySpec, SandboxConfig
    from sandbox.seed import DEMO_KEY, OTHER_KEY, READONLY_KEY
    from sandbox.serve import serve_in_thread

    config = SandboxConfig(
        time_scale=time_scale, auto_run=auto_run, extra_keys=(ApiKeySpec(FAULT_KEY), ApiKeySpec(LOG_KEY))
    )
    with serve_in_thread(config) as instance:
        yield SandboxHandle(
            base_url=instance.base_url,
            origin=instance.origin,
            demo_key=DEMO_KEY,
            readonly_key=READONLY_KEY,
            other_key=OTHER_KEY,
        )


@pytest.fixture(scope="session")
def live_server(sandbox: SandboxHandle) -> Iterator[LiveServer]:
    """The MCP server with every toolset, pointed at the sandbox."""
    with running(fast_settings(api_base_url=sandbox.base_url)) as live:
        yield live


@pytest.fixture
def serve() -> Callable[..., contextlib.AbstractContextManager[LiveServer]]:
    """Start a server with custom settings (or a mock upstream) for one test."""
    return running


@contextlib.asynccontextmanager
async def mcp_client(
    url: str,
    key: str | None,
    *,
    mode: str = "auto",
    headers: Mapping[str, str] | None = None,
    transport: str = "http",
) -> AsyncIterator[Client]:
    """The SDK's Client over real HTTP with `key` as a bearer token (no key: no auth header)."""
    sent = dict(headers or {})
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    if transport == "sse":
        async with Client(sse_client(url, headers=sent), mode="legacy") as client:
            yield client
        return
    async with (
        httpx2.AsyncClient(headers=sent, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,  # type: ignore[arg-type]
    ):
        yield client


@pytest.fixture
def connect() -> Callable[..., contextlib.AbstractAsyncContextManager[Client]]:
    return mcp_client


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    return fast_settings


class Upstreams:
    """A scripted intervyo: answers from a handler, every request recorded, sleeps recorded not slept."""

    def __init__(self, handler: Callable[[httpx2.Request], httpx2.Response]) -> None:
        self.handler = handler
        self.requests: list[httpx2.Request] = []
        self.sleeps: list[float] = []

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.handler(request)

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def upstream(self, settings: Settings) -> Upstream:
        return Upstream(settings, transport=httpx2.MockTransport(self._handle), sleep=self._sleep)


@contextlib.asynccontextmanager
async def scripted_client(
    handler: Callable[[httpx2.Request], httpx2.Response], *, mode: str = "auto", **settings: Any
) -> AsyncIterator[tuple[Client, Upstreams]]:
    """An in-memory MCP client on a server whose upstream is `handler` (stdio-like: key from settings)."""
    script = Upstreams(handler)
    config = fast_settings(**{"api_key": "iv_live_unit_test_key", **settings})
    async with (
        script.upstream(config) as upstream,
        Client(build_server(config, upstream), mode=mode) as client,  # type: ignore[arg-type]
    ):
        yield client, script


@pytest.fixture
def scripted() -> Callable[..., contextlib.AbstractAsyncContextManager[tuple[Client, Upstreams]]]:
    """`async with scripted(handler, mode=...) as (client, upstream):` -- see `scripted_client`."""
    return scripted_client


@pytest.fixture
def upstreams() -> type[Upstreams]:
    """`upstreams(handler)`: a scripted intervyo to hand to `serve(settings, script.upstream(settings))`."""
    return Upstreams
