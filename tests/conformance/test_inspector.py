"""The official MCP Inspector CLI drives the real server: list tools, call a read and a write tool, read a
scorecard resource, get a prompt -- each over streamable HTTP with the key as a bearer header."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fences import unfenced
from node_tools import INSPECTOR, ServedCommand, npx

pytestmark = pytest.mark.node


def _inspect(server: ServedCommand, cwd: Path, *args: str) -> Any:
    run = npx(
        INSPECTOR,
        "mcp-inspector",
        "--cli",
        server.url,
        "--transport",
        "http",
        "--header",
        f"Authorization: Bearer {server.key}",
        *args,
        cwd=cwd,
    )
    assert run.returncode == 0, f"inspector {args}: {run.stdout[-1500:]}\n{run.stderr[-1500:]}"
    return json.loads(run.stdout[run.stdout.index("{") :])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("inspector")


def test_inspector_lists_every_tool_with_schemas_and_annotations(
    single_user_server: ServedCommand, workdir: Path
) -> None:
    listed = _inspect(single_user_server, workdir, "--method", "tools/list")
    tools = {tool["name"]: tool for tool in listed["tools"]}
    assert {"list_sessions", "schedule_session", "get_scorecard", "execute_code"} <= tools.keys()
    session = tools["get_session"]
    assert session["inputSchema"]["type"] == "object"
    assert session["outputSchema"]["type"] == "object"
    assert session["annotations"]["readOnlyHint"] is True


def test_inspector_calls_a_read_tool_and_a_write_tool(
    single_user_server: ServedCommand, workdir: Path
) -> None:
    read = _inspect(
        single_user_server,
        workdir,
        "--method",
        "tools/call",
        "--tool-name",
        "list_sessions",
        "--tool-arg",
        "page_size=3",
    )
    assert read.get("isError") is not True
    assert len(read["structuredContent"]["items"]) == 3

    email = f"inspector-{uuid.uuid4().hex[:8]}@example.com"
    write = _inspect(
        single_user_server,
        workdir,
        "--method",
        "tools/call",
        "--tool-name",
        "create_participant",
        "--tool-arg",
        "name=Ines Inspector",
        f"email={email}",
    )
    assert write.get("isError") is not True
    assert unfenced(write["structuredContent"]["email"]) == email


def test_inspector_reads_a_scorecard_resource(single_user_server: ServedCommand, workdir: Path) -> None:
    listed = _inspect(single_user_server, workdir, "--method", "resources/list")
    scorecards = [r["uri"] for r in listed["resources"] if r["uri"].endswith("/scorecard")]
    assert scorecards, listed
    read = _inspect(single_user_server, workdir, "--method", "resources/read", "--uri", scorecards[0])
    document = json.loads(read["contents"][0]["text"])
    assert isinstance(document["score"], int | float) and "passed" in document


def test_inspector_gets_a_prompt(single_user_server: ServedCommand, workdir: Path) -> None:
    listed = _inspect(single_user_server, workdir, "--method", "prompts/list")
    prompts = {p["name"]: p for p in listed["prompts"]}
    plain = [p for p in prompts.values() if not any(a.get("required") for a in p.get("arguments", []))]
    assert plain, f"no prompt without required arguments: {list(prompts)}"
    got = _inspect(single_user_server, workdir, "--method", "prompts/get", "--prompt-name", plain[0]["name"])
    text = got["messages"][0]["content"]["text"]
    assert "list_sessions" in text or "list_" in text
