"""Code execution: real Python and JavaScript runs, batched and not, and the documented errors."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_api import Api

from sandbox import SandboxConfig
from sandbox.execution.languages import command_for

_DOUBLE = {
    "python": "print(int(input()) * 2)",
    "javascript": "const s = require('fs').readFileSync(0, 'utf8'); console.log(Number(s) * 2);",
}
_CASES = [{"input": "2\n", "expected_output": "4"}, {"input": "5", "expected_output": "11\n"}]


def _run(api: Api, **body: Any) -> Any:
    return api.post("/code-executions", {"test_cases": _CASES, **body})


@pytest.mark.parametrize("batch", [True, False])
@pytest.mark.parametrize("language", ["python", "javascript"])
def test_a_program_passes_and_fails_cases_by_its_trimmed_stdout(api: Api, language: str, batch: bool) -> None:
    response = _run(api, language=language, code=_DOUBLE[language], batch=batch)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["passed"], data["failed"]) == (1, 1)
    first, second = data["results"]
    assert (first["index"], first["passed"], first["stdout"].strip(), first["exit_code"]) == (0, True, "4", 0)
    assert (second["index"], second["passed"], second["stdout"].strip()) == (1, False, "10")
    assert all(r["duration_ms"] >= 0 and r["stderr"] == "" for r in data["results"])


def test_batched_javascript_supports_stdin_events_and_readline(api: Api) -> None:
    events = "let d='';process.stdin.on('data',c=>d+=c);process.stdin.on('end',()=>console.log(Number(d)*2));"
    readline = (
        "const rl=require('readline').createInterface({input:process.stdin});const l=[];"
        "rl.on('line',x=>l.push(x));rl.on('close',()=>{console.log(Number(l[0])*2);process.exit(0)});"
    )
    for code in (events, readline):
        data = _run(api, language="javascript", code=code).json()["data"]
        assert [r["stdout"].strip() for r in data["results"]] == ["4", "10"]


def test_crashes_and_exit_codes_are_reported_per_case(api: Api) -> None:
    code = "import sys\nn = int(input())\nif n == 5:\n    raise ValueError('boom')\nprint(n * 2)\nsys.exit(3)"
    data = _run(api, language="python", code=code).json()["data"]
    first, second = data["results"]
    assert (first["stdout"].strip(), first["exit_code"]) == ("4", 3)
    assert second["exit_code"] == 1
    assert "ValueError: boom" in second["stderr"]


def test_a_syntax_error_fails_every_case(api: Api) -> None:
    data = _run(api, language="python", code="def (").json()["data"]
    assert data["failed"] == 2
    assert all("SyntaxError" in r["stderr"] for r in data["results"])


def test_the_program_sees_no_inherited_secrets(api: Api) -> None:
    code = (
        "import os\nprint(sorted(k for k in os.environ if k not in ('PATH','HOME','TMPDIR','LANG','LC_ALL',"
    )
    code += "'PYTHONIOENCODING','PYTHONDONTWRITEBYTECODE','NODE_OPTIONS')))"
    for batch in (True, False):
        body = {"language": "python", "code": code, "batch": batch}
        body["test_cases"] = [{"input": "", "expected_output": "[]"}]
        assert api.post("/code-executions", body).json()["data"]["passed"] == 1


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(code_timeout=1.0)])
@pytest.mark.parametrize("batch", [True, False])
def test_a_program_past_the_wall_clock_limit_is_a_408(api: Api, batch: bool) -> None:
    response = _run(api, language="python", code="while True:\n    pass", batch=batch)
    assert response.status_code == 408
    assert "error" in response.json()


@pytest.mark.parametrize("batch", [True, False])
def test_a_program_killed_at_the_cpu_time_limit_is_a_408_too(api: Api, batch: bool) -> None:
    # On a busy machine the CPU-seconds limit can end the program before the wall clock does.
    code = "import os, signal\nos.kill(os.getpid(), signal.SIGXCPU)"
    response = _run(api, language="python", code=code, batch=batch)
    assert response.status_code == 408


def test_batched_typescript_is_unprocessable(api: Api) -> None:
    for body in ({"batch": True}, {}):
        response = _run(api, language="typescript", code="console.log(1)", **body)
        assert response.status_code == 422


def test_typescript_without_a_runtime_is_a_bad_gateway(api: Api) -> None:
    code = "const n: number = 2; console.log(n * 2);"
    body = {"language": "typescript", "code": code, "batch": False}
    response = api.post("/code-executions", {**body, "test_cases": [{"input": "", "expected_output": "4"}]})
    if command_for("typescript") is None:
        assert response.status_code == 502
    else:
        assert response.json()["data"]["passed"] == 1


def test_execution_input_is_validated(api: Api) -> None:
    assert _run(api, language="ruby", code="puts 1").json()["issues"][0]["path"] == ["language"]
    many = [{"input": "", "expected_output": ""}] * 51
    response = api.post("/code-executions", {"language": "python", "code": "print()", "test_cases": many})
    assert response.json()["issues"][0]["path"] == ["test_cases"]


def test_memory_and_file_size_are_limited(api: Api) -> None:
    cases = [{"input": "", "expected_output": ""}]
    hog = api.post(
        "/code-executions", {"language": "python", "code": "x = bytearray(3 * 1024**3)", "test_cases": cases}
    )
    result = hog.json()["data"]["results"][0]
    assert result["exit_code"] != 0
    assert "MemoryError" in result["stderr"]
    assert 'File "solution.py"' in result["stderr"]
    assert "py_harness" not in result["stderr"]
    writer = "open('big', 'wb').write(b'x' * (64 * 1024 * 1024))"
    body = {"language": "python", "code": writer, "test_cases": cases, "batch": False}
    assert "File too large" in api.post("/code-executions", body).json()["data"]["results"][0]["stderr"]


def test_batched_javascript_waits_for_timers_and_honours_exit_code(api: Api) -> None:
    timer = "setTimeout(() => console.log(Number(require('fs').readFileSync(0, 'utf8')) * 2), 20);"
    data = _run(api, language="javascript", code=timer).json()["data"]
    assert [r["stdout"].strip() for r in data["results"]] == ["4", "10"]
    exit_code = "console.log(4); process.exitCode = 3;"
    data = _run(api, language="javascript", code=exit_code).json()["data"]
    assert [r["exit_code"] for r in data["results"]] == [3, 3]


def test_batched_python_reads_stdin_every_usual_way(api: Api) -> None:
    for code in (
        "print(int(open(0).read()) * 2)",
        "import sys\nprint(int(sys.stdin.buffer.read()) * 2)",
        "print(int(open('/dev/stdin', 'rb').read()) * 2)",
    ):
        data = _run(api, language="python", code=code).json()["data"]
        assert [r["stdout"].strip() for r in data["results"]] == ["4", "10"], code


def test_submitted_code_never_runs_as_root(api: Api) -> None:
    code = "import os; print(os.geteuid(), os.getegid(), os.getgroups())"
    response = api.post(
        "/code-executions",
        {"language": "python", "code": code, "test_cases": [{"input": "", "expected_output": ""}]},
    )
    assert response.status_code == 200, response.text
    uid, gid, groups = response.json()["data"]["results"][0]["stdout"].split(" ", 2)
    assert uid != "0" and gid != "0"
    assert "0" not in groups.strip("[]\n").replace(" ", "").split(",")


def test_a_root_sandbox_without_an_unprivileged_user_refuses_to_run_code(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sandbox.execution import process

    monkeypatch.setattr(process.os, "geteuid", lambda: 0)
    monkeypatch.setattr(process, "RUN_AS", "no-such-user-for-intervyo")
    response = _run(api, language="python", code=_DOUBLE["python"], batch=False)
    assert response.status_code == 502
    assert "will not" in response.text or "no 'no-such-user-for-intervyo' user" in response.text
