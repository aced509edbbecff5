"""server.json, the MCP Registry entry, is valid against the registry's published schema and says what
manifest.json and the package say (generated from them: `scripts/generate.py`, drift-checked by
tests/server/test_generated_files.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from server import __version__

ROOT = Path(__file__).resolve().parents[2]
# The registry's schema as published (static.modelcontextprotocol.io/schemas/2025-09-29), vendored.
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "server.schema.json").read_text())
ENTRY = json.loads((ROOT / "server.json").read_text())
MANIFEST = json.loads((ROOT / "manifest.json").read_text())


def test_server_json_is_valid_against_the_registry_schema() -> None:
    Draft7Validator.check_schema(SCHEMA)
    errors = sorted(Draft7Validator(SCHEMA, format_checker=FormatChecker()).iter_errors(ENTRY), key=str)
    assert errors == [], [error.message for error in errors]
    assert ENTRY["$schema"] == SCHEMA["$id"]


def test_the_schema_catches_what_the_registry_refuses() -> None:
    validator = Draft7Validator(SCHEMA, format_checker=FormatChecker())
    for broken in (
        {**ENTRY, "name": "no-namespace"},
        {**ENTRY, "description": "x" * 101},
        {**ENTRY, "packages": [{**ENTRY["packages"][0], "fileSha256": "not-a-sha"}]},
    ):
        assert not validator.is_valid(broken)


def test_the_entry_offers_the_remote_and_this_versions_bundle() -> None:
    assert ENTRY["version"] == __version__ == MANIFEST["version"]
    assert ENTRY["title"] == MANIFEST["display_name"] and ENTRY["websiteUrl"] == MANIFEST["homepage"]
    (remote,) = ENTRY["remotes"]
    assert remote["type"] == "streamable-http" and remote["url"].startswith("https://")
    (header,) = remote["headers"]
    assert header["name"] == "Authorization" and header["isSecret"] is True
    (bundle,) = ENTRY["packages"]
    assert bundle["registryType"] == "mcpb" and bundle["transport"] == {"type": "stdio"}
    assert bundle["identifier"].endswith(f"/v{__version__}/{MANIFEST['name']}.mcpb")
    assert re.fullmatch(r"[a-f0-9]{64}", bundle["fileSha256"])


@pytest.mark.parametrize("icon", ENTRY["icons"], ids=lambda icon: icon["src"].rsplit("/", 1)[-1])
def test_the_entry_icon_is_the_bundle_icon(icon: dict[str, object]) -> None:
    assert str(icon["src"]).endswith("/" + MANIFEST["icon"]) and (ROOT / MANIFEST["icon"]).is_file()
