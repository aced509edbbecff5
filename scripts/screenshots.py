#!/usr/bin/env python3
"""Render each MCP Apps view with sandbox data in headless Debian chromium; write docs/views/*.png.

    python scripts/screenshots.py        needs /usr/bin/chromium (apt-get install chromium)

A fresh sandbox (its demo workspace: the "Senior Backend Engineer" pipeline and its candidates) is the
upstream of an in-process server; an MCP client that negotiates the Apps extension calls the tools,
reads the views' `ui://` resources, and the test host (`tests/views/apps_host.py`) renders them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio
import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "views")]

from apps_host import apps_host, chromium_missing  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client import advertise  # noqa: E402
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID  # noqa: E402

from sandbox.config import SandboxConfig  # noqa: E402
from sandbox.seed import DEMO_KEY  # noqa: E402
from sandbox.serve import serve_in_thread  # noqa: E402
from server.app import build_server  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.upstream.client import Upstream  # noqa: E402

OUT = ROOT / "docs" / "views"


async def render(base_url: str, origin: str) -> None:
    def advance(session_id: str, to: str) -> None:
        url = f"{origin}/_sandbox/sessions/{session_id}/advance"
        httpx2.post(url, json={"to": to}, headers={"x-api-key": DEMO_KEY}, timeout=10).raise_for_status()

    settings = Settings.model_validate({"api_key": DEMO_KEY, "api_base_url": base_url, "toolsets": "all"})
    extensions = [advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})]
    async with (
        Upstream(settings) as upstream,
        Client(build_server(settings, upstream), mode="legacy", extensions=extensions) as client,  # type: ignore[arg-type]
    ):

        async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
            result = await client.call_tool(name, arguments)
            return result.model_dump(mode="json", by_alias=True, exclude_none=True)

        async def html(view: str) -> str:
            (content,) = (await client.read_resource(f"ui://intervyo/{view}.html")).contents
            return content.text  # type: ignore[union-attr]

        sessions = (await call("list_sessions", {"page_size": 100}))["structuredContent"]["items"]
        scored = max((s for s in sessions if s.get("score") is not None), key=lambda s: s["score"])
        template_id = scored["evaluation_template_id"]
        # Every demo candidate through the screen, so the comparison has a full field.
        screened = {
            s["candidate_id"] for s in sessions if s["stage"] == "screen" and s.get("score") is not None
        }
        people = await call("list_participants", {"evaluation_template_id": template_id, "page_size": 100})
        for person in people["structuredContent"]["items"]:
            if person["id"] not in screened:
                arguments = {"candidate_id": person["id"], "evaluation_template_id": template_id}
                new = await call("schedule_session", {**arguments, "stage": "screen", "force": True})
                advance(new["structuredContent"]["id"], "scored")
        running = next(s for s in sessions if s["status"] == "scheduled")
        advance(running["id"], "in_progress")
        shots = [
            ("scorecard", {"session_id": scored["id"]}, "get_scorecard", ".cite"),
            (
                "comparison",
                {"evaluation_template_id": template_id, "stage": "screen"},
                "compare_candidates",
                None,
            ),
            ("timeline", {"session_id": running["id"]}, "get_session", None),
        ]
        OUT.mkdir(parents=True, exist_ok=True)
        async with apps_host(call) as host:
            for view, arguments, tool, click in shots:
                frame = await host.show(await html(view), arguments, await call(tool, arguments))
                await frame.locator("main h1").wait_for()
                if click:
                    await frame.locator(click).first.click()
                    await frame.locator("#turn-text").wait_for()
                await host.page.wait_for_timeout(1000)  # the host resizes the frame on the view's size report
                await host.screenshot(OUT / f"{view}.png")
                print(f"wrote {(OUT / f'{view}.png').relative_to(ROOT)}")


def main() -> int:
    missing = chromium_missing()
    if missing:
        print(f"screenshots: {missing}", file=sys.stderr)
        return 1
    with serve_in_thread(SandboxConfig(auto_run=False)) as sandbox:
        anyio.run(render, sandbox.base_url, sandbox.origin)
    return 0


if __name__ == "__main__":
    sys.exit(main())
