"""The MCP Bundle, as Claude Desktop runs it: built by scripts/bundle, unpacked, launched exactly as its
manifest's `mcp_config` says (with `${__dirname}` and `${user_config.*}` filled in), driven over stdio."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

# scripts/bundle validates and packs with the official MCPB tool, run by npx.
pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[2]


def _substitute(value: str, dirname: Path, user_config: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "__dirname":
            return str(dirname)
        if name.startswith("user_config."):
            return user_config[name.removeprefix("user_config.")]
        raise AssertionError(f"unexpected substitution ${{{name}}} in mcp_config")

    return re.sub(r"\$\{([^}]+)\}", one, value)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    bundle = out / "intervyo-mcp.mcpb"
    build = subprocess.run(
        ["bash", str(ROOT / "scripts" / "bundle"), str(bundle)], capture_output=True, text=True, timeout=600
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    target = out / "unpacked"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(target)
    return target


def test_bundle_holds_the_server_and_leaves_out_development_files(unpacked: Path) -> None:
    assert (unpacked / "manifest.json").is_file() and (unpacked / "pyproject.toml").is_file()
    assert (unpacked / "server" / "cli.py").is_file() and (unpacked / "assets" / "icon.png").is_file()
    assert (unpacked / "server" / "documents" / "views" / "scorecard.html").is_file() and (
        unpacked / "tools" / "icon.svg"
    ).is_file()
    for absent in ("tests", "bench", ".ci", "scripts", ".venv", ".git", "docs"):
        assert not (unpacked / absent).exists(), absent


@pytest.mark.anyio
async def test_packed_server_answers_over_stdio_as_claude_desktop_launches_it(
    unpacked: Path, sandbox: Any, tmp_path: Path
) -> None:
    manifest = json.loads((unpacked / "manifest.json").read_text())
    config = manifest["server"]["mcp_config"]
    user_config = {
        "api_key": sandbox.demo_key,
        "api_base_url": sandbox.base_url,
        "read_only": "false",
        "toolsets": "default",
        "sandbox": "false",
    }
    command = _substitute(config["command"], unpacked, user_config)
    resolved = shutil.which(command, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    assert resolved, f"{command} is not installed (the test extra installs uv)"
    args = [_substitute(arg, unpacked, user_config) for arg in config.get("args", [])]
    env = {name: _substitute(value, unpacked, user_config) for name, value in config.get("env", {}).items()}
    # What a desktop app's environment holds besides the manifest's env: PATH, HOME, and on this machine
    # the trust store and proxy settings uv needs to reach the package index.
    inherited = ("PATH", "HOME", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY")
    env |= {name: os.environ[name] for name in os.environ if name in inherited or name.startswith("UV_")}
    params = StdioServerParameters(command=resolved, args=args, env=env, cwd=str(tmp_path))
    async with Client(params, mode="legacy") as client:
        listed = await client.list_tools()
        names = {tool.name for tool in listed.tools}
        assert {"list_sessions", "schedule_session", "get_scorecard"} <= names
        result = await client.call_tool("list_sessions", {"page_size": 2})
        assert not result.is_error, result.content
        assert len(result.structured_content["items"]) == 2
