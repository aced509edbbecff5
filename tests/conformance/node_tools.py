"""Running the official Node tools (conformance suite, MCP Inspector) under Node 22 through npx."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from prerequisites import node_missing

CONFORMANCE = "@modelcontextprotocol/conformance@0.2.0-alpha.12"
INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"
NODE = "node@22"


@dataclass(frozen=True)
class ServedCommand:
    url: str
    key: str


def npx(package: str, *args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a Node CLI under Node 22 through npx (packages cached in the usual npm cache)."""
    if (missing := node_missing()) is not None:
        pytest.fail(f"a test running npx must carry the `node` marker, which skips it: {missing}")
    env = {
        **os.environ,
        "HOME": str(cwd),  # the Inspector writes ~/.mcp-inspector
        "NPM_CONFIG_CACHE": os.environ.get("NPM_CONFIG_CACHE", os.path.expanduser("~/.npm")),
        "npm_config_update_notifier": "false",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        ["npx", "-y", "-p", NODE, "-p", package, "--", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
