"""Several replicas sharing one Redis: an update one replica detects reaches subscribers on the other.

A real `redis-server` is started for these tests (`live_support.redis_url`; marker `redis`). Replica A
receives intervyo's webhooks; the subscribers are connected to replica B only. The replicas are two apps
in this process (`replicas`) and, once, two `intervyo-mcp serve` processes (`processes`).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
import httpx2
import pytest
from http_app import LiveServer, running
from live_support import (
    WEBHOOK_SECRET,
    Sandbox,
    Sessions,
    Updates,
    live_settings,
    mcp,
    webhook_sandbox,
)
from mcp.server.subscriptions import ResourceUpdated, ServerEvent
from mcp.shared.exceptions import MCPDeprecationWarning

from server.http.binding import bind
from server.live.redis_bus import RedisBus
from server.settings import Settings
from tools.webhooks import sign

pytestmark = [pytest.mark.anyio, pytest.mark.redis]

_BOUND_S = 10.0


@dataclass(frozen=True)
class Replicas:
    a: LiveServer
    b: LiveServer
    sandbox: Sandbox


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(port: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "server", "serve", "--transport", "http", "--port", str(port)]
    return subprocess.Popen(
        command, env={**os.environ, **environment}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _await_healthy(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("intervyo-mcp serve exited at start-up")
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("intervyo-mcp serve did not start")


@pytest.fixture(scope="module")
def processes(redis_url: str) -> Iterator[Replicas]:
    """Two `intervyo-mcp serve` processes on one Redis; the sandbox sends its webhooks to A."""
    port_a, port_b = _free_port(), _free_port()
    with webhook_sandbox(f"http://127.0.0.1:{port_a}/webhooks/intervyo") as sandbox:
        environment = {
            "INTERVYO_API_BASE_URL": sandbox.base_url,
            "INTERVYO_REDIS_URL": redis_url,
            "INTERVYO_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "INTERVYO_LOG_LEVEL": "warning",
        }
        started = [_start(port_a, environment), _start(port_b, environment)]
        try:
            for process, port in zip(started, (port_a, port_b), strict=True):
                _await_healthy(process, port)
            # What each process read from its environment.
            settings = Settings.model_validate(
                {"api_base_url": sandbox.base_url, "redis_url": redis_url, "webhook_secret": WEBHOOK_SECRET}
            )
            yield Replicas(
                LiveServer(f"http://127.0.0.1:{port_a}", settings),
                LiveServer(f"http://127.0.0.1:{port_b}", settings),
                sandbox,
            )
        finally:
            for process in started:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)


@pytest.fixture(scope="module")
def replicas(redis_url: str) -> Iterator[Replicas]:
    """Two servers on one Redis; the sandbox sends its webhooks to A."""
    sock_a = bind("127.0.0.1", 0)
    with webhook_sandbox(f"http://127.0.0.1:{sock_a.getsockname()[1]}/webhooks/intervyo") as sandbox:
        settings = live_settings(
            sandbox.base_url, redis_url=redis_url, webhook_secret=WEBHOOK_SECRET, poll_interval_s=3600
        )
        with running(settings, sock=sock_a) as a, running(settings) as b:
            yield Replicas(a, b, sandbox)


async def test_a_2025_subscriber_on_one_replica_hears_an_update_the_other_received(
    replicas: Replicas,
) -> None:
    sessions, updates = Sessions(replicas.sandbox), Updates()
    session = await sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    key = replicas.sandbox.demo_key
    async with mcp(replicas.b.mcp_url, key, "legacy", message_handler=updates.handler) as client:
        with pytest.warns(MCPDeprecationWarning):
            await client.subscribe_resource(uri)
        await sessions.advance(session["id"], "in_progress")  # webhook -> replica A -> Redis -> B
        assert await updates.next(_BOUND_S) == uri
    updates.close()


async def test_a_2026_listener_on_one_replica_hears_an_update_the_other_received(replicas: Replicas) -> None:
    sessions = Sessions(replicas.sandbox)
    session = await sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    async with (
        mcp(replicas.b.mcp_url, replicas.sandbox.demo_key, "auto") as client,
        client.listen(resource_subscriptions=[uri]) as subscription,
    ):
        await sessions.advance(session["id"], "completed")
        with anyio.fail_after(_BOUND_S):
            event = await subscription.__anext__()
    assert getattr(event, "uri", None) == uri


async def test_a_delivery_accepted_by_one_replica_is_a_replay_on_the_other(replicas: Replicas) -> None:
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "event": "session.scored",
            "occurred_at": moment,
            "data": {"session": {"id": str(uuid.uuid4())}},
        }
    ).encode()
    headers = {"x-intervyo-signature": sign(WEBHOOK_SECRET, body), "content-type": "application/json"}
    async with httpx2.AsyncClient(timeout=10) as http:
        first = await http.post(replicas.a.webhook_url, content=body, headers=headers)
        again = await http.post(replicas.b.webhook_url, content=body, headers=headers)
    assert (first.status_code, again.status_code) == (200, 409)


async def test_the_redis_bus_delivers_a_publish_to_every_bus_on_the_channel(redis_url: str) -> None:
    heard: list[ServerEvent] = []
    arrived = anyio.Event()

    def listener(event: ServerEvent) -> None:
        heard.append(event)
        arrived.set()

    channel = f"test-{uuid.uuid4().hex}"
    async with (
        RedisBus(redis_url, channel=channel) as sender,
        RedisBus(redis_url, channel=channel) as receiver,
    ):
        unsubscribe = receiver.subscribe(listener)
        await sender.publish(ResourceUpdated(uri="intervyo://sessions/x/scorecard"))
        with anyio.fail_after(_BOUND_S):
            await arrived.wait()
        unsubscribe()
        unsubscribe()  # idempotent
    assert heard == [ResourceUpdated(uri="intervyo://sessions/x/scorecard")]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_two_server_processes_on_one_redis_share_updates(processes: Replicas, mode: str) -> None:
    sessions, updates = Sessions(processes.sandbox), Updates()
    session = await sessions.new()
    uri = f"intervyo://sessions/{session['id']}/scorecard"
    key = processes.sandbox.demo_key
    async with mcp(processes.b.mcp_url, key, mode, message_handler=updates.handler) as client:
        if mode == "legacy":
            with pytest.warns(MCPDeprecationWarning):
                await client.subscribe_resource(uri)
            await sessions.advance(session["id"], "in_progress")  # webhook -> process A -> Redis -> B
            assert await updates.next(_BOUND_S) == uri
        else:
            async with client.listen(resource_subscriptions=[uri]) as subscription:
                await sessions.advance(session["id"], "in_progress")
                with anyio.fail_after(_BOUND_S):
                    event = await subscription.__anext__()
            assert getattr(event, "uri", None) == uri
    updates.close()
