"""The official MCP conformance suite, both protocol eras, against the real server and sandbox.

2025-11-25 runs the suite's active scenarios for that revision; 2026-07-28 runs exactly what that
revision requires (`--requirements`). Each has a baseline of expected failures beside this file: only
checks that need the suite's own fixture tools, prompts and resources (`test_simple_text`,
`test://static-text`, ...) that a real server does not have, each with a one-line reason. The suite
fails the run on any other failure or warning, and on a baseline entry that has started to pass.

On top of the suite's exit code, every checks.json is read: a scenario may not "pass" with no
successful check, and a baselined check must still fail for the reason given (the fixture is missing),
not for a new one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from node_tools import CONFORMANCE, ServedCommand, npx

HERE = Path(__file__).parent

# What a baselined check must say: the suite looked for its fixture and did not find it.
_FIXTURE_MISSING = re.compile(
    r"Unknown (tool|prompt)|Resource not found: test://|Not testable|not found\. Available tools"
    r"|fixture|Expected InputRequiredResult|Prerequisite failed|Method not found|tasks/|-32021|-32602"
    r"|no notifications/(tools|prompts)/list_changed|Unknown tool"
)


def _baseline(path: Path) -> set[str]:
    entries: set[str] = set()
    for line in path.read_text().splitlines():
        match = re.match(r"\s*-\s*([\w.:-]+)", line)
        if match:
            entries.add(match.group(1))
    return entries


def _results(out: Path) -> dict[str, list[dict[str, object]]]:
    results: dict[str, list[dict[str, object]]] = {}
    for checks_file in out.glob("*/checks.json"):
        name = re.sub(r"-\d{4}-\d{2}-\d{2}T[\d-]+Z$", "", checks_file.parent.name).removeprefix("server-")
        results[name] = json.loads(checks_file.read_text())
    return results


@pytest.mark.parametrize(
    ("revision", "selector"),
    [("2025-11-25", ["--spec-version", "2025-11-25"]), ("2026-07-28", ["--requirements", "2026-07-28"])],
)
def test_conformance_suite_passes_outside_the_fixture_baseline(
    single_user_server: ServedCommand, tmp_path: Path, revision: str, selector: list[str]
) -> None:
    baseline_file = HERE / f"expected-failures.{revision}.yml"
    run = npx(
        CONFORMANCE,
        "conformance",
        "server",
        "--url",
        single_user_server.url,
        *selector,
        "--expected-failures",
        str(baseline_file),
        "-o",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    summary = "\n".join(run.stdout.splitlines()[-40:])
    assert run.returncode == 0, f"conformance {revision} failed:\n{summary}\n{run.stderr[-2000:]}"

    results = _results(tmp_path / "out")
    baseline = _baseline(baseline_file)
    passed = failed = 0
    for scenario, checks in results.items():
        statuses = [str(check["status"]) for check in checks]
        assert (
            "SUCCESS" in statuses
            or scenario in baseline
            or all(
                f"{scenario}:{check['id']}" in baseline or check["status"] in ("SKIPPED", "INFO")
                for check in checks
            )
        ), f"{scenario} has no successful check: {checks}"
        for check in checks:
            if check["status"] in ("FAILURE", "WARNING"):
                failed += 1
                reason = str(check.get("errorMessage") or check.get("description") or "")
                assert _FIXTURE_MISSING.search(reason), (
                    f"{scenario}:{check['id']} is baselined but failed for another reason: {reason}"
                )
            elif check["status"] == "SUCCESS":
                passed += 1
    for core in ("tools-list", "dns-rebinding-protection"):
        assert core in results and all(c["status"] == "SUCCESS" for c in results[core]), core
    print(f"conformance {revision}: {passed} checks passed, {failed} baselined")
