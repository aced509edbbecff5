"""What the model sees in tools/list, pinned: any change to it is a reviewable diff.

Regenerate after an intended change with
`UPDATE_SNAPSHOTS=1 scripts/test tests/server/test_tools_list_snapshot.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx2
import pytest

SNAPSHOT = Path(__file__).parents[1] / "snapshots" / "tools_list.json"


def _unreachable(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError("tools/list must not call intervyo")


@pytest.mark.anyio
async def test_tools_list_matches_the_snapshot(scripted) -> None:
    async with scripted(_unreachable) as (client, _):
        listed = await client.list_tools()
    current = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed.tools]
    text = json.dumps(current, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text)
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1 and commit it"
    assert SNAPSHOT.read_text() == text, "tools/list changed; if intended, rerun with UPDATE_SNAPSHOTS=1"
