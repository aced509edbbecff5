"""Who may open sessions: unknown keys refused before anything is created, caps per key and in all,
idle sessions closed, and the heaviest key's idle sessions giving way to a newcomer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import anyio
import httpx2
import pytest
from http_app import ACCEPT, INIT
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from starlette.types import Message, Receive, Scope, Send

from server.http.admission import Admission, Limits
from server.http.auth import ApiKeyMiddleware
from server.upstream.key_check import KeyCheckUnavailable
from server.visibility import Visibility

pytestmark = pytest.mark.anyio

VIEW = Visibility(frozenset({"sessions"}), read_only=False)
GOOD = ("iv_live_key_a", "iv_live_key_b", "iv_live_key_c")


class FakeSessions:
    """Stands in for the SDK's session manager: opens, serves, holds GET streams, closes on DELETE."""

    def __init__(self) -> None:
        self.open: dict[str, str] = {}  # session id -> owner token
        self.deleted: list[str] = []
        self.streaming = anyio.Event()
        self.release = anyio.Event()
        self._next = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        session_id = headers.get(b"mcp-session-id", b"").decode() or None
        user = scope["user"]
        assert isinstance(user, AuthenticatedUser)
        if session_id is None:
            self._next += 1
            session_id = f"s{self._next:04d}"
            self.open[session_id] = user.access_token.token
            await _answer(send, 200, [(b"mcp-session-id", session_id.encode())])
        elif self.open.get(session_id) != user.access_token.token:
            await _answer(send, 404)
        elif scope["method"] == "DELETE":
            del self.open[session_id]
            self.deleted.append(session_id)
            await _answer(send, 200)
        elif scope["method"] == "GET":
            self.streaming.set()
            await self.release.wait()
            await _answer(send, 200)
        else:
            await _answer(send, 200)


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    start: Message = {"type": "http.response.start", "status": status, "headers": headers or []}
    await send(start)
    await send({"type": "http.response.body", "body": b"{}"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Gate:
    """An `Admission` over `FakeSessions`, driven over HTTP in memory."""

    def __init__(self, limits: Limits, *, known: tuple[str, ...] = GOOD) -> None:
        self.sessions = FakeSessions()
        self.clock = Clock()
        self.checked: list[str] = []

        async def accepted(key: str) -> bool:
            self.checked.append(key)
            return key in known

        self.admission = Admission(accepted, limits, self.sessions, clock=self.clock)
        app = ApiKeyMiddleware(self.admission.streamable(self.sessions), VIEW)
        self.http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app), base_url="http://127.0.0.1")

    async def open(self, key: str) -> httpx2.Response:
        self.clock.now += 1
        return await self.http.post("/mcp", json=INIT, headers={**ACCEPT, "x-api-key": key})

    async def use(self, key: str, session_id: str, method: str = "POST") -> httpx2.Response:
        self.clock.now += 1
        headers = {**ACCEPT, "x-api-key": key, "mcp-session-id": session_id}
        return await self.http.request(
            method, "/mcp", headers=headers, json=INIT if method == "POST" else None
        )


@pytest.fixture
async def gate() -> AsyncIterator[Gate]:
    made = Gate(Limits(per_key=3, total=5, idle_s=60))
    async with made.http:
        yield made


async def test_an_unknown_key_gets_401_with_a_reason_and_no_session(gate: Gate) -> None:
    response = await gate.open("iv_live_junk")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_api_key"
    assert "does not recognise this API key" in response.json()["error_description"]
    assert "iv_live_junk" not in response.text
    assert gate.sessions.open == {} and gate.admission.open_sessions == 0


async def test_a_key_at_its_cap_gives_up_its_own_oldest_idle_session(gate: Gate) -> None:
    first, *_ = [(await gate.open(GOOD[0])).headers["mcp-session-id"] for _ in range(3)]
    fourth = await gate.open(GOOD[0])
    assert fourth.status_code == 200
    assert gate.sessions.deleted == [first]
    assert (await gate.use(GOOD[0], first)).status_code == 404
    assert gate.admission.open_sessions == 3


async def test_a_key_whose_sessions_are_all_busy_gets_429(gate: Gate) -> None:
    gate.admission = Admission(_accept_all, Limits(per_key=1, total=5, idle_s=60), gate.sessions)
    app = ApiKeyMiddleware(gate.admission.streamable(gate.sessions), VIEW)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app), base_url="http://127.0.0.1") as http:
        gate.http = http
        session_id = (await gate.open(GOOD[0])).headers["mcp-session-id"]
        async with anyio.create_task_group() as group:
            group.start_soon(gate.use, GOOD[0], session_id, "GET")  # a held GET stream: busy
            with anyio.fail_after(5):
                await gate.sessions.streaming.wait()
            refused = await gate.open(GOOD[0])
            gate.sessions.release.set()
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_sessions"
    assert refused.headers["retry-after"] == "5"
    assert gate.sessions.deleted == []


async def test_when_full_the_heaviest_keys_oldest_idle_session_gives_way_to_a_newcomer(gate: Gate) -> None:
    heavy = [(await gate.open(GOOD[0])).headers["mcp-session-id"] for _ in range(3)]
    light = [(await gate.open(GOOD[1])).headers["mcp-session-id"] for _ in range(2)]
    await gate.use(GOOD[0], heavy[0])  # the heavy key's oldest is now its most recently used
    newcomer = await gate.open(GOOD[2])
    assert newcomer.status_code == 200
    assert gate.sessions.deleted == [heavy[1]]
    assert gate.admission.shed == 1
    assert [(await gate.use(GOOD[1], s)).status_code for s in light] == [200, 200]


async def test_a_session_idle_past_the_timeout_is_closed_and_one_in_use_is_not(gate: Gate) -> None:
    idle = (await gate.open(GOOD[0])).headers["mcp-session-id"]
    busy = (await gate.open(GOOD[0])).headers["mcp-session-id"]
    gate.clock.now += 50
    await gate.use(GOOD[0], busy)
    gate.clock.now += 20
    assert await gate.admission.sweep() == 1
    assert gate.sessions.deleted == [idle]
    assert (await gate.use(GOOD[0], busy)).status_code == 200


async def test_a_deleted_session_is_no_longer_counted(gate: Gate) -> None:
    session_id = (await gate.open(GOOD[0])).headers["mcp-session-id"]
    assert (await gate.use(GOOD[0], session_id, "DELETE")).status_code == 200
    assert gate.admission.open_sessions == 0


async def test_requests_within_a_session_are_not_checked_again(gate: Gate) -> None:
    session_id = (await gate.open(GOOD[0])).headers["mcp-session-id"]
    for _ in range(3):
        await gate.use(GOOD[0], session_id)
    assert gate.checked == [GOOD[0]]


async def _accept_all(_: str) -> bool:
    return True


# -- end to end: the real app, the sandbox as intervyo ---------------------------------------------------


async def test_a_junk_key_cannot_open_a_session_or_sse_stream_and_a_real_key_can(
    sandbox, serve, make_settings, connect
) -> None:
    with serve(make_settings(api_base_url=sandbox.base_url)) as live:
        async with httpx2.AsyncClient(timeout=10) as http:
            junk = {**ACCEPT, "authorization": "Bearer iv_live_not_a_real_key"}
            opened = await http.post(live.mcp_url, json=INIT, headers=junk)
            streamed = await http.get(live.sse_url, headers=junk)
        assert opened.status_code == 401 and streamed.status_code == 401
        assert json.loads(opened.text)["error"] == "invalid_api_key"
        assert "mcp-session-id" not in opened.headers
        async with connect(live.mcp_url, sandbox.demo_key, mode="legacy") as client:
            assert (await client.call_tool("list_sessions", {})).is_error is False


async def test_a_session_closed_to_make_room_answers_404_to_its_client(sandbox, serve, make_settings) -> None:
    settings = make_settings(api_base_url=sandbox.base_url, max_sessions_per_key=1)
    with serve(settings) as live:
        async with httpx2.AsyncClient(timeout=10) as http:
            headers = {**ACCEPT, "x-api-key": sandbox.demo_key}
            first = (await http.post(live.mcp_url, json=INIT, headers=headers)).headers["mcp-session-id"]
            second = await http.post(live.mcp_url, json=INIT, headers=headers)
            assert second.status_code == 200
            ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
            stale = await http.post(live.mcp_url, json=ping, headers={**headers, "mcp-session-id": first})
        assert stale.status_code == 404


async def test_when_intervyo_cannot_say_the_opener_gets_503_with_retry_after() -> None:
    async def unavailable(_: str) -> bool:
        raise KeyCheckUnavailable(7.0)

    sessions = FakeSessions()
    admission = Admission(unavailable, Limits(per_key=3, total=5, idle_s=60), sessions)
    app = ApiKeyMiddleware(admission.streamable(sessions), VIEW)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app), base_url="http://127.0.0.1") as http:
        response = await http.post("/mcp", json=INIT, headers={**ACCEPT, "x-api-key": GOOD[0]})
    assert response.status_code == 503
    assert response.json()["error"] == "key_check_unavailable"
    assert response.headers["retry-after"] == "7"
    assert sessions.open == {}


async def test_sse_streams_count_against_the_per_key_cap_while_they_last() -> None:
    sessions = FakeSessions()
    admission = Admission(_accept_all, Limits(per_key=1, total=5, idle_s=60), sessions)
    streaming, release = anyio.Event(), anyio.Event()

    async def stream(scope: Scope, receive: Receive, send: Send) -> None:
        streaming.set()
        await release.wait()
        await _answer(send, 200)

    app = ApiKeyMiddleware(admission.sse(stream), VIEW)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app), base_url="http://127.0.0.1") as http:
        statuses: list[int] = []

        async def open_stream() -> None:
            statuses.append((await http.get("/sse", headers={"x-api-key": GOOD[0]})).status_code)

        async with anyio.create_task_group() as group:
            group.start_soon(open_stream)
            with anyio.fail_after(5):
                await streaming.wait()
            assert admission.open_sessions == 1
            second = await http.get("/sse", headers={"x-api-key": GOOD[0]})
            release.set()
        after = await http.get("/sse", headers={"x-api-key": GOOD[0]})
    assert second.status_code == 429  # the live stream is never shed
    assert statuses == [200] and after.status_code == 200
    assert admission.open_sessions == 0
