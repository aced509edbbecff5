"""A minimal MCP Apps host for tests: headless Debian chromium, the view in a sandboxed iframe.

The host page loads a view's HTML (as the server serves it from its `ui://` resource) into
`<iframe sandbox="allow-scripts" srcdoc=...>`, answers the view's bridge requests as the Apps spec
(2026-01-26) says -- `ui/initialize`, then `ui/notifications/tool-input` and `tool-result` once the
view says `initialized` -- and passes the view's `tools/call` requests to `call_tool` (in the tests, a
real MCP client on our server). Every tool the view calls is recorded; so is any message a view's
content could only send if markup in the data had run (`{"pwned": ...}`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from prerequisites import CHROMIUM as PREREQUISITE_CHROMIUM
from prerequisites import CHROMIUM_FLAGS

CHROMIUM = Path(PREREQUISITE_CHROMIUM)

CallTool = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]

_HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #eef0f4; padding: 16px; }
  iframe { width: 100%; border: 1px solid #d5d8de; border-radius: 10px; background: #fff; }
  iframe { height: 200px; display: block; }
</style></head>
<body><iframe id="view" sandbox="allow-scripts" title="view"></iframe>
<script>
const frame = document.getElementById("view");
window.hostLog = { pwned: [], requests: [], errors: [] };
let pending = null;
function send(message) { frame.contentWindow.postMessage(message, "*"); }
window.addEventListener("message", async (event) => {
  if (event.source !== frame.contentWindow) return;
  const m = event.data;
  if (m && m.pwned !== undefined) { window.hostLog.pwned.push(m); return; }
  if (!m || m.jsonrpc !== "2.0" || typeof m.method !== "string") return;
  window.hostLog.requests.push(m.method);
  const reply = (result) => send({ jsonrpc: "2.0", id: m.id, result });
  const fail = (message) => send({ jsonrpc: "2.0", id: m.id, error: { code: -32000, message } });
  if (m.method === "ui/initialize") {
    reply({ protocolVersion: "2026-01-26", hostInfo: { name: "test-host", version: "1" },
            hostCapabilities: { serverTools: {} },
            hostContext: { theme: "light", displayMode: "inline",
                           containerDimensions: { maxHeight: 4000 } } });
  } else if (m.method === "ui/notifications/initialized") {
    send({ jsonrpc: "2.0", method: "ui/notifications/tool-input", params: { arguments: pending.input } });
    send({ jsonrpc: "2.0", method: "ui/notifications/tool-result", params: pending.result });
  } else if (m.method === "ui/notifications/size-changed") {
    frame.style.height = Math.ceil(m.params.height) + 2 + "px";
  } else if (m.method === "tools/call") {
    try { reply(await window.hostCallTool(m.params.name, m.params.arguments || {})); }
    catch (error) { fail(String(error)); }
  } else if (m.id !== undefined) {
    fail("unsupported: " + m.method);
  }
});
window.showView = (html, input, result) => { pending = { input, result }; frame.srcdoc = html; };
</script></body></html>"""


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent (apt-get install chromium)"
    return None


class AppsHost:
    """One host page in one browser page; `show` renders a view with a tool's input and result."""

    def __init__(self, page: Any, call_tool: CallTool) -> None:
        self.page = page
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._call_tool = call_tool

    async def _answer(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, arguments))
        return await self._call_tool(name, arguments)

    async def show(self, html: str, tool_input: dict[str, Any], tool_result: dict[str, Any]) -> Any:
        """Load the view, hand it the tool's input and result; the view's frame (a FrameLocator)."""
        await self.page.evaluate(
            "([html, input, result]) => window.showView(html, input, result)",
            [html, tool_input, json.loads(json.dumps(tool_result))],
        )
        return self.page.frame_locator("#view")

    async def log(self) -> dict[str, list[Any]]:
        return dict(await self.page.evaluate("window.hostLog"))

    async def screenshot(self, path: Path) -> None:
        await self.page.locator("#view").screenshot(path=str(path))


@contextlib.asynccontextmanager
async def apps_host(call_tool: CallTool, *, width: int = 880) -> AsyncIterator[AppsHost]:
    """A fresh host page in headless chromium, closed on exit."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = await browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
            host = AppsHost(page, call_tool)
            await page.expose_function("hostCallTool", host._answer)
            await page.set_content(_HOST_PAGE)
            yield host
        finally:
            await browser.close()
