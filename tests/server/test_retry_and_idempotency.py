"""The small policies behind safe retries: backoff, Retry-After, derived idempotency keys."""

from __future__ import annotations

from datetime import UTC, datetime

from server.upstream import idempotency
from server.upstream.retry import RetryPolicy, parse_retry_after

ARGS = {"candidate_id": "c", "evaluation_template_id": "t", "stage": "screen", "notes": None}


def test_backoff_doubles_up_to_the_cap_with_full_jitter() -> None:
    policy = RetryPolicy(retries=5, base_s=0.5, max_s=3.0, jitter=lambda: 1.0)
    assert [policy.backoff(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert RetryPolicy(retries=1, base_s=0.5, max_s=3.0, jitter=lambda: 0.25).backoff(2) == 0.25


def test_retry_after_wins_over_the_backoff() -> None:
    policy = RetryPolicy(retries=3, base_s=0.5, max_s=3.0, jitter=lambda: 1.0)
    assert policy.wait(1, 7.0) == 7.0
    assert policy.wait(1, None) == 0.5


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Sat, 28 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_a_derived_key_comes_from_the_content_alone_in_any_order() -> None:
    first = idempotency.derive("iv_live_a", "schedule_session", ARGS)
    assert idempotency.derive("iv_live_a", "schedule_session", dict(reversed(ARGS.items()))) == first
    assert idempotency.derive("iv_live_a", "schedule_session", {**ARGS, "idempotency_key": "x"}) == first


def test_a_derived_key_depends_on_the_api_key_and_the_arguments_but_reveals_neither() -> None:
    first = idempotency.derive("iv_live_a", "schedule_session", ARGS)
    assert idempotency.derive("iv_live_b", "schedule_session", ARGS) != first
    assert idempotency.derive("iv_live_a", "schedule_session", {**ARGS, "stage": "final"}) != first
    assert "iv_live" not in first
    assert "screen" not in first
    assert len(first) <= 255
