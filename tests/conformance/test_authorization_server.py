"""The conformance suite's authorization-server scenarios against our own OAuth sign-in.

`conformance authorization` checks the RFC 8414 metadata endpoint and one authorization code grant with
PKCE: it prints the authorization URL for a person to open, waits for the redirect on its own callback
server (http://127.0.0.1:<port>/callback), then exchanges the code. The person here is this test: it
registers the suite's redirect URI (DCR), opens the printed URL, posts the consent form with the
sandbox's demo key and delivers the redirect to the suite's callback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import anyio
import httpx2
import pytest
from http_app import running
from node_tools import CONFORMANCE, NODE

from server.http.binding import bind

pytestmark = pytest.mark.anyio

_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _consent_and_deliver(authorization_url: str, key: str) -> None:
    async with httpx2.AsyncClient(timeout=20) as browser:
        answer = await browser.get(authorization_url)
        assert answer.status_code == 302, answer.text
        consent = urljoin(authorization_url, answer.headers["location"])
        page = await browser.get(consent)
        offered = re.findall(r'name="toolset" value="([a-z_]+)"', page.text)
        form = {**dict(_HIDDEN.findall(page.text)), "api_key": key, "decision": "allow", "toolset": offered}
        answer = await browser.post(consent.split("?")[0], data=form)
        assert answer.status_code == 303, answer.text
        await browser.get(answer.headers["location"])  # the suite's callback server


async def test_the_conformance_suite_authorization_scenarios_pass(
    sandbox: Any, make_settings: Any, tmp_path: Path
) -> None:
    if shutil.which("npx") is None:
        pytest.fail("npx is not installed: the conformance checks need Node.js and npm")
    sock = bind("127.0.0.1", 0)
    issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = make_settings(
        api_base_url=sandbox.base_url, public_url=issuer, state_dir=str(tmp_path / "state")
    )
    callback_port = _free_port()
    with running(settings, sock=sock):
        async with httpx2.AsyncClient(timeout=10) as http:
            registered = await http.post(
                issuer + "/register",
                json={
                    "redirect_uris": [f"http://127.0.0.1:{callback_port}/callback"],
                    "token_endpoint_auth_method": "none",
                    "client_name": "MCP conformance suite",
                },
            )
        assert registered.status_code == 201, registered.text
        out = tmp_path / "out"
        command = [
            "npx", "-y", "-p", NODE, "-p", CONFORMANCE, "--", "conformance", "authorization",
            "--url", issuer, "--client-id", registered.json()["client_id"], "--resource", f"{issuer}/mcp",
            "--port", str(callback_port), "-o", str(out),
        ]  # fmt: skip
        env = {**os.environ, "HOME": str(tmp_path), "NO_COLOR": "1", "npm_config_update_notifier": "false"}
        env["NPM_CONFIG_CACHE"] = os.environ.get("NPM_CONFIG_CACHE", os.path.expanduser("~/.npm"))
        with subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as suite:
            assert suite.stdout is not None
            printed: list[str] = []
            try:
                with anyio.fail_after(300):
                    while not any(line.startswith(f"{issuer}/authorize?") for line in printed):
                        line = await anyio.to_thread.run_sync(suite.stdout.readline)
                        assert line, "the suite ended before asking for authorization:\n" + "".join(printed)
                        printed.append(line)
                    url = next(line.strip() for line in printed if line.startswith(f"{issuer}/authorize?"))
                    await _consent_and_deliver(url, sandbox.demo_key)
                    rest = await anyio.to_thread.run_sync(suite.stdout.read)
                    code = await anyio.to_thread.run_sync(suite.wait)
            finally:
                if suite.poll() is None:
                    suite.terminate()
                    suite.wait(15)
    report = "".join(printed) + rest
    assert code == 0, report[-3000:]
    checks = [check for path in out.glob("*/checks.json") for check in json.loads(path.read_text())]
    by_id = {check["id"]: check["status"] for check in checks}
    assert by_id.get("authorization-code-grant") == "SUCCESS", report[-3000:]
    assert checks and all(check["status"] in ("SUCCESS", "INFO") for check in checks), by_id
    print(f"conformance authorization: {by_id}")
