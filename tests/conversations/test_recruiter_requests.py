"""Three recruiter requests, played the way a model plays them: through a real MCP client, choosing tools
and arguments only from what `tools/list` and `prompts/list` say, against a sandbox told to ignore the
filters we send.

1. "Schedule Jane's technical screen next Tuesday 10:00 Berlin time."
2. "Cancel every interview for Jane."  (played second: after a delete there is no Jane to find)
3. "Delete her data."

Every call's arguments are validated against the tool's listed input schema before it is made. Calls
and bytes (arguments sent plus text received) are counted per request and printed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from fences import unfenced
from http_app import LiveServer, running
from jsonschema import Draft202012Validator
from mcp import Client
from mcp.types import TextContent

pytestmark = pytest.mark.anyio

BERLIN_TUESDAY_10 = "2026-12-08T10:00:00"
# The model's key (its faults, set below, touch only its own requests).
KEY = "iv_live_conversation_test"


@dataclass(frozen=True)
class Sandbox:
    base_url: str
    origin: str


@pytest.fixture
def world(make_settings) -> Iterator[tuple[Sandbox, LiveServer]]:
    """A fresh sandbox (the demo workspace, as seeded) and our server in front of it."""
    from sandbox.config import ApiKeySpec, SandboxConfig
    from sandbox.serve import serve_in_thread

    config = SandboxConfig(time_scale=1000.0, extra_keys=(ApiKeySpec(KEY),))
    with serve_in_thread(config) as instance, running(make_settings(api_base_url=instance.base_url)) as live:
        yield Sandbox(instance.base_url, instance.origin), live


@dataclass
class Request:
    """One user request: the calls made for it and the bytes they moved."""

    said: str
    calls: list[str] = field(default_factory=list[str])
    bytes: int = 0


class Model:
    """Calls tools the way a model must: only listed tools, only arguments their schemas allow."""

    def __init__(self, client: Client, tools: dict[str, dict[str, Any]]) -> None:
        self.client = client
        self.tools = tools
        self.requests: list[Request] = []

    def request(self, said: str) -> Request:
        self.requests.append(Request(said))
        return self.requests[-1]

    async def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        assert tool in self.tools, f"{tool} is not in tools/list"
        Draft202012Validator(self.tools[tool]).validate(arguments)
        result = await self.client.call_tool(tool, arguments)
        text = "".join(c.text for c in result.content if isinstance(c, TextContent))
        current = self.requests[-1]
        current.calls.append(tool)
        current.bytes += len(json.dumps(arguments).encode()) + len(text.encode())
        assert not result.is_error, text
        assert result.structured_content is not None
        return result.structured_content


@pytest.fixture
async def model(world: tuple[Sandbox, LiveServer], connect) -> AsyncIterator[Model]:
    _, live = world
    async with connect(live.mcp_url, KEY) as client:
        listed = {tool.name: tool.input_schema for tool in (await client.list_tools()).tools}
        yield Model(client, listed)


def _sandbox(sandbox: Sandbox, method: str, path: str, body: object = None) -> Any:
    """The sandbox's own API and controls, for setting the scene and checking outcomes (never the model)."""
    url = (sandbox.base_url + path) if not path.startswith("/_sandbox") else sandbox.origin + path
    response = httpx2.request(method, url, json=body, headers={"x-api-key": KEY}, timeout=10)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _scene(sandbox: Sandbox) -> dict[str, Any]:
    """Jane Doe in the demo's backend role, with a scored screen and an open final; the others as seeded."""
    template = next(
        t
        for t in _sandbox(sandbox, "GET", "/evaluation-templates?pageSize=100")["data"]
        if t["template_name"] == "Senior Backend Engineer"
    )
    jane = _sandbox(
        sandbox,
        "POST",
        "/participants",
        {"name": "Jane Doe", "email": "jane.doe@example.com", "evaluation_template_id": template["id"]},
    )["data"]
    base = {"candidate_id": jane["id"], "evaluation_template_id": template["id"]}
    scored = _sandbox(sandbox, "POST", "/sessions", {**base, "stage": "screen"})["data"]
    _sandbox(sandbox, "POST", f"/_sandbox/sessions/{scored['id']}/advance", {"to": "scored"})
    final = {**base, "stage": "final", "scheduled_at": "2026-12-15T15:00:00Z", "timezone": "Europe/Berlin"}
    _sandbox(sandbox, "POST", "/sessions", final)
    return {"template": template, "jane": jane, "scored": scored}


def _ignore_filters(sandbox: Sandbox) -> None:
    """From here on intervyo answers as if it had never heard of these filters."""
    for route, names in (("/sessions", ["candidate_id"]), ("/participants", ["email"])):
        _sandbox(
            sandbox, "POST", "/_sandbox/faults", {"route": route, "method": "GET", "ignore_query": names}
        )


def _scheduled_sessions(sandbox: Sandbox) -> list[dict[str, Any]]:
    """Every scheduled session, read with the filter honoured (the faults are cleared first)."""
    _sandbox(sandbox, "DELETE", "/_sandbox/faults")
    rows: list[dict[str, Any]] = _sandbox(sandbox, "GET", "/sessions?status=scheduled&pageSize=100")["data"]
    return rows


async def test_three_recruiter_requests_come_out_right(world, model: Model) -> None:
    sandbox, _ = world
    scene = _scene(sandbox)
    jane = scene["jane"]
    others_open = [s["id"] for s in _scheduled_sessions(sandbox) if s["candidate_id"] != jane["id"]]
    _ignore_filters(sandbox)
    prompts = {prompt.name for prompt in (await model.client.list_prompts()).prompts}
    assert "schedule_interview" in prompts

    # 1. "Schedule Jane's technical screen next Tuesday 10:00 Berlin time."
    model.request("Schedule Jane's technical screen next Tuesday 10:00 Berlin time")
    found = await model.call("list_participants", {"query": "Jane"})
    (person,) = found["items"]
    assert unfenced(person["name"]) == "Jane Doe"  # participant-written: fenced as data
    guide = await model.client.get_prompt(
        "schedule_interview",
        {
            "template_id": person["evaluation_template_id"],
            "stage": "technical",
            "participant_id": person["id"],
            "scheduled_at": BERLIN_TUESDAY_10,
            "timezone": "Europe/Berlin",
        },
    )
    steps = guide.messages[0].content
    assert isinstance(steps, TextContent) and "timezone" in steps.text
    session = await model.call(
        "schedule_session",
        {
            "candidate_id": person["id"],
            "evaluation_template_id": person["evaluation_template_id"],
            "stage": "technical",
            "scheduled_at": BERLIN_TUESDAY_10,
            "timezone": "Europe/Berlin",
        },
    )
    assert session["scheduled_at_local"] == "2026-12-08T10:00:00+01:00"
    stored = _sandbox(sandbox, "GET", f"/sessions/{session['id']}")["data"]
    assert stored["scheduled_at"] == "2026-12-08T09:00:00.000Z"

    # 2. "Cancel every interview for Jane." intervyo ignores candidate_id: the rows are checked here.
    model.request("Cancel every interview for Jane")
    found = await model.call("list_participants", {"query": "Jane Doe"})
    (person,) = found["items"]
    listed = await model.call("list_sessions", {"candidate_id": person["id"], "status": "scheduled"})
    assert "candidate_id" in listed["note"]
    assert {row["candidate_id"] for row in listed["items"]} == {jane["id"]}
    assert {unfenced(row["candidate_name"]) for row in listed["items"]} == {"Jane Doe"}
    cancelled = [await model.call("cancel_session", {"session_id": row["id"]}) for row in listed["items"]]
    assert len(cancelled) == 2
    assert all(row["status"] == "cancelled" for row in cancelled)
    still_open = [s["id"] for s in _scheduled_sessions(sandbox)]
    assert sorted(still_open) == sorted(others_open)  # nobody else's interview was touched
    _ignore_filters(sandbox)

    # 3. "Delete her data."
    model.request("Delete her data")
    found = await model.call("list_participants", {"query": "jane.doe@example.com"})
    (person,) = found["items"]
    gone = await model.call("delete_participant", {"participant_id": person["id"]})
    assert gone["deleted"] is True
    remains = gone["remains"]
    assert (remains["sessions"], remains["scorecards"], remains["transcripts"]) == (3, 1, 1)
    assert scene["scored"]["id"] in remains["session_ids"]
    assert "no call that deletes sessions" in gone["erasure"]
    # What it says remains does remain.
    assert _sandbox(sandbox, "GET", f"/sessions/{scene['scored']['id']}")["data"]["scored_at"]

    for request, most in zip(model.requests, (8, 6, 6), strict=True):
        calls = ", ".join(request.calls)
        print(f"{request.said!r}: {len(request.calls)} calls ({calls}), {request.bytes} bytes")
        assert len(request.calls) <= most, request
