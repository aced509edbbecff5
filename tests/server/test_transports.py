"""Smoke tests for the other transports (stdio, legacy SSE) and the command line that starts them."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

import tools
from server.cli import main

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
WRITES = {op.name for op in tools.CATALOG if not op.read_only}


def _stdio(args: list[str], env: dict[str, str]) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "server", *args], env=env, cwd=str(ROOT))


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_stdio_serves_the_tools_with_the_key_from_the_environment(sandbox, mode: str) -> None:
    env = {"INTERVYO_API_KEY": sandbox.log_key, "INTERVYO_API_BASE_URL": sandbox.base_url}
    with tempfile.TemporaryFile("w+") as stderr:
        with anyio.fail_after(30):
            async with Client(stdio_client(_stdio([], env), errlog=stderr), mode=mode) as client:  # type: ignore[arg-type]
                names = [tool.name for tool in (await client.list_tools()).tools]
                result = await client.call_tool("list_participants", {"page_size": 1})
        stderr.seek(0)
        logged = stderr.read()
    assert "execute_code" not in names  # the default toolsets
    assert not result.is_error
    assert result.structured_content is not None
    assert result.structured_content["meta"]["page_size"] == 1
    assert "tool list_participants -> ok" in logged
    assert sandbox.log_key not in logged


async def test_stdio_with_the_sandbox_flag_needs_nothing_else(tmp_path) -> None:
    with tempfile.TemporaryFile("w+") as stderr:
        params = _stdio(["serve", "--transport", "stdio", "--sandbox", "--read-only"], {})
        with anyio.fail_after(30):
            async with Client(stdio_client(params, errlog=stderr), mode="legacy") as client:  # type: ignore[arg-type]
                names = [tool.name for tool in (await client.list_tools()).tools]
                result = await client.call_tool("list_sessions", {})
        stderr.seek(0)
        printed = stderr.read()
    assert not result.is_error
    assert all(name.startswith(("list_", "get_", "wait_for_", "compare_")) for name in names)
    assert "Claude Desktop" in printed
    assert "iv_live_sandbox_demo" in printed


async def test_the_bare_command_uses_the_sandbox_when_the_environment_asks_for_it() -> None:
    # What the MCPB bundle does when its "Use the sandbox" switch is on and no key is configured.
    env = {"INTERVYO_SANDBOX": "true", "INTERVYO_API_KEY": "", "INTERVYO_READ_ONLY": "false"}
    with tempfile.TemporaryFile("w+") as stderr, anyio.fail_after(30):
        async with Client(stdio_client(_stdio([], env), errlog=stderr), mode="auto") as client:  # type: ignore[arg-type]
            result = await client.call_tool("list_sessions", {"page_size": 2})
    assert not result.is_error
    assert result.structured_content is not None and len(result.structured_content["items"]) == 2


async def test_legacy_sse_serves_the_tools(live_server, sandbox, connect) -> None:
    async with connect(live_server.sse_url, sandbox.demo_key, transport="sse") as client:
        result = await client.call_tool("list_evaluation_templates", {"page_size": 2})
    assert not result.is_error
    assert result.structured_content is not None
    assert len(result.structured_content["items"]) <= 2


async def test_legacy_sse_honours_the_narrowing_headers(live_server, sandbox, connect) -> None:
    headers = {"X-Intervyo-Read-Only": "1"}
    async with connect(live_server.sse_url, sandbox.demo_key, transport="sse", headers=headers) as client:
        names = [tool.name for tool in (await client.list_tools()).tools]
    assert names and all(
        name.startswith(("list_", "get_", "wait_for_", "compare_")) or name == "execute_code"
        for name in names
    )


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "env", "phrase"),
    [
        (["serve", "--transport", "carrier-pigeon"], {}, "invalid choice"),
        (["serve", "--port", "http"], {}, "--port"),
        (["--toolsets", "payroll"], {}, "unknown toolset 'payroll'"),
        (["serve", "iv_live_pasted_by_mistake"], {}, "unrecognized arguments"),
        ([], {"INTERVYO_PORT": "iv_live_in_the_wrong_variable"}, "INTERVYO_PORT"),
        ([], {"INTERVYO_API_BASE_URL": "ftp://example.com"}, "INTERVYO_API_BASE_URL"),
    ],
)
def test_cli_errors_are_one_line_exit_2_and_never_echo_a_key(args, env, phrase, monkeypatch, capsys) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    status = main(args)
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("intervyo-mcp: error: ")
    assert phrase in lines[0]
    assert "iv_live_" + "pasted" not in err
    assert "in_the_wrong_variable" not in err


def test_a_taken_port_is_a_one_line_error(serve, make_settings) -> None:
    with serve(make_settings()) as live:
        port = live.origin.rsplit(":", 1)[1]
        result = _run("serve", "--port", port)
    assert result.returncode == 2
    assert result.stderr.startswith(f"intervyo-mcp: error: cannot listen on 127.0.0.1:{port}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_sandbox_command_is_delegated_to_the_sandbox_cli() -> None:
    result = _run("sandbox", "--help")
    assert result.returncode == 0
    assert "usage:" in result.stdout


async def test_serve_with_the_sandbox_prints_a_key_and_configs_that_work(connect) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--sandbox", "--port", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    ) as process:
        try:
            await _check_announced_configs(process, connect)
        finally:
            process.terminate()
            process.wait(timeout=15)


async def _check_announced_configs(process: subprocess.Popen[str], connect) -> None:
    assert process.stdout is not None
    printed: list[str] = []
    with anyio.fail_after(30):
        while not any(line.startswith("Ctrl-C") for line in printed):
            line = await anyio.to_thread.run_sync(process.stdout.readline)
            assert line, "the server exited before it was ready"
            printed.append(line)
    text = "".join(printed)
    url = next(line.split()[2] for line in printed if line.startswith("MCP endpoint:"))
    key = next(line.split()[2] for line in printed if line.startswith("API key:"))
    assert "claude_desktop_config.json" in text
    api = next(line.split()[2] for line in printed if line.startswith("Sandbox API:"))
    assert "/_sandbox/sessions/{id}/advance" in text and "/_sandbox/faults" in text
    async with httpx2.AsyncClient() as http:
        assert (await http.get(url.replace("/mcp", "/healthz"))).status_code == 200
        assert (await http.get(api + "/sessions", headers={"x-api-key": key})).status_code == 200

    # Each printed snippet, read the way its client reads it, reaches the server with a working key.
    cursor = json.loads(_block(printed, "Cursor"))["mcpServers"]["intervyo"]
    vscode = json.loads(_block(printed, "VS Code"))["servers"]["intervyo"]
    words = shlex.split(_block(printed, "Claude Code"))
    claude = {"url": words[words.index("intervyo") + 1], "headers": dict([_header(words)])}
    inspector = shlex.split(_block(printed, "MCP Inspector").splitlines()[0])
    by_inspector = {"url": inspector[inspector.index("--cli") + 1], "headers": dict([_header(inspector)])}
    assert vscode["type"] == "http" and words[words.index("--transport") + 1] == "http"
    for entry in (cursor, vscode, claude, by_inspector):
        assert entry["url"] == url and entry["headers"] == {"Authorization": f"Bearer {key}"}
        async with connect(entry["url"], None, headers=entry["headers"]) as client:
            result = await client.call_tool("list_agent_profiles", {})
        assert not result.is_error


def _block(printed: list[str], title: str) -> str:
    """The indented lines printed under the heading that starts with `title`."""
    start = next(i for i, line in enumerate(printed) if line.startswith(title)) + 1
    lines = []
    for line in printed[start:]:
        if not line.startswith("  "):
            break
        lines.append(line[2:])
    return "".join(lines)


def _header(words: list[str]) -> tuple[str, str]:
    name, _, value = words[words.index("--header") + 1].partition(": ")
    return name, value


def test_the_sse_configs_name_the_sse_endpoint_and_transport() -> None:
    from server.client_configs import http_configs

    text = http_configs("http://127.0.0.1:9", "iv_live_sandbox_demo", ["intervyo-mcp"], sse=True)
    assert "claude mcp add --transport sse intervyo http://127.0.0.1:9/sse" in text
    assert '"url": "http://127.0.0.1:9/sse"' in text
