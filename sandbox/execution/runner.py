"""Running a program against test cases: per case in its own process, or all cases in one (batched).

Errors follow the contract: past the wall-clock limit (15 s, for the whole request) -> 408; `batch`
for a language without a batched harness (TypeScript) -> 422; no runtime installed, or a harness that
breaks down -> 502. Output is compared with the expected output after trimming surrounding whitespace
(and normalising line endings).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from sandbox.errors import BadGateway, ExecutionTimeout, Unprocessable
from sandbox.execution.languages import BATCH_HARNESS, command_for
from sandbox.execution.process import Finished, RunnerUnavailable, run_confined

__all__ = ["run_tests"]

_SUFFIX = {"python": ".py", "javascript": ".js", "typescript": ".ts"}


def run_tests(
    language: str, code: str, cases: list[tuple[str, str]], *, batch: bool, timeout: float
) -> dict[str, Any]:
    """`{"passed", "failed", "results": [...]}` for `code` run against `(stdin, expected stdout)` cases."""
    if batch and language not in BATCH_HARNESS:
        raise Unprocessable(f"{language} does not support batched execution; send batch: false")
    try:
        runs = _runs(language, code, [stdin for stdin, _ in cases], batch=batch, timeout=timeout)
    except RunnerUnavailable as error:
        raise BadGateway(f"The code runner is unavailable: {error}") from None
    results = [
        _result(index, run, expected)
        for index, (run, (_, expected)) in enumerate(zip(runs, cases, strict=True))
    ]
    passed = sum(1 for r in results if r["passed"])
    return {"passed": passed, "failed": len(results) - passed, "results": results}


def _runs(
    language: str, code: str, inputs: list[str], *, batch: bool, timeout: float
) -> list[dict[str, Any]]:
    command = command_for(language)
    if command is None:
        raise BadGateway(f"The code runner has no {language} runtime available")
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="intervyo-run-") as tmp:
        workdir = Path(tmp)
        solution = workdir / f"solution{_SUFFIX[language]}"
        solution.write_text(code, encoding="utf-8", errors="replace")
        if batch:
            return _batched(command, BATCH_HARNESS[language], solution, inputs, workdir, deadline)
        return [_single(command, solution, stdin, workdir, deadline) for stdin in inputs]


def _single(command: list[str], solution: Path, stdin: str, workdir: Path, deadline: float) -> dict[str, Any]:
    finished = run_confined([*command, str(solution)], workdir, stdin, deadline)
    _raise_if_timed_out(finished, deadline)
    return {
        "stdout": finished.stdout,
        "stderr": finished.stderr,
        "exit_code": finished.exit_code,
        "duration_ms": finished.duration_ms,
    }


def _batched(
    command: list[str], harness: Path, solution: Path, inputs: list[str], workdir: Path, deadline: float
) -> list[dict[str, Any]]:
    cases_file, results_file = workdir / "cases.json", workdir / "results.json"
    cases_file.write_text(json.dumps(inputs), encoding="utf-8")
    argv = [*command, str(harness), str(solution), str(cases_file), str(results_file)]
    finished = run_confined(argv, workdir, "", deadline)
    _raise_if_timed_out(finished, deadline)
    try:
        runs: list[dict[str, Any]] = json.loads(results_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BadGateway(f"The batched runner failed (exit code {finished.exit_code})") from None
    if len(runs) != len(inputs):
        raise BadGateway("The batched runner returned an incomplete result")
    return runs


def _raise_if_timed_out(finished: Finished, deadline: float) -> None:
    if finished.timed_out:
        raise ExecutionTimeout("Code execution timed out: it ran past the wall-clock limit")


def _result(index: int, run: dict[str, Any], expected: str) -> dict[str, Any]:
    stdout = str(run["stdout"])
    return {
        "index": index,
        "passed": _normal(stdout) == _normal(expected),
        "stdout": stdout,
        "stderr": str(run["stderr"]),
        "exit_code": int(run["exit_code"]),
        "duration_ms": round(float(run["duration_ms"]), 3),
    }


def _normal(text: str) -> str:
    return text.replace("\r\n", "\n").strip()
