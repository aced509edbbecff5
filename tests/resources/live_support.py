"""Helpers and fixtures for resources, live updates, prompts and completions (re-exported by conftest).

The sandbox here scores slowly enough to watch (`time_scale=60`: 0.5-2 s after completion), and the MCP
servers poll fast (`poll_interval_s=0.1`). `Sessions` creates a fresh interview in the sandbox and moves
it through its lifecycle with the control route. Our app itself runs with `http_app.running` (on a
socket bound in advance where a sandbox must know its webhook URL first). `redis_url` starts a real
`redis-server` on a free loopback port for the Redis bus tests.
"""

from __future__ import annotations

import contextlib
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2
import pytest
from http_app import LiveServer, running
from mcp import Client
from mcp.types import ResourceUpdatedNotification

from server.http.binding import bind
from server.settings import Settings

WEBHOOK_SECRET = "whsec_test_0123456789abcdef0123456789abcdef"
SLOW_TIME_SCALE = 60.0
_START_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Sandbox:
    """A running sandbox: its API root, origin (for the control route) and seeded keys."""

    base_url: str
    origin: str
    demo_key: str
    other_key: str


@pytest.fixture(scope="session")
def slow_sandbox() -> Iterator[Sandbox]:
    """A sandbox whose scorecards arrive 0.5-2 s after completion, without webhooks."""
    from sandbox.config import SandboxConfig
    from sandbox.seed import DEMO_KEY, OTHER_KEY
    from sandbox.serve import serve_in_thread

    with serve_in_thread(SandboxConfig(time_scale=SLOW_TIME_SCALE)) as instance:
        yield Sandbox(instance.base_url, instance.origin, DEMO_KEY, OTHER_KEY)


@contextlib.contextmanager
def webhook_sandbox(webhook_url: str) -> Iterator[Sandbox]:
    """A sandbox that delivers signed webhooks to `webhook_url`."""
    from sandbox.config import SandboxConfig
    from sandbox.seed import DEMO_KEY, OTHER_KEY
    from sandbox.serve import serve_in_thread

    config = SandboxConfig(time_scale=SLOW_TIME_SCALE, webhook_url=webhook_url, webhook_secret=WEBHOOK_SECRET)
    with serve_in_thread(config) as instance:
        yield Sandbox(instance.base_url, instance.origin, DEMO_KEY, OTHER_KEY)


def live_settings(api_base_url: str, **overrides: Any) -> Settings:
    """Settings for these tests: every toolset, fast polling and waiting, short deadlines."""
    values: dict[str, Any] = {
        "api_base_url": api_base_url,
        "toolsets": "all",
        "retries": 1,
        "retry_backoff_s": 0.01,
        "retry_backoff_max_s": 0.05,
        "call_deadline_s": 10.0,
        "request_timeout_s": 10.0,
        "poll_interval_s": 0.1,
        "wait_poll_interval_s": 0.2,
        "log_level": "warning",
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def polling_server(slow_sandbox: Sandbox) -> Iterator[LiveServer]:
    """Our server on the slow sandbox, without a webhook secret: updates come from polling."""
    with running(live_settings(slow_sandbox.base_url)) as served:
        yield served


class Sessions:
    """Creates interview sessions in a sandbox and moves them along, as intervyo's candidates would."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def _call(self, method: str, url: str, key: str, body: object = None) -> dict[str, Any]:
        async with httpx2.AsyncClient(timeout=10) as http:
            response = await http.request(method, url, json=body, headers={"x-api-key": key})
        assert response.status_code < 300, (response.status_code, response.text)
        data: dict[str, Any] = response.json()
        return data

    async def stage(self, key: str | None = None) -> dict[str, Any]:
        """An active stage (with its template) of the key's workspace."""
        key = key or self.sandbox.demo_key
        listing = await self._call("GET", f"{self.sandbox.base_url}/evaluation-stages?pageSize=100", key)
        return next(s for s in listing["data"] if s.get("status") == "active")

    async def new(self, key: str | None = None, *, name: str = "Jane Candidate") -> dict[str, Any]:
        """A freshly scheduled session for a new participant; the session as the API returns it."""
        key = key or self.sandbox.demo_key
        stage = await self.stage(key)
        participant = await self._call(
            "POST",
            f"{self.sandbox.base_url}/participants",
            key,
            {
                "name": name,
                "email": f"{uuid.uuid4().hex[:12]}@example.com",
                "evaluation_template_id": stage["evaluation_template_id"],
            },
        )
        session = await self._call(
            "POST",
            f"{self.sandbox.base_url}/sessions",
            key,
            {
                "candidate_id": participant["data"]["id"],
                "evaluation_template_id": stage["evaluation_template_id"],
                "stage": stage["type"],
                "force": True,
            },
        )
        return dict(session["data"])

    async def settled(self, key: str | None = None) -> dict[str, Any]:
        """A seeded session that nothing changes any more (the demo workspace's cancelled one)."""
        key = key or self.sandbox.demo_key
        listing = await self._call("GET", f"{self.sandbox.base_url}/sessions?status=cancelled", key)
        return dict(listing["data"][0])

    async def advance(self, session_id: str, to: str, key: str | None = None) -> dict[str, Any]:
        """Move the session to `to` (in_progress, completed, failed, scored) with the control route."""
        key = key or self.sandbox.demo_key
        url = f"{self.sandbox.origin}/_sandbox/sessions/{session_id}/advance"
        return dict((await self._call("POST", url, key, {"to": to}))["data"])

    async def scored(self, key: str | None = None) -> dict[str, Any]:
        """A new session, interviewed and scored."""
        session = await self.new(key)
        return await self.advance(session["id"], "scored", key)


@pytest.fixture
def slow_sessions(slow_sandbox: Sandbox) -> Sessions:
    return Sessions(slow_sandbox)


@contextlib.asynccontextmanager
async def mcp(
    url: str, key: str, mode: str, headers: dict[str, str] | None = None, **client: Any
) -> AsyncIterator[Client]:
    """The SDK's Client over streamable HTTP with `key` as a bearer token (and `headers`), no cache."""
    sent = {"Authorization": f"Bearer {key}", **(headers or {})}
    async with httpx2.AsyncClient(headers=sent, timeout=30) as http:
        from mcp.client.streamable_http import streamable_http_client

        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, mode=mode, cache=None, **client) as connected:  # type: ignore[arg-type]
            yield connected


class Updates:
    """Collects `notifications/resources/updated` (2025 era) as a message handler."""

    def __init__(self) -> None:
        self._send, self._receive = anyio.create_memory_object_stream[str](100)

    async def handler(self, message: object) -> None:
        if isinstance(message, ResourceUpdatedNotification):
            await self._send.send(message.params.uri)

    async def next(self, timeout_s: float = 10.0) -> str:
        with anyio.fail_after(timeout_s):
            return await self._receive.receive()

    def pending(self) -> list[str]:
        """What has arrived and not been taken yet."""
        found: list[str] = []
        while True:
            try:
                found.append(self._receive.receive_nowait())
            except anyio.WouldBlock:
                return found

    def close(self) -> None:
        self._send.close()
        self._receive.close()


@pytest.fixture
def updates() -> Iterator[Updates]:
    collected = Updates()
    yield collected
    collected.close()


def free_socket() -> socket.socket:
    return bind("127.0.0.1", 0)
