"""Code execution: run a candidate's code against test cases. Path, body and result are inferred."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tools.enums import ExecutionLanguage
from tools.operation import Annotations, Operation

__all__ = ["MAX_TEST_CASES", "OPERATIONS", "CaseResult", "ExecuteCode", "ExecutionResult", "TestCase"]

MAX_TEST_CASES = 50


class TestCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    __test__ = False  # not a pytest class

    input: str = Field(description="Standard input for this case.")
    expected_output: str = Field(description="Expected standard output (compared after trimming).")


class ExecuteCode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: ExecutionLanguage = Field(description="python, javascript or typescript.")
    code: str = Field(min_length=1, description="The program: reads stdin, writes stdout.")
    test_cases: list[TestCase] = Field(
        min_length=1,
        max_length=MAX_TEST_CASES,
        description=f"1-{MAX_TEST_CASES} input/expected-output pairs.",
    )
    batch: bool | None = Field(
        None, description="Run all cases in one process (default true; typescript needs false)."
    )


class CaseResult(BaseModel):
    model_config = ConfigDict(extra="ignore")

    index: int = Field(description="Test case index, from 0.")
    passed: bool = Field(description="stdout matched expected_output.")
    stdout: str | None = Field(None, description="What the program printed (candidate-authored, fenced).")
    stderr: str | None = Field(None, description="What it printed to stderr (candidate-authored, fenced).")
    exit_code: int | None = Field(None, description="Process exit code.")
    duration_ms: float | None = Field(None, description="Run time in milliseconds.")


class ExecutionResult(BaseModel):
    model_config = ConfigDict(extra="ignore")

    passed: int = Field(description="Cases passed.")
    failed: int = Field(description="Cases failed.")
    results: list[CaseResult] = Field(description="One result per test case.")


OPERATIONS = (
    Operation(
        name="execute_code",
        title="Run code against test cases",
        description=(
            "Run a program (python, javascript, typescript) against stdin/expected-stdout test cases in "
            "intervyo's sandboxed runner, 15 s limit. Returns passed/failed counts and each case's output. "
            "Use it to check a candidate's solution."
        ),
        toolset="code_execution",
        method="POST",
        path="/code-executions",
        scope=None,
        arguments=ExecuteCode,
        result=ExecutionResult,
        # runs code but changes nothing in the workspace; the same code gives the same answer
        annotations=Annotations(read_only=True, destructive=False, idempotent=True),
        candidate_authored=("results.*.stdout", "results.*.stderr"),
        long_running=True,
        error_text={
            408: "The code ran past intervyo's 15 s limit. Make it faster or send fewer test cases.",
            422: (
                "intervyo cannot run these test cases in one batch{said}. Call {tool} again with batch=false."
            ),
            502: "intervyo's code runner failed. Retry in a moment; if it keeps failing, try batch=false.",
        },
    ),
)
