"""When to try an upstream call again, and how long to wait first.

Only safe calls are retried: reads, and writes that carry an idempotency key (the upstream replays the
original answer instead of doing the work twice). Waits grow exponentially with full jitter, so many
clients that failed together do not come back together; a 429's `Retry-After` is honoured as given.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RETRYABLE_STATUSES", "RetryPolicy", "parse_retry_after"]

# 408 is code execution's own timeout (the code itself was too slow), not a transient failure.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How many extra attempts a safe call gets and how far apart."""

    retries: int
    base_s: float
    max_s: float
    jitter: Callable[[], float] = field(default=random.random)

    def backoff(self, attempt: int) -> float:
        """The wait before attempt `attempt + 1` (attempt counts from 1): full jitter up to the cap."""
        ceiling: float = min(self.max_s, self.base_s * 2.0 ** (attempt - 1))
        return ceiling * self.jitter()

    def wait(self, attempt: int, retry_after_s: float | None) -> float:
        """The server's `Retry-After` when it sent one, our own backoff otherwise."""
        return retry_after_s if retry_after_s is not None else self.backoff(attempt)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date; None if absent/garbled."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
