"""Webhooks: signed session.* events delivered to a local receiver, retried when it fails."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sandbox_api import Api, eventually

from sandbox import RunningSandbox, SandboxConfig, serve_in_thread

_SECRET = "whsec_test_0123456789abcdef0123456789abcdef"


class _Receiver:
    """A loopback HTTP server recording each delivery; the first `failures` answers are 500s."""

    def __init__(self, failures: int) -> None:
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def events(self, session_id: str | None = None) -> list[str]:
        """Event names in delivery order, only those about `session_id` when given."""
        envelopes = [json.loads(body) for _, body in self.deliveries]
        return [
            e["event"]
            for e in envelopes
            if session_id is None or e["data"].get("session", {}).get("id") == session_id
        ]


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[_Receiver]:
    instance = _Receiver(failures=getattr(request, "param", 0))
    thread = threading.Thread(target=instance.server.serve_forever, daemon=True)
    thread.start()
    yield instance
    instance.server.shutdown()
    instance.server.server_close()


@pytest.fixture
def served(receiver: _Receiver) -> Iterator[RunningSandbox]:
    # No demo rows: their scheduled scoring would send events of its own. The worker's longest sleep is far
    # past every test's patience: deliveries and retries must happen because they fall due, not on a tick.
    config = SandboxConfig(
        webhook_url=receiver.url, webhook_secret=_SECRET, time_scale=1000, seed_demo=False, tick_interval=600
    )
    with serve_in_thread(config) as running:
        yield running


def test_session_events_are_delivered_signed_in_the_documented_envelope(
    api: Api, receiver: _Receiver
) -> None:
    session = api.schedule(api.setup_hiring()).json()["data"]
    api.control(f"/_sandbox/sessions/{session['id']}/advance", {"to": "scored"})
    wanted = ["session.created", "session.started", "session.completed", "session.scored"]
    eventually(lambda: receiver.events(session["id"]) == wanted)
    assert "participant.created" in receiver.events()
    for headers, body in receiver.deliveries:
        expected = "sha256=" + hmac.new(_SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-intervyo-signature"], expected)
        envelope = json.loads(body)
        assert set(envelope) == {"id", "event", "occurred_at", "data"}
        assert envelope["id"].startswith("evt_")
    envelopes = [json.loads(body) for _, body in receiver.deliveries]
    scored = next(
        e for e in envelopes if e["event"] == "session.scored" and e["data"]["session"]["id"] == session["id"]
    )
    assert isinstance(scored["data"]["session"]["score"], float)


def test_cancelled_and_failed_sessions_send_their_events(api: Api, receiver: _Receiver) -> None:
    ids = api.setup_hiring()
    first = api.schedule(ids).json()["data"]
    api.post(f"/sessions/{first['id']}/cancel")
    second = api.schedule(ids).json()["data"]
    api.control(f"/_sandbox/sessions/{second['id']}/advance", {"to": "failed"})
    eventually(lambda: receiver.events(first["id"]) == ["session.created", "session.cancelled"])
    eventually(
        lambda: receiver.events(second["id"]) == ["session.created", "session.started", "session.failed"]
    )


@pytest.mark.parametrize("receiver", [2], indirect=True)
def test_a_failed_delivery_is_retried_until_it_succeeds(api: Api, receiver: _Receiver) -> None:
    api.created("/participants", {"name": "Retry", "email": "retry@example.com"})
    eventually(lambda: len(receiver.deliveries) == 3)
    assert receiver.events() == ["participant.created"] * 3
    assert len({body for _, body in receiver.deliveries}) == 1


@pytest.mark.parametrize("receiver", [100], indirect=True)
def test_a_broken_receiver_never_slows_or_breaks_the_api(api: Api, receiver: _Receiver) -> None:
    for n in range(5):
        assert api.created("/participants", {"name": f"P{n}", "email": f"p{n}@example.com"})
    eventually(lambda: receiver.events().count("participant.created") >= 5)
    assert api.get("/participants").status_code == 200
