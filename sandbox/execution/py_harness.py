"""Batched Python runner: every test case in this one process, each with its own stdin and stdout.

Run as `python -I py_harness.py SOLUTION CASES_JSON RESULTS_JSON`. The solution is compiled once and
executed once per case in fresh globals, as `__main__`, with `sys.stdin`/`sys.stdout`/`sys.stderr`
replaced by in-memory text streams (with `.buffer`, so `sys.stdin.buffer.read()` works too), and
`open(0)` / `open("/dev/stdin")` reading the case's input.
`SystemExit` ends a case with its code. Modules the solution imports stay cached between cases, which
is the price of one process; writes that bypass `sys.stdout` (e.g. `os.write(1, ...)`) are not captured.
This file is run, never imported, by the sandbox.
"""

import builtins
import io
import json
import sys
import time
import traceback
from typing import Any


def _stream(data: bytes = b"") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", write_through=True)


def _read(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", errors="replace")


def _builtins_reading(data: bytes) -> dict[str, Any]:
    """The builtins, with `open` of fd 0 or /dev/stdin giving this case's input."""
    real_open = builtins.open

    def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if file in (0, "/dev/stdin"):
            raw = io.BytesIO(data)
            return raw if "b" in mode else io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
        return real_open(file, mode, *args, **kwargs)

    return {**vars(builtins), "open": open_}


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def main() -> None:
    solution_path, cases_path, results_path = sys.argv[1:4]
    with open(solution_path, encoding="utf-8") as file:
        source = file.read()
    with open(cases_path, encoding="utf-8") as file:
        cases = json.load(file)
    try:
        code = compile(source, "solution.py", "exec")
        compile_error = None
    except SyntaxError:
        code = None
        compile_error = traceback.format_exc(limit=0)
    real = sys.stdin, sys.stdout, sys.stderr
    sys.argv = ["solution.py"]
    results = []
    for text in cases:
        data = text.encode("utf-8", errors="replace")
        stdin, stdout, stderr = _stream(data), _stream(), _stream()
        sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
        exit_code = 0
        started = time.perf_counter()
        try:
            if code is None:
                sys.stderr.write(compile_error or "")
                exit_code = 1
            else:
                exec(code, {"__name__": "__main__", "__builtins__": _builtins_reading(data)})
        except SystemExit as exc:
            exit_code = _exit_code(exc)
        except BaseException as exc:
            # Start the traceback at the solution: the harness's own frame means nothing to its author.
            traceback.print_exception(
                type(exc), exc, exc.__traceback__.tb_next if exc.__traceback__ else None
            )
            exit_code = 1
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            sys.stdin, sys.stdout, sys.stderr = real
        results.append(
            {"stdout": _read(stdout), "stderr": _read(stderr), "exit_code": exit_code, "duration_ms": elapsed}
        )
    with open(results_path, "w", encoding="utf-8") as file:
        json.dump(results, file)


main()
