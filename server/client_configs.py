"""Ready-to-paste MCP client configurations, one function per client.

`serve --sandbox` prints them with the running server's URL and the demo key; the README's client
section is generated from the same functions with placeholders (scripts/generate.py), so the docs and
what the command prints cannot drift apart.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence

__all__ = [
    "claude_code",
    "claude_code_stdio",
    "cursor",
    "desktop",
    "http_configs",
    "inspector",
    "stdio_configs",
    "vscode",
]

_DESKTOP_ARGS = ("serve", "--transport", "stdio", "--sandbox")


def claude_code(url: str, key: str, *, kind: str = "http") -> str:
    return f'claude mcp add --transport {kind} intervyo {url} --header "Authorization: Bearer {key}"'


def claude_code_stdio(command: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    flags = "".join(f" --env {name}={value}" for name, value in (env or {}).items())
    return f"claude mcp add intervyo{flags} -- {shlex.join(command)}"


def cursor(url: str, key: str) -> str:
    """`.cursor/mcp.json`."""
    return _json({"mcpServers": {"intervyo": {"url": url, "headers": {"Authorization": f"Bearer {key}"}}}})


def vscode(url: str, key: str, *, kind: str = "http", ask_for: str | None = None) -> str:
    """`.vscode/mcp.json`; with `ask_for`, VS Code prompts for that input (the key) and keeps it secret."""
    document: dict[str, object] = {
        "servers": {"intervyo": {"type": kind, "url": url, "headers": {"Authorization": f"Bearer {key}"}}}
    }
    if ask_for:
        document["inputs"] = [
            {"type": "promptString", "id": ask_for, "description": "intervyo API key", "password": True}
        ]
    return _json(document)


def desktop(command: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """`claude_desktop_config.json` (Cursor takes the same shape for a stdio server)."""
    entry: dict[str, object] = {"command": command[0], "args": list(command[1:])}
    if env:
        entry["env"] = dict(env)
    return _json({"mcpServers": {"intervyo": entry}})


def inspector(url: str, key: str) -> str:
    return (
        f'npx -y @modelcontextprotocol/inspector --cli {url} --header "Authorization: Bearer {key}" '
        "--method tools/list"
    )


def http_configs(origin: str, key: str, command: Sequence[str], *, sse: bool = False) -> str:
    """Everything `serve --sandbox` prints for the HTTP server at `origin` (SSE endpoint with `sse`)."""
    mcp_url, sse_url = f"{origin}/mcp", f"{origin}/sse"
    url, kind = (sse_url, "sse") if sse else (mcp_url, "http")
    also = f"streamable HTTP: {mcp_url}" if sse else f"legacy SSE: {sse_url}"
    return "\n".join(
        [
            f"MCP endpoint:  {url}   ({also})",
            f"API key:       {key}",
            "",
            "Claude Code:",
            _indent(claude_code(url, key, kind=kind)),
            "",
            "Cursor (.cursor/mcp.json):",
            _indent(cursor(url, key)),
            "",
            "VS Code (.vscode/mcp.json):",
            _indent(vscode(url, key, kind=kind)),
            "",
            # Claude Desktop sends headers to remote servers only through OAuth: it runs its own stdio server.
            "Claude Desktop (claude_desktop_config.json; it starts its own stdio server with a sandbox):",
            _indent(desktop([*command, *_DESKTOP_ARGS])),
            "",
            "MCP Inspector (Node >= 22):",
            _indent(inspector(url, key)),
            "  (without --cli it opens the web UI: pick the transport, the URL and the same header)",
        ]
    )


def stdio_configs(command: Sequence[str], args: Sequence[str], key: str) -> str:
    """How Claude Desktop, Cursor and Claude Code launch this server over stdio (the key is implied)."""
    launch = [*command, *args]
    return "\n".join(
        [
            f"API key:       {key} (used automatically against the sandbox)",
            "",
            "Claude Desktop (claude_desktop_config.json) or Cursor (.cursor/mcp.json):",
            _indent(desktop(launch)),
            "",
            "Claude Code:",
            _indent(claude_code_stdio(launch)),
            "",
            "With a real key instead: drop --sandbox and add INTERVYO_API_KEY to the server's env.",
        ]
    )


def _json(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
