"""Fault injection: chosen routes answer 429/5xx, slow down or drop the connection, per key."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx2
import pytest
from sandbox_api import Api

from sandbox import OTHER_KEY


def _inject(api: Api, **spec: object) -> dict[str, object]:
    response = api.control("/_sandbox/faults", spec)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()["data"]
    return data


def test_a_counted_fault_hits_that_many_matching_requests(api: Api) -> None:
    _inject(api, route="/sessions", method="GET", status=503, count=2)
    assert [api.get("/sessions").status_code for _ in range(3)] == [503, 503, 200]
    assert api.get("/participants").status_code == 200


def test_an_injected_429_carries_retry_after(api: Api) -> None:
    _inject(api, route="/participants*", status=429, retry_after=7, count=1)
    throttled = api.get("/participants")
    assert (throttled.status_code, throttled.headers["retry-after"]) == (429, "7")
    assert throttled.json() == {"error": "Injected fault (429)"}
    assert "x-ratelimit-limit" in throttled.headers


def test_faults_only_touch_the_key_that_set_them(api: Api, connect: Callable[..., Api]) -> None:
    _inject(api, status=500)
    assert api.get("/sessions").status_code == 500
    assert connect(OTHER_KEY).get("/sessions").status_code == 200
    listed = api.control("/_sandbox/faults", method="GET").json()["data"]
    assert [f["status"] for f in listed] == [500]
    assert connect(OTHER_KEY).control("/_sandbox/faults", method="GET").json()["data"] == []
    assert api.control("/_sandbox/faults", method="DELETE").status_code == 204
    assert api.get("/sessions").status_code == 200


def test_one_fault_can_be_removed_by_id(api: Api) -> None:
    fault = _inject(api, route="/sessions", status=502)
    assert api.control(f"/_sandbox/faults/{fault['id']}", method="DELETE").status_code == 204
    assert api.control(f"/_sandbox/faults/{fault['id']}", method="DELETE").status_code == 404
    assert api.get("/sessions").status_code == 200


def test_probability_zero_never_hits(api: Api) -> None:
    _inject(api, status=503, probability=0)
    assert all(api.get("/sessions").status_code == 200 for _ in range(5))


def test_latency_delays_a_correct_answer(api: Api) -> None:
    _inject(api, route="/sessions", latency_ms=300, count=1)
    started = time.monotonic()
    response = api.get("/sessions")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_a_dropped_connection_fails_the_request_mid_response(api: Api) -> None:
    _inject(api, route="/sessions", drop_connection=True, count=1)
    with pytest.raises(httpx2.TransportError):
        api.get("/sessions")
    assert api.get("/sessions").status_code == 200


def test_fault_specs_are_validated(api: Api, connect: Callable[..., Api]) -> None:
    assert api.control("/_sandbox/faults", {"status": 404}).status_code == 400
    assert api.control("/_sandbox/faults", {}).status_code == 400
    assert api.control("/_sandbox/faults", {"status": 503, "probability": 2}).status_code == 400
    assert connect(None).control("/_sandbox/faults", {"status": 503}).status_code == 401


def test_an_ignore_query_fault_answers_as_if_the_filter_were_not_sent(api: Api) -> None:
    everyone = api.get("/participants", params={"pageSize": 100}).json()["meta"]["total"]
    email = api.get("/participants").json()["data"][0]["email"]
    assert api.get("/participants", params={"email": email}).json()["meta"]["total"] == 1
    _inject(api, route="/participants", method="GET", ignore_query=["email"], count=1)
    ignored = api.get("/participants", params={"email": email, "pageSize": 100})
    assert ignored.json()["meta"] == {**ignored.json()["meta"], "total": everyone, "pageSize": 100}
    assert api.get("/participants", params={"email": email}).json()["meta"]["total"] == 1
