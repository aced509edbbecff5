"""`/oauth/grants`: a person signs in with their key, sees the apps holding a grant, revokes one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import pytest
from oauth_support import Site, hidden_fields, post_mcp, signed_in_site, signed_in_tokens

pytestmark = pytest.mark.anyio


@pytest.fixture
def site(sandbox: Any, make_settings: Any, tmp_path: Path) -> Any:
    with signed_in_site(make_settings(api_base_url=sandbox.base_url), state_dir=str(tmp_path)) as running:
        yield running


async def _signed_in(browser: httpx2.AsyncClient, site: Site, key: str) -> httpx2.Response:
    page = await browser.get(site.origin + "/oauth/grants")
    form = {**hidden_fields(page.text), "api_key": key}
    answer = await browser.post(site.origin + "/oauth/grants", data=form)
    assert answer.status_code == 303, answer.text
    return await browser.get(site.origin + "/oauth/grants")


async def test_the_grants_page_lists_a_persons_grants_and_revokes_one(site: Site, sandbox: Any) -> None:
    _, tokens = await signed_in_tokens(site, sandbox.demo_key)
    assert (await post_mcp(site.mcp_url, tokens["access_token"])).status_code == 200
    async with httpx2.AsyncClient(timeout=10) as browser:
        listing = await _signed_in(browser, site, sandbox.demo_key)
        assert "Hand-driven client" in listing.text and "Read and change" in listing.text
        assert sandbox.demo_key not in listing.text
        grant_id = next(v for k, v in hidden_fields(listing.text).items() if k == "grant_id")
        form = {**hidden_fields(listing.text), "action": "revoke", "grant_id": grant_id}
        revoked = await browser.post(site.origin + "/oauth/grants", data=form, follow_redirects=True)
        assert "Revoked." in revoked.text and "No app is connected" in revoked.text
    assert (await post_mcp(site.mcp_url, tokens["access_token"])).status_code == 401


async def test_someone_else_sees_and_revokes_nothing_of_anothers(site: Site, sandbox: Any) -> None:
    _, tokens = await signed_in_tokens(site, sandbox.demo_key)
    async with httpx2.AsyncClient(timeout=10) as mine, httpx2.AsyncClient(timeout=10) as theirs:
        grant_id = hidden_fields((await _signed_in(mine, site, sandbox.demo_key)).text)["grant_id"]
        listing = await _signed_in(theirs, site, sandbox.other_key)
        assert "No app is connected" in listing.text
        form = {**hidden_fields(listing.text), "action": "revoke", "grant_id": grant_id}
        await theirs.post(site.origin + "/oauth/grants", data=form)
    assert (await post_mcp(site.mcp_url, tokens["access_token"])).status_code == 200


async def test_the_grants_page_refuses_a_wrong_key_and_a_post_without_csrf(site: Site) -> None:
    async with httpx2.AsyncClient(timeout=10) as browser:
        page = await browser.get(site.origin + "/oauth/grants")
        wrong = await browser.post(
            site.origin + "/oauth/grants",
            data={**hidden_fields(page.text), "api_key": "iv_live_wrong_key_00000"},
        )
        assert wrong.status_code == 400 and "intervyo did not accept that API key" in wrong.text
        forged = await browser.post(site.origin + "/oauth/grants", data={"action": "signin", "api_key": "x"})
        assert forged.status_code == 403
        assert "set-cookie" not in forged.headers or "intervyo_grants=" not in forged.headers["set-cookie"]
