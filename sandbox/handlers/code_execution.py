"""Code execution: run the submitted program against its test cases (see `sandbox.execution`)."""

from __future__ import annotations

from sandbox.execution import run_tests
from sandbox.runtime import Context, Reply
from tools.code_execution import ExecuteCode

__all__ = ["execute"]


def execute(ctx: Context, args: ExecuteCode) -> Reply:
    cases = [(case.input, case.expected_output) for case in args.test_cases]
    batch = True if args.batch is None else args.batch
    result = run_tests(args.language, args.code, cases, batch=batch, timeout=ctx.config.code_timeout)
    return Reply(200, {"data": result})
