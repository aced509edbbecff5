"""Ready-to-paste MCP client configurations for a running server (printed by `serve --sandbox`)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence

__all__ = ["http_configs", "stdio_configs"]

_DESKTOP_ARGS = ("serve", "--transport", "stdio", "--sandbox")


def http_configs(origin: str, key: str, command: Sequence[str], *, sse: bool = False) -> str:
    """How Claude Code, Cursor, Claude Desktop and the MCP Inspector reach the server at `origin`.

    With `sse` the configs name the legacy SSE endpoint; otherwise streamable HTTP at /mcp.
    """
    mcp_url, sse_url = f"{origin}/mcp", f"{origin}/sse"
    url, kind = (sse_url, "sse") if sse else (mcp_url, "http")
    also = f"streamable HTTP: {mcp_url}" if sse else f"legacy SSE: {sse_url}"
    header = f"Authorization: Bearer {key}"
    cursor = {"mcpServers": {"intervyo": {"url": url, "headers": {"Authorization": f"Bearer {key}"}}}}
    # Claude Desktop only sends headers to remote servers through OAuth, so it gets its own stdio server.
    desktop = _launch(command, _DESKTOP_ARGS, env=None)
    return "\n".join(
        [
            f"MCP endpoint:  {url}   ({also})",
            f"API key:       {key}",
            "",
            "Claude Code:",
            f'  claude mcp add --transport {kind} intervyo {url} --header "{header}"',
            "",
            "Cursor (.cursor/mcp.json):",
            _indent(json.dumps(cursor, indent=2)),
            "",
            "Claude Desktop (claude_desktop_config.json; it starts its own stdio server with a sandbox):",
            _indent(json.dumps(desktop, indent=2)),
            "",
            "MCP Inspector (Node >= 22):",
            f'  npx -y @modelcontextprotocol/inspector --cli {url} --header "{header}" --method tools/list',
            "  (without --cli it opens the web UI: pick the transport, the URL and the same header)",
        ]
    )


def stdio_configs(command: Sequence[str], args: Sequence[str], key: str) -> str:
    """How Claude Desktop, Cursor and Claude Code launch this server over stdio (the key is implied)."""
    config = _launch(command, args, env=None)
    launch = shlex.join([*command, *args])
    return "\n".join(
        [
            f"API key:       {key} (used automatically against the sandbox)",
            "",
            "Claude Desktop (claude_desktop_config.json) or Cursor (.cursor/mcp.json):",
            _indent(json.dumps(config, indent=2)),
            "",
            "Claude Code:",
            f"  claude mcp add intervyo -- {launch}",
            "",
            "With a real key instead: drop --sandbox and add INTERVYO_API_KEY to the server's env.",
        ]
    )


def _launch(command: Sequence[str], args: Sequence[str], env: dict[str, str] | None) -> dict[str, object]:
    entry: dict[str, object] = {"command": command[0], "args": [*command[1:], *args]}
    if env:
        entry["env"] = env
    return {"mcpServers": {"intervyo": entry}}


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
