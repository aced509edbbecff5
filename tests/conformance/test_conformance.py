"""The official MCP conformance suite, both protocol eras, against the real server and sandbox.

2025-11-25 runs the suite's active scenarios for that revision; 2026-07-28 runs exactly what that
revision requires (`--requirements`). Each has a baseline of expected failures beside this file: only
checks that need the suite's own fixture tools, prompts and resources (`test_simple_text`,
`test://static-text`, ...) that a real server does not have, each with a one-line reason. The suite
fails the run on any other failure or warning, and on a baseline entry that has started to pass.

On top of the suite's exit code, the checks.json of each protocol-level scenario that applies to a real
server is read: every one of its checks must succeed (the suite counts a scenario with no failed check
as passed, even one whose only check was skipped).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from node_tools import CONFORMANCE, ServedCommand, npx

pytestmark = pytest.mark.node

HERE = Path(__file__).parent

# The protocol-level scenarios that apply to a real server: every check of these must succeed, whatever
# the suite's exit code (a baselined check inside one is allowed to fail, and only that one).
MUST_PASS = {
    "2025-11-25": (
        "server-initialize",
        "server-session-lifecycle",
        "ping",
        "tools-list",
        "resources-list",
        "prompts-list",
        "completion-complete",
        "logging-set-level",
        "dns-rebinding-protection",
        "server-sse-multiple-streams",
    ),
    "2026-07-28": (
        "server-stateless",
        "tools-list",
        "resources-list",
        "prompts-list",
        "completion-complete",
        "http-header-validation",
        "caching",
        "sep-2164-resource-not-found",
        "dns-rebinding-protection",
        "server-sse-multiple-streams",
    ),
}


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
    for scenario in MUST_PASS[revision]:
        assert scenario in results, f"{scenario} did not run"
        for check in results[scenario]:
            allowed = check["status"] in ("SUCCESS", "INFO") or f"{scenario}:{check['id']}" in baseline
            assert allowed, f"{scenario}:{check['id']} {check['status']}: {check.get('errorMessage')}"
        assert any(check["status"] == "SUCCESS" for check in results[scenario]), scenario
    passed = sum(c["status"] == "SUCCESS" for checks in results.values() for c in checks)
    failed = sum(c["status"] in ("FAILURE", "WARNING") for checks in results.values() for c in checks)
    print(f"conformance {revision}: {passed} checks passed, {failed} failed (baselined or unscored)")
