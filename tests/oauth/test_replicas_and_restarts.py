"""Grants outlive the process and are shared by replicas: SQLite across a restart, Redis across replicas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from oauth_support import post_mcp, signed_in_site, signed_in_tokens, token_request

pytestmark = pytest.mark.anyio

# Both "replicas" stand behind one public origin, as they would behind a load balancer.
PUBLIC_URL = "http://localhost:8931"
SECRET = "a-test-secret-that-is-long-enough-for-aes-gcm-0123456789"


async def test_a_restart_on_the_same_sqlite_file_loses_no_grant(
    sandbox: Any, make_settings: Any, tmp_path: Path
) -> None:
    settings = make_settings(api_base_url=sandbox.base_url)
    with signed_in_site(settings, public_url=PUBLIC_URL, state_dir=str(tmp_path)) as before:
        client_id, tokens = await signed_in_tokens(before, sandbox.demo_key)
    with signed_in_site(settings, public_url=PUBLIC_URL, state_dir=str(tmp_path)) as after:
        assert (await post_mcp(after.mcp_url, tokens["access_token"])).status_code == 200
        refreshed = await token_request(
            after, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client_id
        )
        assert refreshed.status_code == 200, refreshed.text
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "oauth.sqlite3").stat().st_mode & 0o077 == 0


@pytest.mark.redis
async def test_a_token_issued_by_one_replica_is_accepted_by_the_other(
    sandbox: Any, make_settings: Any, tmp_path: Path, redis_url: str
) -> None:
    settings = make_settings(api_base_url=sandbox.base_url, redis_url=redis_url, secret_key=SECRET)
    with (
        signed_in_site(settings, public_url=PUBLIC_URL, state_dir=str(tmp_path / "a")) as a,
        signed_in_site(settings, public_url=PUBLIC_URL, state_dir=str(tmp_path / "b")) as b,
    ):
        client_id, tokens = await signed_in_tokens(a, sandbox.demo_key)
        assert (await post_mcp(b.mcp_url, tokens["access_token"])).status_code == 200
        # Rotated on B, the old refresh token replayed on A: the grant ends on both.
        rotated = await token_request(
            b, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client_id
        )
        assert rotated.status_code == 200
        replayed = await token_request(
            a, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client_id
        )
        assert replayed.status_code == 400
        assert (await post_mcp(b.mcp_url, rotated.json()["access_token"])).status_code == 401
    assert not (tmp_path / "a" / "oauth.sqlite3").exists()
