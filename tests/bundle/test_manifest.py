"""manifest.json: valid for the official MCPB validator, the key passed as a secret, prompts usable as
declared. That its tools and prompts are the server's is `scripts/generate.py --check`'s
(test_generated_files)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from mcp import Client

from server.app import build_server
from server.settings import Settings
from server.upstream.client import Upstream

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "manifest.json").read_text())


@pytest.mark.node
def test_official_validator_accepts_the_manifest(tmp_path: Path) -> None:
    run = subprocess.run(
        ["npx", "-y", "@anthropic-ai/mcpb@2.1.2", "validate", str(ROOT / "manifest.json")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Manifest schema validation passes!" in run.stdout


def test_the_api_key_is_a_sensitive_user_setting_passed_only_through_the_environment() -> None:
    api_key = MANIFEST["user_config"]["api_key"]
    assert api_key["sensitive"] is True and api_key["type"] == "string"
    config = MANIFEST["server"]["mcp_config"]
    assert config["env"]["INTERVYO_API_KEY"] == "${user_config.api_key}"
    assert not any("api_key" in arg for arg in config["args"])


@pytest.mark.anyio
async def test_each_prompt_in_the_manifest_puts_its_required_arguments_in_its_text() -> None:
    settings = Settings(api_key="iv_live_unused", toolsets=("all",))
    async with Upstream(settings) as upstream, Client(build_server(settings, upstream)) as client:
        prompts = (await client.list_prompts()).prompts
    for declared, prompt in zip(MANIFEST["prompts"], prompts, strict=True):
        assert declared["name"] == prompt.name
        assert declared["arguments"] == [argument.name for argument in prompt.arguments or []]
        for argument in prompt.arguments or []:
            if argument.required:
                assert f"${{arguments.{argument.name}}}" in declared["text"]
