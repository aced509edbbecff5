"""A session named in any spelling of its id (upper case, braces, urn:uuid:) or of the scheme
(INTERVYO://) is the same resource: readable, and its subscribers are notified."""

from __future__ import annotations

import anyio
import pytest
from live_support import Updates, mcp
from mcp.shared.exceptions import MCPDeprecationWarning

from server.documents.uris import canonical, parse

pytestmark = pytest.mark.anyio

_BOUND_S = 10.0
SESSION = "c80f013c-27b0-44c3-8aa8-cf8684694a6c"
SPELLINGS = [
    lambda i: f"intervyo://sessions/{i.upper()}/scorecard",
    lambda i: f"intervyo://sessions/{{{i}}}/scorecard",
    lambda i: f"intervyo://sessions/urn:uuid:{i}/scorecard",
    lambda i: f"INTERVYO://sessions/{i}/scorecard",
    lambda i: f"Intervyo://sessions/{i.replace('-', '')}/scorecard",
]


@pytest.mark.parametrize("spell", SPELLINGS)
def test_every_spelling_has_one_canonical_uri(spell) -> None:
    assert parse(spell(SESSION)) is not None
    assert canonical(spell(SESSION)) == f"intervyo://sessions/{SESSION}/scorecard"


def test_a_uri_that_is_not_ours_is_left_as_it_is() -> None:
    assert canonical("https://example.com/x") == "https://example.com/x"
    assert parse("intervyo://sessions/not-a-uuid/scorecard") is None


@pytest.mark.parametrize("spell", SPELLINGS)
async def test_a_2025_subscriber_in_any_spelling_is_notified(
    spell, polling_server, slow_sandbox, slow_sessions, updates: Updates
) -> None:
    session = await slow_sessions.new()
    uri = spell(session["id"])
    async with mcp(
        polling_server.mcp_url, slow_sandbox.demo_key, "legacy", message_handler=updates.handler
    ) as c:
        with pytest.warns(MCPDeprecationWarning):
            await c.subscribe_resource(uri)
        await slow_sessions.advance(session["id"], "in_progress")
        assert await updates.next(_BOUND_S) == uri  # told under the spelling it subscribed with
        card = await c.read_resource(uri)
    assert session["id"] in card.contents[0].text  # type: ignore[union-attr]


async def test_a_2026_listener_in_another_spelling_is_notified(
    polling_server, slow_sandbox, slow_sessions
) -> None:
    session = await slow_sessions.new()
    uri = f"INTERVYO://sessions/{{{session['id'].upper()}}}/scorecard"
    async with (
        mcp(polling_server.mcp_url, slow_sandbox.demo_key, "auto") as client,
        client.listen(resource_subscriptions=[uri]) as subscription,
    ):
        await slow_sessions.advance(session["id"], "completed")
        with anyio.fail_after(_BOUND_S):
            event = await subscription.__anext__()
    assert getattr(event, "uri", None) == canonical(uri)
