"""Fixtures for the sandbox's own tests: a served sandbox per test and HTTP clients per key.

Every test talks real HTTP (httpx2) to a uvicorn-served sandbox on 127.0.0.1 started by
`serve_in_thread` and stopped when the test ends. A module overrides `sandbox_config` for a
differently configured sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx2
import pytest
from sandbox_api import Api

from sandbox import DEMO_KEY, RunningSandbox, SandboxConfig, serve_in_thread


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Override in a test module (or parametrize indirectly) for a differently configured sandbox."""
    return SandboxConfig()


@pytest.fixture
def served(sandbox_config: SandboxConfig) -> Iterator[RunningSandbox]:
    with serve_in_thread(sandbox_config) as running:
        yield running


@pytest.fixture
def connect(served: RunningSandbox) -> Iterator[Callable[..., Api]]:
    """`connect(key)` -> an `Api` with that key (None: no key header); all closed after the test."""
    yield from _clients(served)


@pytest.fixture(scope="module")
def shared_connect() -> Iterator[Callable[..., Api]]:
    """Like `connect`, on one default sandbox for the whole module: for tests that change nothing."""
    with serve_in_thread(SandboxConfig()) as running:
        yield from _clients(running)


def _clients(running: RunningSandbox) -> Iterator[Callable[..., Api]]:
    clients: list[httpx2.Client] = []

    def make(key: str | None = DEMO_KEY) -> Api:
        headers = {} if key is None else {"x-api-key": key}
        client = httpx2.Client(base_url=running.base_url, headers=headers, timeout=30)
        clients.append(client)
        return Api(client, running.origin)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def api(connect: Callable[..., Api]) -> Api:
    """The demo key's client."""
    return connect(DEMO_KEY)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
