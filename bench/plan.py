"""How much to measure: the full run and the seconds-long quick run differ only in these numbers.

Every load loop is bounded twice, by a duration and by a call count, so a stuck contender cannot keep
the run going; the full plan is sized to finish in well under 10 minutes on 2 cores. Each
`schedule_session` spends one of the sandbox demo workspace's 1000 credits, so `Plan.schedules`
must stay below that (the CLI checks).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FULL", "QUICK", "Plan"]


@dataclass(frozen=True)
class Plan:
    """Repetitions, durations and bounds for one benchmark run."""

    name: str
    latency_rounds: int
    latency_calls: int  # timed calls per contender, per operation, per round
    warmup_calls: int
    concurrency: tuple[int, ...]
    throughput_rounds: int
    throughput_seconds: float
    throughput_max_calls: int  # per window, across all clients
    cold_start_runs: int
    import_runs: int
    memory_sessions: int
    throughput_warmup: bool = True  # one untimed call per client before each window
    call_timeout_s: float = 30.0
    start_timeout_s: float = 60.0

    @property
    def schedules(self) -> int:
        """Sessions the run creates: `schedule_session` calls in both latency figures, all contenders."""
        return 2 * 3 * (self.warmup_calls + self.latency_rounds * self.latency_calls)


FULL = Plan(
    name="full",
    latency_rounds=5,
    latency_calls=30,
    warmup_calls=5,
    concurrency=(1, 8, 32, 128),
    throughput_rounds=3,
    throughput_seconds=5.0,
    throughput_max_calls=50_000,
    cold_start_runs=7,
    import_runs=7,
    memory_sessions=100,
)

QUICK = Plan(
    name="quick",
    latency_rounds=1,
    latency_calls=3,
    warmup_calls=1,
    concurrency=(1, 8, 32, 128),
    throughput_rounds=1,
    throughput_seconds=0.2,
    throughput_max_calls=2_000,
    cold_start_runs=1,
    import_runs=1,
    memory_sessions=10,
    throughput_warmup=False,
    call_timeout_s=15.0,
    start_timeout_s=30.0,
)
