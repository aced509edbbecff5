"""Ready-to-paste MCP client configurations for a running server (printed by `serve --sandbox`)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence

__all__ = ["http_configs", "stdio_configs"]


def http_configs(mcp_url: str, sse_url: str, key: str, command: Sequence[str]) -> str:
    """How Claude Code, Cursor, Claude Desktop and the MCP Inspector reach an HTTP server with `key`."""
    header = f"Authorization: Bearer {key}"
    cursor = {"mcpServers": {"intervyo": {"url": mcp_url, "headers": {"Authorization": f"Bearer {key}"}}}}
    desktop = _desktop(command, ["serve", "--transport", "stdio", "--sandbox"], env=None)
    return "\n".join(
        [
            f"MCP endpoint:  {mcp_url}   (legacy SSE: {sse_url})",
            f"API key:       {key}",
            "",
            "Claude Code:",
            f'  claude mcp add --transport http intervyo {mcp_url} --header "{header}"',
            "",
            "Cursor (.cursor/mcp.json):",
            _indent(json.dumps(cursor, indent=2)),
            "",
            "Claude Desktop (claude_desktop_config.json; it starts its own stdio server with a sandbox):",
            _indent(json.dumps(desktop, indent=2)),
            "",
            "MCP Inspector:",
            f'  npx -y @modelcontextprotocol/inspector --cli {mcp_url} --header "{header}" '
            "--method tools/list",
            "  (without --cli it opens the web UI: transport Streamable HTTP, the URL, the same header)",
        ]
    )


def stdio_configs(command: Sequence[str], args: Sequence[str], key: str | None) -> str:
    """How Claude Desktop, Cursor and Claude Code launch this server over stdio."""
    env = {"INTERVYO_API_KEY": key} if key else None
    desktop = _desktop(command, args, env=env)
    launch = shlex.join([*command, *args])
    env_flag = f" --env INTERVYO_API_KEY={key}" if key else ""
    return "\n".join(
        [
            "Claude Desktop (claude_desktop_config.json) or Cursor (.cursor/mcp.json):",
            _indent(json.dumps(desktop, indent=2)),
            "",
            "Claude Code:",
            f"  claude mcp add intervyo{env_flag} -- {launch}",
        ]
    )


def _desktop(command: Sequence[str], args: Sequence[str], env: dict[str, str] | None) -> dict[str, object]:
    entry: dict[str, object] = {"command": command[0], "args": [*command[1:], *args]}
    if env:
        entry["env"] = env
    return {"mcpServers": {"intervyo": entry}}


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
