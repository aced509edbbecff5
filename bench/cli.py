"""`python -m bench [--quick] [--out DIR]`: run the benchmark and print where the outputs went.

The full run writes to bench/results/ (committed); `--quick` is a seconds-long run of the same shape
that writes to bench/results/quick/ (ignored by git) unless `--out` says otherwise. SIGTERM is turned
into KeyboardInterrupt, so a stopped run still stops every process it started.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from bench.plan import FULL, QUICK
from bench.run import OUTPUTS, run

__all__ = ["main"]

RESULTS = Path(__file__).resolve().parent / "results"
SANDBOX_CREDITS = 1000  # the seeded demo workspace's session credits (sandbox/seed.py)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a seconds-long run of the same shape")
    parser.add_argument("--out", type=Path, help="output directory (default bench/results[/quick])")
    args = parser.parse_args(args_list)

    from sandbox.seed import DEMO_KEY

    plan = QUICK if args.quick else FULL
    if plan.schedules > SANDBOX_CREDITS:
        parser.error(
            f"the {plan.name} plan schedules {plan.schedules} sessions; the sandbox has {SANDBOX_CREDITS}"
        )
    out_dir = args.out or (RESULTS / "quick" if args.quick else RESULTS)
    command = shlex.join(["python", "-m", "bench", *args_list])
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    signal.signal(signal.SIGTERM, _interrupt)
    try:
        results = run(plan, out_dir, command, DEMO_KEY, progress)
    except KeyboardInterrupt:
        print("interrupted: every process the benchmark started has been stopped", file=sys.stderr)
        return 130
    for verdict in results["targets"]:
        met = {True: "met", False: "MISSED", None: "n/a"}[verdict["met"]]
        print(f"{verdict['ratio']:36} {verdict['value']!s:>8}  target {verdict['target']:7} {met}")
    print("wrote " + ", ".join(str(out_dir / name) for name in OUTPUTS))
    return 0
