"""The OAuth settings, what the command refuses, and `serve --sandbox` with sign-in on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import OAuthClientMetadata
from oauth_support import MemoryTokens, Person, signed_in_client
from pydantic import AnyUrl

from server.cli import main
from server.oauth.crypto import OAuthConfigError, load_secret
from server.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://MCP.example.com/", "https://mcp.example.com"),
        ("https://mcp.example.com:8443", "https://mcp.example.com:8443"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://localhost:8000/", "http://localhost:8000"),
    ],
)
def test_a_public_url_is_kept_as_an_origin(monkeypatch: pytest.MonkeyPatch, given: str, kept: str) -> None:
    monkeypatch.setenv("INTERVYO_PUBLIC_URL", given)
    assert Settings.load().public_url == kept


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("http://mcp.example.com", "must be https unless the host is loopback"),
        ("https://mcp.example.com/intervyo", "without a path"),
        ("mcp.example.com", "http(s) origin"),
    ],
)
def test_a_public_url_that_cannot_be_an_issuer_is_refused(
    monkeypatch: pytest.MonkeyPatch, given: str, why: str
) -> None:
    monkeypatch.setenv("INTERVYO_PUBLIC_URL", given)
    with pytest.raises(SettingsError, match="INTERVYO_PUBLIC_URL") as raised:
        Settings.load()
    assert why in str(raised.value)


def test_serving_oauth_publicly_without_a_secret_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("INTERVYO_SECRET_KEY", raising=False)
    status = main(["serve", "--public-url", "https://mcp.example.com", "--port", "0"])
    assert status == 2
    error = capsys.readouterr().err
    assert "needs INTERVYO_SECRET_KEY" in error and len(error.strip().splitlines()) == 1


def test_a_secret_is_generated_once_on_loopback_and_refused_short_or_missing_elsewhere(
    tmp_path: Path,
) -> None:
    first = load_secret(None, tmp_path, loopback=True)
    assert load_secret(None, tmp_path, loopback=True) == first and len(first) >= 32
    with pytest.raises(OAuthConfigError, match="needs INTERVYO_SECRET_KEY"):
        load_secret(None, tmp_path, loopback=False)
    with pytest.raises(OAuthConfigError, match="at least 32 characters"):
        load_secret("short", tmp_path, loopback=False)


@pytest.mark.anyio
async def test_serve_with_the_sandbox_lets_a_client_sign_in_with_the_demo_key() -> None:
    command = [sys.executable, "-m", "server", "serve", "--sandbox", "--port", "0", "--log-level", "warning"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    ) as process:
        try:
            assert process.stdout is not None
            printed: list[str] = []
            with anyio.fail_after(30):
                while not any(line.startswith("Ctrl-C") for line in printed):
                    line = await anyio.to_thread.run_sync(process.stdout.readline)
                    assert line, "the server exited before it was ready"
                    printed.append(line)
            url = next(line.split()[2] for line in printed if line.startswith("MCP endpoint:"))
            key = next(line.split()[2] for line in printed if line.startswith("API key:"))
            assert any(f"take {url};" in line for line in printed)
            async with httpx2.AsyncClient(timeout=10) as http:
                answer = await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
            assert answer.status_code == 401 and "resource_metadata=" in answer.headers["www-authenticate"]

            person, tokens = Person(key), MemoryTokens()
            metadata = OAuthClientMetadata(
                redirect_uris=[AnyUrl("http://127.0.0.1:53682/callback")], token_endpoint_auth_method="none"
            )
            auth = OAuthClientProvider(url, metadata, tokens, person.open, person.come_back)
            async with signed_in_client(auth, url) as client:
                result = await client.call_tool("list_agent_profiles", {"page_size": 1})
            assert not result.is_error
        finally:
            process.terminate()
            process.wait(timeout=15)
