"""The README's tool and configuration tables are generated from the catalog and settings; drift fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_blocks_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_readme_table_lists_every_tool() -> None:
    import tools

    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- tools:start -->")[1].split("<!-- tools:end -->")[0]
    names = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
    assert names == [tool.name for tool in tools.TOOLS]
