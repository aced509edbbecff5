"""Order statistics for timing samples: percentiles, medians and the spread between repeated rounds.

Percentiles use linear interpolation between closest ranks (numpy's default), so a p99 of 200 samples
is not simply the second-largest sample. Every figure is in the unit the samples were given in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypedDict

__all__ = ["Spread", "Summary", "median", "percentile", "spread", "summarize"]


class Summary(TypedDict):
    """The distribution of one set of samples."""

    n: int
    p50: float | None
    p90: float | None
    p99: float | None
    mean: float | None
    min: float | None
    max: float | None


class Spread(TypedDict):
    """How far repeated rounds of the same measurement disagree: their median, range and IQR."""

    rounds: int
    median: float | None
    min: float | None
    max: float | None
    iqr: float | None
    values: list[float]


def percentile(samples: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) of `samples`, or None when there are none."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(samples: Sequence[float]) -> float | None:
    return percentile(samples, 50.0)


def summarize(samples: Sequence[float]) -> Summary:
    """p50/p90/p99, mean and range of `samples`."""
    return Summary(
        n=len(samples),
        p50=percentile(samples, 50.0),
        p90=percentile(samples, 90.0),
        p99=percentile(samples, 99.0),
        mean=sum(samples) / len(samples) if samples else None,
        min=min(samples) if samples else None,
        max=max(samples) if samples else None,
    )


def spread(values: Sequence[float]) -> Spread:
    """The median of per-round values and how much the rounds disagree."""
    q1, q3 = percentile(values, 25.0), percentile(values, 75.0)
    return Spread(
        rounds=len(values),
        median=median(values),
        min=min(values) if values else None,
        max=max(values) if values else None,
        iqr=None if q1 is None or q3 is None else q3 - q1,
        values=list(values),
    )
