"""Arguments are validated before anything is sent: bad ones come back naming each field."""

from __future__ import annotations

import json

import httpx2
import pytest
from mcp.shared.exceptions import MCPError

pytestmark = pytest.mark.anyio

PARTICIPANT = {"id": "7d1e6a0f-2b8c-4d5e-9f1a-3c4b5d6e7f80", "name": "Ada", "email": "ada@example.com"}


def _created(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(201, json={"data": PARTICIPANT})


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_invalid_arguments_name_each_bad_field_and_never_reach_the_upstream(
    scripted, mode: str
) -> None:
    async with scripted(_created, mode=mode) as (client, upstream):
        result = await client.call_tool(
            "create_participant", {"email": "not-an-email", "tags": "oops", "surprise": 1}
        )
    assert upstream.requests == []
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["status"] == 400
    paths = {tuple(issue["path"]) for issue in result.structured_content["issues"]}
    assert paths == {("name",), ("email",), ("tags",), ("surprise",)}
    text = result.content[0]
    assert text.type == "text"
    for field in ("name", "email", "tags", "surprise"):
        assert f"- {field}:" in text.text


async def test_a_bad_value_in_a_nested_list_is_located_precisely(scripted) -> None:
    arguments = {
        "name": "Backend interviewer",
        "persona": "Hi, I am Ava.",
        "useCase": "hiring",
        "evaluationDimensions": [
            {"name": "Design", "description": "d", "weight": 60},
            {"name": "Code", "weight": 40},
        ],
    }
    async with scripted(_created) as (client, upstream):
        result = await client.call_tool("create_agent_profile", arguments)
    assert upstream.requests == []
    assert result.structured_content is not None
    assert result.structured_content["issues"][0]["path"] == ["evaluationDimensions", 1, "description"]


async def test_nan_and_infinity_are_refused_where_they_sit_and_never_sent(
    serve, upstreams, make_settings
) -> None:
    # JSON cannot carry them, yet JSON parsers (the SDK's among them) read the NaN and Infinity literals.
    script = upstreams(_created)
    settings = make_settings(verify_keys=False)  # nothing at all may reach intervyo, not even a key check
    arguments = (
        '{"name": "Ada", "email": "ada@example.com", "metadata": {"score": NaN, "history": [1.5, -Infinity]}}'
    )
    meta = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
    }
    body = (
        '{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "create_participant", '
        f'"arguments": {arguments}, "_meta": {json.dumps(meta)}}}}}'
    )
    headers = {
        "authorization": "Bearer iv_live_unit_test_key",
        "accept": "application/json, text/event-stream",
        "content-type": "application/json",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "create_participant",
    }
    with serve(settings, script.upstream(settings)) as live:
        async with httpx2.AsyncClient() as http:
            response = await http.post(live.mcp_url, content=body, headers=headers)
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert script.requests == []
    assert result["isError"]
    paths = [issue["path"] for issue in result["structuredContent"]["issues"]]
    assert paths == [["metadata", "score"], ["metadata", "history", 1]]
    assert "finite number" in result["structuredContent"]["issues"][0]["message"]


async def test_weights_that_do_not_sum_to_100_are_refused_locally(scripted) -> None:
    arguments = {
        "name": "n",
        "persona": "p",
        "useCase": "hiring",
        "evaluationDimensions": [{"name": "a", "description": "d", "weight": 50}],
    }
    async with scripted(_created) as (client, upstream):
        result = await client.call_tool("create_agent_profile", arguments)
    assert upstream.requests == []
    assert result.structured_content is not None
    assert "sum to 100" in result.structured_content["issues"][0]["message"]


async def test_objects_and_arrays_sent_as_json_strings_are_accepted(scripted) -> None:
    async with scripted(_created) as (client, upstream):
        result = await client.call_tool(
            "create_participant",
            {
                "name": "Ada",
                "email": "ada@example.com",
                "tags": '["backend", "senior"]',
                "profile": '{"title": "Engineer"}',
                "metadata": '{"ats": 42}',
            },
        )
    assert not result.is_error
    sent = json.loads(upstream.requests[0].content)
    assert sent["tags"] == ["backend", "senior"]
    assert sent["profile"] == {"title": "Engineer"}
    assert sent["metadata"] == {"ats": 42}


async def test_a_string_field_holding_json_text_stays_a_string(scripted) -> None:
    async with scripted(_created) as (client, upstream):
        await client.call_tool(
            "create_participant", {"name": '["not", "a list"]', "email": "ada@example.com"}
        )
    assert json.loads(upstream.requests[0].content)["name"] == '["not", "a list"]'


async def test_nested_items_sent_as_json_strings_are_accepted(scripted) -> None:
    body = {"data": {"created": [PARTICIPANT], "skipped": []}}
    async with scripted(lambda request: httpx2.Response(201, json=body)) as (client, upstream):
        result = await client.call_tool(
            "import_participants", {"participants": ['{"name": "Ada", "email": "ada@example.com"}']}
        )
    assert not result.is_error
    assert json.loads(upstream.requests[0].content) == {
        "participants": [{"name": "Ada", "email": "ada@example.com"}]
    }


async def test_json_strings_deeper_in_the_arguments_are_decoded_too(scripted) -> None:
    body = {"data": {"created": [PARTICIPANT], "skipped": []}}
    item = {
        "name": "Ada",
        "email": "ada@example.com",
        "tags": '["backend"]',
        "background": {"skills": '["python", "sql"]'},
        "metadata": {"note": '["kept as written"]'},  # free-form: nothing says it is JSON
    }
    async with scripted(lambda request: httpx2.Response(201, json=body)) as (client, upstream):
        result = await client.call_tool("import_participants", {"participants": [item]})
    assert not result.is_error, result.content
    (sent,) = json.loads(upstream.requests[0].content)["participants"]
    assert sent["tags"] == ["backend"]
    assert sent["background"] == {"skills": ["python", "sql"]}
    assert sent["metadata"] == {"note": '["kept as written"]'}


async def test_an_unknown_tool_is_a_protocol_error(scripted) -> None:
    async with scripted(_created) as (client, upstream):
        with pytest.raises(MCPError, match="Unknown tool"):
            await client.call_tool("drop_database", {})
    assert upstream.requests == []


async def test_without_a_key_a_call_says_how_to_configure_one(scripted) -> None:
    async with scripted(_created, api_key=None) as (client, upstream):
        result = await client.call_tool("list_participants", {})
    assert upstream.requests == []
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["status"] == 401
    assert "INTERVYO_API_KEY" in result.structured_content["error"]
