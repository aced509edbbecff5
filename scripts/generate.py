#!/usr/bin/env python3
"""Regenerate the files derived from the catalog and the settings; `--check` exits 1 on any drift.

    python scripts/generate.py           rewrite every generated block in place
    python scripts/generate.py --check   change nothing; exit 1 and name the stale files
    python scripts/generate.py --mcpb intervyo-mcp.mcpb
                                         also record that bundle's SHA-256 in server.json (a release
                                         step: the registry entry points at the released bundle)

Each `Target` is a file plus a function from its current text to its generated text. To generate
something new, write that function and add a `Target` to `TARGETS`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tools  # noqa: E402
from server.settings import ENV_PREFIX, FLAGS, Settings  # noqa: E402


@dataclass(frozen=True)
class Target:
    path: Path
    render: Callable[[str], str]


def replace_block(text: str, name: str, body: str) -> str:
    """Put `body` between `<!-- name:start -->` and `<!-- name:end -->`; the markers must exist."""
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"generate.py: markers <!-- {name}:start/end --> not found")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text, count=1)


def tool_table() -> str:
    """The README's tool table: every tool in tools/list order, with its toolset, effect and scope."""
    rows = ["| Tool | Toolset | What it does | Effect | Scope |", "|---|---|---|---|---|"]
    for op in tools.TOOLS:
        hints = op.annotations
        effect = "read" if hints.read_only else ("destructive" if hints.destructive else "write")
        default = "" if op.toolset in tools.DEFAULT_TOOLSETS else " (opt-in)"
        rows.append(
            f"| `{op.name}` | {op.toolset}{default} | {op.title} | {effect} | {op.scope or 'any valid key'} |"
        )
    return "\n".join(rows) + "\n"


def settings_table() -> str:
    """The README's configuration table, from the settings model's fields."""
    rows = ["| Environment variable | Flag | Default | Meaning |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, tuple):
            default = ",".join(default) or "(none)"
        elif isinstance(default, bool):
            default = str(default).lower()
        shown = "(unset)" if default is None else default if default == "(none)" else f"`{default}`"
        flag = f"`--{name.replace('_', '-')}`" if name in FLAGS else ""
        meaning = (field.description or "").rstrip(".")
        meaning = meaning[:1].upper() + meaning[1:] + "."
        rows.append(f"| `{ENV_PREFIX}{name.upper()}` | {flag} | {shown} | {meaning} |")
    return "\n".join(rows) + "\n"


def prompt_table() -> str:
    """The README's prompt table, from the prompt declarations."""
    from server.prompting.prompts import PROMPTS

    rows = ["| Prompt | What it does | Arguments |", "|---|---|---|"]
    for spec in PROMPTS:
        arguments = ", ".join(f"`{a.name}`" + ("" if a.required else " (optional)") for a in spec.arguments)
        rows.append(f"| `{spec.name}` | {spec.description} | {arguments} |")
    return "\n".join(rows) + "\n"


# Where the README's client snippets point: the default `serve` address and a placeholder per client.
_URL = "http://127.0.0.1:8000/mcp"
_COMMAND = "/absolute/path/to/.venv/bin/intervyo-mcp"


def client_blocks() -> dict[str, str]:
    """The README's client snippets, from the functions `serve --sandbox` prints them with."""
    from server import client_configs as c

    return {
        "desktop": "```json\n" + c.desktop([_COMMAND], {"INTERVYO_API_KEY": "iv_live_…"}) + "\n```\n",
        "cursor": "```json\n" + c.cursor(_URL, "${env:INTERVYO_API_KEY}") + "\n```\n",
        "vscode": "```json\n"
        + c.vscode(_URL, "${input:intervyo-api-key}", ask_for="intervyo-api-key")
        + "\n```\n",
        "claude-code": "```sh\n"
        + c.claude_code(_URL, "$INTERVYO_API_KEY")
        + "\n"
        + c.claude_code_stdio([_COMMAND], {"INTERVYO_API_KEY": "$INTERVYO_API_KEY"})
        + "\n```\n",
        "inspector": "```sh\n" + c.inspector(_URL, "$INTERVYO_API_KEY") + "\n```\n",
    }


def readme(text: str) -> str:
    text = replace_block(replace_block(text, "tools", tool_table()), "settings", settings_table())
    for name, body in client_blocks().items():
        text = replace_block(text, f"config:{name}", body)
    return replace_block(text, "prompts", prompt_table())


def manifest(text: str) -> str:
    """manifest.json (MCPB): its version, `tools` and `prompts` from the catalog and the prompt declarations;
    every other field is written by hand."""
    from server import __version__
    from server.prompting.prompts import manifest_prompts

    document = json.loads(text)
    document["version"] = __version__
    document["tools"] = [{"name": op.name, "description": op.title} for op in tools.TOOLS]
    document["tools_generated"] = False
    document["prompts"] = manifest_prompts()
    document["prompts_generated"] = False
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# Where the hosted server answers and where releases are published: stated once, here.
REMOTE_URL = "https://mcp.intervyo.ai/mcp"
REPOSITORY = "https://github.com/intervyo/intervyo-mcp"
SERVER_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json"


def server_json(text: str, bundle_sha256: str | None = None) -> str:
    """server.json, the MCP Registry entry: the hosted remote and the MCPB bundle of this version.

    Name, title, links and version come from manifest.json and the package, the description from
    pyproject (the registry allows 100 characters). The bundle's SHA-256 is that of the released file:
    kept from the current server.json unless `bundle_sha256` (from `--mcpb`) replaces it.
    """
    from server import __version__

    document = json.loads(manifest((ROOT / "manifest.json").read_text()))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    current = json.loads(text) if text.strip() else {}
    packages = current.get("packages") or [{}]
    sha256 = bundle_sha256 or packages[0].get("fileSha256")
    if not sha256:
        raise SystemExit(
            "generate.py: server.json needs the bundle's SHA-256: pass --mcpb <intervyo-mcp.mcpb>"
        )
    release = f"{REPOSITORY}/releases/download/v{__version__}"
    key = "Your intervyo API key (dashboard: Developer > API Keys), starting iv_live_."
    entry = {
        "$schema": SERVER_SCHEMA,
        "name": "ai.intervyo/intervyo",
        "title": document["display_name"],
        "description": project["description"],
        "version": __version__,
        "websiteUrl": document["homepage"],
        "repository": {"url": REPOSITORY, "source": "github"},
        "icons": [
            {
                "src": f"https://raw.githubusercontent.com/intervyo/intervyo-mcp/v{__version__}/{document['icon']}",
                "mimeType": "image/png",
                "sizes": ["512x512"],
            }
        ],
        "remotes": [
            {
                "type": "streamable-http",
                "url": REMOTE_URL,
                "headers": [
                    {
                        "name": "Authorization",
                        "description": key,
                        "value": "Bearer {api_key}",
                        "isRequired": True,
                        "isSecret": True,
                        "variables": {"api_key": {"description": key, "isRequired": True, "isSecret": True}},
                    }
                ],
            }
        ],
        "packages": [
            {
                "registryType": "mcpb",
                "identifier": f"{release}/{document['name']}.mcpb",
                "fileSha256": sha256,
                "transport": {"type": "stdio"},
            }
        ],
    }
    return json.dumps(entry, indent=2, ensure_ascii=False) + "\n"


TARGETS = [
    Target(ROOT / "README.md", readme),
    Target(ROOT / "manifest.json", manifest),
    Target(ROOT / "server.json", server_json),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is out of date")
    parser.add_argument("--mcpb", type=Path, help="the released bundle, whose SHA-256 server.json records")
    options = parser.parse_args(argv)
    sha256 = hashlib.sha256(options.mcpb.read_bytes()).hexdigest() if options.mcpb else None
    stale = []
    for target in TARGETS:
        current = target.path.read_text() if target.path.exists() else ""
        generated = server_json(current, sha256) if target.render is server_json else target.render(current)
        if generated != current:
            stale.append(target.path.relative_to(ROOT))
            if not options.check:
                target.path.write_text(generated)
    if options.check and stale:
        print(f"out of date: {', '.join(map(str, stale))} (run python scripts/generate.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
