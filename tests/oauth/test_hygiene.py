"""Nothing of a key, a code or a token in any log line, through a whole sign-in and its refusals."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from oauth_support import post_mcp, signed_in_site, signed_in_tokens, token_request

from server.logs import RedactKeys

pytestmark = pytest.mark.anyio


async def test_keys_and_tokens_appear_in_no_log_line(
    sandbox: Any, make_settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # httpcore2's DEBUG lines are the test's own client's
    for name in ("server", "mcp", "uvicorn", "starlette"):
        caplog.set_level(logging.DEBUG, logger=name)
    with signed_in_site(make_settings(api_base_url=sandbox.base_url), state_dir=str(tmp_path)) as site:
        client_id, tokens = await signed_in_tokens(site, sandbox.demo_key)
        await post_mcp(site.mcp_url, tokens["access_token"])
        for _ in range(2):  # the second is a replay: the grant is revoked and that is logged
            await token_request(
                site, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client_id
            )
    assert any(
        "grant" in record.getMessage() and "revoked" in record.getMessage() for record in caplog.records
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (sandbox.demo_key, tokens["access_token"], tokens["refresh_token"]):
        assert secret not in logged
    assert "ivo_" not in logged, [line for line in logged.splitlines() if "ivo_" in line]


def test_the_log_filter_masks_oauth_tokens_too() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "got %s", ("ivo_rt_abcDEF-123_x",), None)
    RedactKeys().filter(record)
    assert record.getMessage() == "got iv_[redacted]"
