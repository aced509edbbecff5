"""Every tool, end to end: the SDK's Client over real streamable HTTP, our server, the sandbox as intervyo.

The client validates each structured result against the tool's output schema, so a result that drifts
from what `tools/list` promises fails here too.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import anyio
import pytest
from fences import unfenced
from mcp import Client
from mcp.types import CallToolResult

import tools

pytestmark = pytest.mark.anyio

MODES = ["auto", "legacy"]

PROFILE = {
    "name": "Backend interviewer",
    "persona": "Hi, I'm Ava, I run the technical screen.",
    "useCase": "hiring",
    "evaluationDimensions": [
        {"name": "System design", "description": "Trade-offs, scaling, failure modes.", "weight": 60},
        {"name": "Communication", "description": "Clear, structured answers.", "weight": 40},
    ],
    "interaction": {"tone": "professional", "difficulty": "medium"},
}


def _unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


class Caller:
    """Calls tools, asserts success, and remembers every result so the keys can be searched for."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.seen: set[str] = set()
        self.transcript: list[str] = []

    async def ok(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self.client.call_tool(tool, arguments)
        self._keep(tool, result)
        assert not result.is_error, f"{tool}: {result.content}"
        assert result.structured_content is not None
        return result.structured_content

    async def error(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self.client.call_tool(tool, arguments)
        self._keep(tool, result)
        assert result.is_error, f"{tool} unexpectedly succeeded"
        assert result.structured_content is not None
        return result.structured_content

    def _keep(self, tool: str, result: CallToolResult) -> None:
        self.seen.add(tool)
        self.transcript.append(json.dumps(result.model_dump(mode="json")))


async def _set_up_role(call: Caller, *, stage_minutes: int = 30) -> dict[str, str]:
    profile = await call.ok("create_agent_profile", PROFILE)
    template = await call.ok(
        "create_evaluation_template",
        {"template_name": _unique("Backend Engineer"), "use_case": "hiring", "skills": ["Python", "SQL"]},
    )
    stage = await call.ok(
        "create_evaluation_stage",
        {
            "evaluation_template_id": template["id"],
            "type": "screen",
            "stage_name": "Technical screen",
            "agent_profile_id": profile["id"],
            "duration_minutes": stage_minutes,
            "pass_threshold": 60,
        },
    )
    return {"profile": profile["id"], "template": template["id"], "stage": stage["id"]}


@pytest.mark.parametrize("mode", MODES)
async def test_every_tool_works_end_to_end(live_server, sandbox, connect, mode: str) -> None:
    async with connect(live_server.mcp_url, sandbox.demo_key, mode=mode) as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        call = Caller(client)
        ids = await _set_up_role(call)

        # agent profiles
        assert (await call.ok("get_agent_profile", {"agent_profile_id": ids["profile"]}))["name"] == PROFILE[
            "name"
        ]
        updated = await call.ok(
            "update_agent_profile", {"agent_profile_id": ids["profile"], "name": "Renamed"}
        )
        assert updated["name"] == "Renamed"
        fork = await call.ok("fork_agent_profile", {"sourceId": ids["profile"]})
        assert fork["id"] != ids["profile"]
        profiles = await call.ok("list_agent_profiles", {"page_size": 100})
        assert ids["profile"] in {p["id"] for p in profiles["items"]}

        # evaluation templates
        template = await call.ok("get_evaluation_template", {"template_id": ids["template"]})
        assert template["success_outcome"] == "hire_no_hire"
        await call.ok("update_evaluation_template", {"template_id": ids["template"], "skills": ["Go"]})
        templates = await call.ok("list_evaluation_templates", {"status": "active", "page_size": 100})
        assert templates["meta"]["total"] >= 1

        # evaluation stages
        assert (await call.ok("get_evaluation_stage", {"stage_id": ids["stage"]}))["type"] == "screen"
        stage = await call.ok("update_evaluation_stage", {"stage_id": ids["stage"], "stage_order": 1})
        assert stage["stage_order"] == 1
        stages = await call.ok("list_evaluation_stages", {"evaluation_template_id": ids["template"]})
        assert [s["id"] for s in stages["items"]] == [ids["stage"]]

        # participants
        email = f"{_unique('ada')}@example.com"
        person = await call.ok(
            "create_participant",
            {
                "name": "Ada Lovelace",
                "email": email,
                "evaluation_template_id": ids["template"],
                "tags": ["backend"],
            },
        )
        fetched = await call.ok("get_participant", {"participant_id": person["id"]})
        assert unfenced(fetched["email"]) == email  # participant-written: fenced (server.untrusted)
        changed = await call.ok("update_participant", {"participant_id": person["id"], "tags": ["senior"]})
        assert unfenced(changed["tags"]) == ["senior"]
        found = await call.ok("list_participants", {"email": email})
        assert [p["id"] for p in found["items"]] == [person["id"]]
        imported = await call.ok(
            "import_participants",
            {
                "participants": [
                    {"name": "Grace", "email": f"{_unique('grace')}@example.com"},
                    {"name": "Ada again", "email": email, "evaluation_template_id": ids["template"]},
                ]
            },
        )
        assert len(imported["created"]) == 1
        assert [unfenced(s["email"]) for s in imported["skipped"]] == [email]
        gone = await call.ok("delete_participant", {"participant_id": imported["created"][0]["id"]})
        assert (gone["deleted"], gone["id"]) == (True, imported["created"][0]["id"])
        assert gone["remains"]["sessions"] == 0 and "cancel_session" in gone["erasure"]

        # sessions
        session = await call.ok(
            "schedule_session",
            {"candidate_id": person["id"], "evaluation_template_id": ids["template"], "stage": "screen"},
        )
        assert session["status"] == "scheduled"
        assert session["interview_id"] == ids["stage"]
        assert (await call.ok("get_session", {"session_id": session["id"]}))["join_url"]
        sessions = await call.ok("list_sessions", {"candidate_id": person["id"]})
        assert [s["id"] for s in sessions["items"]] == [session["id"]]
        moved = await call.ok(
            "reschedule_session", {"session_id": session["id"], "scheduled_at": "2031-05-04T10:00:00Z"}
        )
        assert (moved["success"], moved["scheduled_at"]) == (True, "2031-05-04T10:00:00Z")
        assert (await call.ok("cancel_session", {"session_id": session["id"]}))["status"] == "cancelled"

        # code execution
        run = await call.ok(
            "execute_code",
            {
                "language": "python",
                "code": "print(int(input()) * 2)",
                "test_cases": [
                    {"input": "2", "expected_output": "4"},
                    {"input": "5", "expected_output": "11"},
                ],
            },
        )
        assert (run["passed"], run["failed"]) == (1, 1)
        # what the candidate's program printed is fenced as candidate-authored, never bare
        printed = run["results"][0]["stdout"]
        assert printed.startswith("<<<untrusted candidate-authored id=") and "\n4\n" in printed

    assert call.seen == {op.name for op in tools.CATALOG}
    assert listed == {tool.name for tool in tools.TOOLS}  # the composite tools are tested in tests/resources
    transcript = "\n".join(call.transcript)
    assert sandbox.demo_key not in transcript


@pytest.mark.parametrize("mode", MODES)
async def test_the_hiring_flow_reaches_a_scorecard_through_tool_calls_alone(
    auto_sandbox, serve, make_settings, connect, mode
):
    with serve(make_settings(api_base_url=auto_sandbox.base_url)) as live:
        async with connect(live.mcp_url, auto_sandbox.demo_key, mode=mode) as client:
            call = Caller(client)
            ids = await _set_up_role(call, stage_minutes=5)
            person = await call.ok(
                "create_participant",
                {
                    "name": "Alan",
                    "email": f"{_unique('alan')}@example.com",
                    "evaluation_template_id": ids["template"],
                },
            )
            session = await call.ok(
                "schedule_session",
                {"candidate_id": person["id"], "evaluation_template_id": ids["template"], "stage": "screen"},
            )
            with anyio.fail_after(20):
                while "score" not in (scored := await call.ok("get_session", {"session_id": session["id"]})):
                    await anyio.sleep(0.05)
    assert scored["status"] == "completed"
    assert 0 <= scored["score"] <= 10
    assert isinstance(scored["passed"], bool)
    assert scored["recommendation"]
    assert {d["dimension"] for d in scored["evaluation_breakdown"]} == {"System design", "Communication"}


async def test_two_users_calling_at_once_each_see_only_their_own_workspace(
    live_server, sandbox, connect
) -> None:
    keys = (sandbox.demo_key, sandbox.other_key)
    made: list[tuple[str, str, str]] = []  # (key, participant id, email)
    crossed: list[tuple[int, int]] = []  # (what the other key listed for that email, get status)

    async def create(key: str) -> None:
        async with connect(live_server.mcp_url, key, mode="legacy") as client:
            call = Caller(client)
            mine = await call.ok(
                "create_participant", {"name": "Twin", "email": f"{_unique('twin')}@example.com"}
            )
            listing = await call.ok("list_participants", {"email": unfenced(mine["email"])})
            assert [p["id"] for p in listing["items"]] == [mine["id"]]
            made.append((key, mine["id"], unfenced(mine["email"])))

    async def peek(key: str, participant: str, email: str) -> None:
        other = keys[1 - keys.index(key)]
        async with connect(live_server.mcp_url, other) as client:
            call = Caller(client)
            listing = await call.ok("list_participants", {"email": email})
            error = await call.error("get_participant", {"participant_id": participant})
            crossed.append((listing["meta"]["total"], error["status"]))

    async with anyio.create_task_group() as group:
        for _ in range(3):
            for key in keys:
                group.start_soon(create, key)
    async with anyio.create_task_group() as group:
        for key, participant, email in made:
            group.start_soon(peek, key, participant, email)
    assert len(made) == 6
    assert crossed == [(0, 404)] * 6


@pytest.mark.parametrize("mode", MODES)
async def test_a_read_only_keys_write_comes_back_as_a_403_tool_error(
    live_server, sandbox, connect, mode
) -> None:
    async with connect(live_server.mcp_url, sandbox.readonly_key, mode=mode) as client:
        call = Caller(client)
        assert (await call.ok("list_participants", {}))["meta"]["total"] >= 0
        error = await call.error("create_participant", {"name": "Nope", "email": "nope@example.com"})
    assert error["status"] == 403
    assert "candidates.write" in error["error"]
    assert error["retryable"] is False


async def test_a_repeated_schedule_session_creates_exactly_one_session(live_server, sandbox, connect) -> None:
    async with connect(live_server.mcp_url, sandbox.demo_key) as client:
        call = Caller(client)
        ids = await _set_up_role(call)
        person = await call.ok(
            "create_participant", {"name": "Rep", "email": f"{_unique('rep')}@example.com"}
        )
        arguments = {
            "candidate_id": person["id"],
            "evaluation_template_id": ids["template"],
            "stage": "screen",
        }
        first = await call.ok("schedule_session", arguments)
        again = await call.ok("schedule_session", arguments)
        listing = await call.ok("list_sessions", {"candidate_id": person["id"]})
    assert again["id"] == first["id"]
    assert again["idempotent"] is True
    assert listing["meta"]["total"] == 1


async def test_a_schedule_retried_after_a_5xx_creates_exactly_one_session(
    live_server, sandbox, connect
) -> None:
    key = sandbox.fault_key
    async with connect(live_server.mcp_url, key) as client:
        call = Caller(client)
        ids = await _set_up_role(call)
        person = await call.ok(
            "create_participant", {"name": "Retry", "email": f"{_unique('retry')}@example.com"}
        )
        sandbox.control(
            key,
            "POST",
            "/_sandbox/faults",
            {"route": "/sessions", "method": "POST", "status": 503, "count": 2},
        )
        try:
            session = await call.ok(
                "schedule_session",
                {"candidate_id": person["id"], "evaluation_template_id": ids["template"], "stage": "screen"},
            )
            left = sandbox.control(key, "GET", "/_sandbox/faults").json()["data"]
        finally:
            sandbox.control(key, "DELETE", "/_sandbox/faults")
        listing = await call.ok("list_sessions", {"candidate_id": person["id"]})
    assert left == []  # both injected failures were met, and retried through
    assert [s["id"] for s in listing["items"]] == [session["id"]]


async def test_the_stage_must_exist_on_the_template_or_the_error_says_so(
    live_server, sandbox, connect
) -> None:
    async with connect(live_server.mcp_url, sandbox.demo_key) as client:
        call = Caller(client)
        ids = await _set_up_role(call)
        person = await call.ok("create_participant", {"name": "S", "email": f"{_unique('s')}@example.com"})
        error = await call.error(
            "schedule_session",
            {"candidate_id": person["id"], "evaluation_template_id": ids["template"], "stage": "onsite"},
        )
    assert error["status"] == 400  # the contract: no active stage of that type on the template
    # intervyo's own issue, then ours listing the template's stage types (server.calls.explanations)
    said, listed = error["issues"]
    assert said["path"] == listed["path"] == ["stage"] and "onsite" in said["message"]
    assert "screen" in listed["message"]


async def test_scheduling_again_after_a_cancel_is_a_deliberate_reschedule(
    live_server, sandbox, connect
) -> None:
    async with connect(live_server.mcp_url, sandbox.demo_key) as client:
        call = Caller(client)
        ids = await _set_up_role(call)
        person = await call.ok(
            "create_participant", {"name": "Again", "email": f"{_unique('again')}@example.com"}
        )
        arguments = {
            "candidate_id": person["id"],
            "evaluation_template_id": ids["template"],
            "stage": "screen",
        }
        first = await call.ok("schedule_session", arguments)
        await call.ok("cancel_session", {"session_id": first["id"]})
        second = await call.ok("schedule_session", arguments)
        repeated = await call.ok("schedule_session", arguments)
        await call.ok("cancel_session", {"session_id": second["id"]})
        third = await call.ok("schedule_session", arguments)
        listing = await call.ok("list_sessions", {"candidate_id": person["id"]})
    assert second["id"] != first["id"]
    assert second["status"] == "scheduled"
    assert repeated["id"] == second["id"]
    assert third["id"] not in (first["id"], second["id"])
    assert listing["meta"]["total"] == 3
