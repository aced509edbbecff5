"""CI smoke for the benchmark: `python -m bench --quick --out DIR` writes the full run's shape.

It checks shape, never speed: the targets are measured by the benchmark itself, not by tests. Skipped
only when the `bench` extra (fastmcp, matplotlib, psutil) is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

_EXTRA = ("fastmcp", "matplotlib", "psutil")
_MISSING = [name for name in _EXTRA if importlib.util.find_spec(name) is None]

pytestmark = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"the bench extra is not installed (no {', '.join(_MISSING)}): pip install -e '.[bench]'",
)

_REPO = Path(__file__).resolve().parents[2]
# The quick run takes about 30 s on 2 idle cores; this only stops a hung run (a loaded machine is slower).
_BOUND_S = 90.0
_CONTENDERS = ("direct", "ours", "peer")
_TOOLS = ("get_session", "list_sessions", "schedule_session")
_RATIOS = (
    "latency_p50_ours_over_peer",
    "latency_p50_ours_over_direct",
    "throughput_32_ours_over_peer",
    "cold_start_ours_over_peer",
    "tools_list_bytes_ours_over_peer",
    "tools_list_model_bytes_ours_over_peer_default",
)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=_REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=_BOUND_S,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out, json.loads((out / "latest.json").read_text())


def test_quick_run_writes_the_json_the_report_and_a_png_chart(
    quick_run: tuple[Path, dict[str, object]],
) -> None:
    out, _ = quick_run
    assert (out / "latest.md").read_text().startswith("# intervyo-mcp benchmark")
    assert (out / "latest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_quick_run_has_every_headline_ratio_as_a_positive_number(
    quick_run: tuple[Path, dict[str, object]],
) -> None:
    _, results = quick_run
    ratios = results["ratios"]
    assert isinstance(ratios, dict)
    for name in _RATIOS:
        value = ratios[name]
        assert isinstance(value, float) and value > 0, (name, value)
    targets = results["targets"]
    assert isinstance(targets, list)
    assert {t["ratio"] for t in targets} == set(_RATIOS)


def test_quick_run_measures_every_figure_for_every_contender(
    quick_run: tuple[Path, dict[str, object]],
) -> None:
    _, r = quick_run
    results: dict[str, dict[str, dict[str, object]]] = r  # type: ignore[assignment]
    for contender in _CONTENDERS:
        for figure in ("latency", "latency_modern_era"):
            latency = results[figure]["by_contender"][contender]
            assert isinstance(latency, dict)
            assert all(latency[tool]["n"] > 0 for tool in _TOOLS), (figure, latency)
        levels = results["throughput"]["by_contender"][contender]
        assert isinstance(levels, dict)
        assert sorted(levels, key=int) == ["1", "8", "32", "128"]
    assert set(results["cold_start"]["to_tools_list"]) == {"ours", "peer"}
    assert set(results["context"]["by_view"]) == {"default", "read_only", "all"}
    assert set(results["result_size"]["by_case"]) == {"list_sessions_page_20", "scorecard"}
    assert set(results["memory"]["by_contender"]) == {"ours", "peer"}
    assert results["context"]["token_estimator"]
    checks = results["sdk_client_check"]
    assert checks and all(check["get_session_ok"] for check in checks.values()), checks
