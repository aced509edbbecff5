"""Code execution: really runs candidates' Python and JavaScript (and TypeScript, where a runtime exists).

    runner     run_tests: per-case or batched, the contract's 408 / 422 / 502
    languages  which interpreter runs which language
    process    one confined child: clean environment, rlimits, temp dir, wall clock
    py_harness, js_harness.js   the batched runners (all cases in one process)

This executes arbitrary code on the machine that runs the sandbox, with only rlimits and a clean
environment around it (no container, no seccomp): that is why the sandbox binds to loopback.
"""

from __future__ import annotations

from sandbox.execution.runner import run_tests

__all__ = ["run_tests"]
