"""Errors that name the next step: the open session behind a 409, the stage types behind a bad stage."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from mcp import Client

pytestmark = pytest.mark.anyio


async def _ok(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def _role(client: Client) -> dict[str, str]:
    template = await _ok(
        client,
        "create_evaluation_template",
        {"template_name": f"Role {uuid.uuid4().hex[:6]}", "use_case": "hiring"},
    )
    for kind in ("screen", "technical"):
        await _ok(client, "create_evaluation_stage", {"evaluation_template_id": template["id"], "type": kind})
    person = await _ok(
        client,
        "create_participant",
        {
            "name": "Jane Roe",
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "evaluation_template_id": template["id"],
        },
    )
    return {"candidate_id": person["id"], "evaluation_template_id": template["id"]}


async def test_a_duplicate_session_names_the_open_one_and_reschedule_first(
    live_server, sandbox, connect
) -> None:
    async with connect(live_server.mcp_url, sandbox.demo_key) as client:
        role = await _role(client)
        first = await _ok(
            client, "schedule_session", {**role, "stage": "screen", "scheduled_at": "2030-03-04T09:00:00Z"}
        )
        again = await client.call_tool(
            "schedule_session", {**role, "stage": "screen", "scheduled_at": "2030-03-05T09:00:00Z"}
        )
    assert again.is_error
    message = again.content[0].text  # type: ignore[union-attr]
    assert first["id"] in message and "2030-03-04T09:00:00" in message
    assert message.index("reschedule_session") < message.index("force=true")


async def test_an_unknown_stage_lists_the_templates_stage_types(live_server, sandbox, connect) -> None:
    async with connect(live_server.mcp_url, sandbox.demo_key) as client:
        role = await _role(client)
        result = await client.call_tool("schedule_session", {**role, "stage": "Technical screen"})
    assert result.is_error and result.structured_content is not None
    issues = result.structured_content["issues"]
    assert any(i["path"] == ["stage"] and "stage types: screen, technical." in i["message"] for i in issues)
