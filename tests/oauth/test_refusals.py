"""What the authorization server and the resource server refuse, one refusal per test."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx2
import pytest
from oauth_support import (
    REDIRECT_URI,
    Person,
    Site,
    authorize_url,
    code_for,
    documents_server,
    hidden_fields,
    pkce,
    post_mcp,
    register,
    signed_in_site,
    signed_in_tokens,
    token_request,
)

from server.oauth.client_documents import ClientDocumentError, ClientDocuments
from server.oauth.provider import ACCESS_TTL_S

pytestmark = pytest.mark.anyio

BAD_KEY = "iv_live_this_key_does_not_exist_0000"


@pytest.fixture
def site(sandbox: Any, make_settings: Any, tmp_path: Path) -> Any:
    with signed_in_site(make_settings(api_base_url=sandbox.base_url), state_dir=str(tmp_path)) as running:
        yield running


def _stored(state_dir: Path, kind: str) -> int:
    with sqlite3.connect(state_dir / "oauth.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM records WHERE kind = ?", (kind,)).fetchone()[0])


async def _consent_page(site: Site, client_id: str, browser: httpx2.AsyncClient) -> tuple[str, str]:
    """The consent page's URL and HTML for a fresh authorization request."""
    _, challenge = pkce()
    answer = await browser.get(authorize_url(site, client_id, challenge))
    assert answer.status_code == 302, answer.text
    url = urljoin(site.origin, answer.headers["location"])
    page = await browser.get(url)
    assert page.status_code == 200
    return url.split("?")[0], page.text


# -- the resource server ------------------------------------------------------------------------------


async def test_a_token_issued_for_another_resource_is_refused(
    sandbox: Any, make_settings: Any, tmp_path: Path
) -> None:
    settings = make_settings(api_base_url=sandbox.base_url)
    # Two servers sharing one store and secret, each its own resource (its own origin).
    with signed_in_site(settings, state_dir=str(tmp_path)) as first:
        _, tokens = await signed_in_tokens(first, sandbox.demo_key)
        with signed_in_site(settings, state_dir=str(tmp_path)) as second:
            assert first.mcp_url != second.mcp_url
            assert (await post_mcp(first.mcp_url, tokens["access_token"])).status_code == 200
            answer = await post_mcp(second.mcp_url, tokens["access_token"])
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith(
        f'Bearer resource_metadata="{second.origin}/.well-known/oauth-protected-resource/mcp"'
    )


async def test_authorization_for_another_resource_is_refused_with_invalid_target(site: Site) -> None:
    client_id = str((await register(site))["client_id"])
    _, challenge = pkce()
    url = authorize_url(site, client_id, challenge, resource="https://elsewhere.example/mcp")
    async with httpx2.AsyncClient(timeout=10) as browser:
        answer = await browser.get(url)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["invalid_target"] and query["state"] == ["state-1"]
    assert query["iss"] == [site.origin]  # RFC 9207: errors name the issuer too


async def test_an_expired_access_token_is_refused(site: Site, sandbox: Any) -> None:
    _, tokens = await signed_in_tokens(site, sandbox.demo_key)
    assert (await post_mcp(site.mcp_url, tokens["access_token"])).status_code == 200
    site.clock.advance(ACCESS_TTL_S + 1)
    answer = await post_mcp(site.mcp_url, tokens["access_token"])
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]


async def test_a_request_without_credentials_is_told_where_the_resource_metadata_is(site: Site) -> None:
    async with httpx2.AsyncClient(timeout=10) as http:
        answer = await http.post(site.mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        metadata_url = f"{site.origin}/.well-known/oauth-protected-resource/mcp"
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == f'Bearer resource_metadata="{metadata_url}"'
        metadata = (await http.get(metadata_url)).json()
        assert metadata["resource"] == site.mcp_url and metadata["authorization_servers"] == [site.origin]
        server = (await http.get(f"{site.origin}/.well-known/oauth-authorization-server")).json()
    assert server["issuer"] == site.origin
    assert server["client_id_metadata_document_supported"] is True
    assert server["authorization_response_iss_parameter_supported"] is True
    assert "none" in server["token_endpoint_auth_methods_supported"]
    assert server["code_challenge_methods_supported"] == ["S256"]


# -- the token endpoint ---------------------------------------------------------------------------------


async def test_a_reused_refresh_token_revokes_the_whole_grant(site: Site, sandbox: Any) -> None:
    client_id, first = await signed_in_tokens(site, sandbox.demo_key)
    rotated = await token_request(
        site, grant_type="refresh_token", refresh_token=first["refresh_token"], client_id=client_id
    )
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert (await post_mcp(site.mcp_url, second["access_token"])).status_code == 200

    replayed = await token_request(
        site, grant_type="refresh_token", refresh_token=first["refresh_token"], client_id=client_id
    )
    assert replayed.status_code == 400 and replayed.json()["error"] == "invalid_grant"
    # The legitimate holder's newer tokens die with the grant.
    assert (await post_mcp(site.mcp_url, second["access_token"])).status_code == 401
    after = await token_request(
        site, grant_type="refresh_token", refresh_token=second["refresh_token"], client_id=client_id
    )
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"


async def test_a_wrong_pkce_verifier_gets_no_token(site: Site, sandbox: Any) -> None:
    client_id = str((await register(site))["client_id"])
    verifier, challenge = pkce()
    code = await code_for(site, sandbox.demo_key, client_id, challenge)
    wrong, _ = pkce()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": client_id,
    }
    answer = await token_request(site, **form, code_verifier=wrong)
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_grant", "error_description": "incorrect code_verifier"}
    assert "access_token" not in answer.text
    # A code is good for one exchange: the right verifier gets tokens once, then nothing.
    assert (await token_request(site, **form, code_verifier=verifier)).status_code == 200
    assert (await token_request(site, **form, code_verifier=verifier)).status_code == 400


# -- redirect URIs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://attacker.example/callback",
        "http://127.0.0.1:53682/elsewhere",
        "http://localhost:53682/callback",
        "http://127.0.0.1:53682/callback?extra=1",
    ],
)
async def test_an_unregistered_redirect_uri_is_refused_without_redirecting(
    site: Site, redirect_uri: str
) -> None:
    client_id = str((await register(site))["client_id"])
    _, challenge = pkce()
    async with httpx2.AsyncClient(timeout=10) as browser:
        answer = await browser.get(authorize_url(site, client_id, challenge, redirect_uri=redirect_uri))
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert "not registered" in answer.json()["error_description"]


async def test_a_loopback_redirect_uri_may_use_any_port(site: Site) -> None:
    client_id = str((await register(site))["client_id"])
    _, challenge = pkce()
    async with httpx2.AsyncClient(timeout=10) as browser:
        url = authorize_url(site, client_id, challenge, redirect_uri="http://127.0.0.1:61000/callback")
        answer = await browser.get(url)
    assert answer.status_code == 302
    assert answer.headers["location"].startswith(f"{site.origin}/oauth/consent?request=")


async def test_an_unknown_client_is_refused(site: Site) -> None:
    _, challenge = pkce()
    async with httpx2.AsyncClient(timeout=10) as browser:
        answer = await browser.get(authorize_url(site, "no-such-client", challenge))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


# -- client metadata documents -----------------------------------------------------------------------


async def test_a_client_metadata_document_on_a_private_address_is_never_fetched(site: Site) -> None:
    with documents_server() as documents:
        url = documents.url("/clients/private.json")
        documents.documents["/clients/private.json"] = {"client_id": url, "redirect_uris": [REDIRECT_URI]}
        _, challenge = pkce()
        async with httpx2.AsyncClient(timeout=10) as browser:
            answer = await browser.get(authorize_url(site, url, challenge))
        assert answer.status_code == 400
        assert documents.requests == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://10.1.2.3/client.json", "private or reserved"),
        ("https://169.254.169.254/latest/meta-data", "private or reserved"),
        ("https://[::1]/client.json", "private or reserved"),
        ("https://localhost/client.json", "private or reserved"),
        ("http://client.example/client.json", "https"),
        ("https://client.example/", "https with a path"),
        ("https://user:pw@client.example/c.json", "credentials"),
    ],
)
async def test_client_metadata_documents_are_fenced(url: str, why: str) -> None:
    documents = ClientDocuments()
    with pytest.raises(ClientDocumentError, match=why):
        await documents.load(url)
    await documents.aclose()


async def test_a_client_metadata_document_must_be_served_as_json() -> None:
    with documents_server() as server:
        url = server.url("/clients/text.json")
        server.documents["/clients/text.json"] = json.dumps(
            {"client_id": url, "redirect_uris": [REDIRECT_URI]}
        )
        documents = ClientDocuments(allow_private=True, tls=server.tls)
        with pytest.raises(ClientDocumentError, match="not served as JSON"):
            await documents.load(url)
        await documents.aclose()


async def test_a_client_metadata_document_must_name_itself(sandbox: Any) -> None:
    with documents_server() as server:
        url = server.url("/clients/liar.json")
        server.documents["/clients/liar.json"] = {
            "client_id": "https://claude.ai/oauth/client.json",
            "redirect_uris": [REDIRECT_URI],
        }
        documents = ClientDocuments(allow_private=True, tls=server.tls)
        with pytest.raises(ClientDocumentError, match="client_id is not its own URL"):
            await documents.load(url)
        await documents.aclose()


# -- the consent page ----------------------------------------------------------------------------------


async def test_a_bad_key_gets_the_page_again_with_a_clear_message_and_nothing_stored(
    site: Site, sandbox: Any, tmp_path: Path
) -> None:
    client_id = str((await register(site))["client_id"])
    async with httpx2.AsyncClient(timeout=10) as browser:
        action, html = await _consent_page(site, client_id, browser)
        form = Person(BAD_KEY).form(html)
        answer = await browser.post(action, data=form)
        assert answer.status_code == 400
        assert "intervyo did not accept that API key" in answer.text
        assert 'role="alert"' in answer.text and 'aria-invalid="true"' in answer.text
        assert BAD_KEY not in answer.text
        assert _stored(tmp_path, "code") == 0 and _stored(tmp_path, "grant") == 0
        # The same request still completes with the right key.
        retry = await browser.post(
            action, data={**form, **hidden_fields(answer.text), "api_key": sandbox.demo_key}
        )
    assert retry.status_code == 303
    query = parse_qs(urlsplit(retry.headers["location"]).query)
    assert query["code"][0].startswith("ivo_ac_") and query["iss"] == [site.origin]


async def test_a_consent_post_without_its_csrf_token_is_refused(
    site: Site, sandbox: Any, tmp_path: Path
) -> None:
    client_id = str((await register(site))["client_id"])
    async with httpx2.AsyncClient(timeout=10) as browser:
        action, html = await _consent_page(site, client_id, browser)
        form = Person(sandbox.demo_key).form(html)
        del form["csrf_token"]
        answer = await browser.post(action, data=form)
        assert answer.status_code == 403
        assert "did not come from this page" in answer.text
    # The token without the browser's cookie (another site posting the form) is refused too.
    async with httpx2.AsyncClient(timeout=10) as elsewhere:
        answer = await elsewhere.post(action, data=Person(sandbox.demo_key).form(html))
        assert answer.status_code == 403
    assert _stored(tmp_path, "code") == 0 and _stored(tmp_path, "grant") == 0


async def test_the_consent_page_cannot_be_framed_or_cached(site: Site) -> None:
    client_id = str((await register(site))["client_id"])
    async with httpx2.AsyncClient(timeout=10) as browser:
        _, challenge = pkce()
        answer = await browser.get(authorize_url(site, client_id, challenge))
        page = await browser.get(urljoin(site.origin, answer.headers["location"]))
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "form-action 'self' http://127.0.0.1:53682" in policy
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    assert 'name="api_key"' in page.text and '<label for="api_key">' in page.text


async def test_denying_sends_access_denied_back_to_the_client(site: Site) -> None:
    client_id = str((await register(site))["client_id"])
    async with httpx2.AsyncClient(timeout=10) as browser:
        action, html = await _consent_page(site, client_id, browser)
        answer = await browser.post(action, data={**hidden_fields(html), "decision": "deny"})
    assert answer.status_code == 303
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["access_denied"] and query["iss"] == [site.origin]


@pytest.mark.parametrize(
    "redirect_uri", ["http://attacker.example/callback", "https://app.example/cb#frag", "javascript:alert(1)"]
)
async def test_registration_refuses_redirect_uris_oauth_forbids(site: Site, redirect_uri: str) -> None:
    body = {"redirect_uris": [redirect_uri], "token_endpoint_auth_method": "none"}
    async with httpx2.AsyncClient(timeout=10) as http:
        answer = await http.post(site.origin + "/register", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"] in ("invalid_redirect_uri", "invalid_client_metadata")


async def test_a_confidential_client_registers_and_authenticates_with_its_secret(
    site: Site, sandbox: Any
) -> None:
    registered = await register(site, token_endpoint_auth_method="client_secret_post")
    client_id, secret = str(registered["client_id"]), str(registered["client_secret"])
    verifier, challenge = pkce()
    code = await code_for(site, sandbox.demo_key, client_id, challenge)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": client_id,
    }
    refused = await token_request(site, **form, code_verifier=verifier, client_secret="not-the-secret")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    granted = await token_request(site, **form, code_verifier=verifier, client_secret=secret)
    assert granted.status_code == 200, granted.text


async def test_nothing_secret_is_stored_in_the_clear(site: Site, sandbox: Any, tmp_path: Path) -> None:
    registered = await register(site, token_endpoint_auth_method="client_secret_post")
    _, tokens = await signed_in_tokens(site, sandbox.demo_key)
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("oauth.sqlite3*"))
    assert stored and b"ivo_" not in stored
    for secret in (
        sandbox.demo_key,
        tokens["access_token"],
        tokens["refresh_token"],
        registered["client_secret"],
    ):
        assert secret.encode() not in stored


async def test_a_client_asking_to_read_one_area_cannot_be_given_more_by_a_tampered_form(
    site: Site, sandbox: Any
) -> None:
    client_id = str((await register(site))["client_id"])
    verifier, challenge = pkce()
    url = authorize_url(site, client_id, challenge) + "&scope=intervyo%3Aread+intervyo%3Atoolset%3Asessions"
    async with httpx2.AsyncClient(timeout=10) as browser:
        answer = await browser.get(url)
        page = await browser.get(urljoin(site.origin, answer.headers["location"]))
        assert 'name="allow_writes"' not in page.text and "Read-only" in page.text
        assert re.findall(r'name="toolset" value="([a-z_]+)"', page.text) == ["sessions"]
        form = {
            **Person(sandbox.demo_key).form(page.text),
            "allow_writes": "on",
            "toolset": ["sessions", "participants"],
        }
        answer = await browser.post(site.origin + "/oauth/consent", data=form)
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    granted = await token_request(
        site,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        client_id=client_id,
        code_verifier=verifier,
    )
    assert granted.json()["scope"] == "intervyo:read intervyo:toolset:sessions"


async def test_a_sign_in_left_open_too_long_must_start_again(site: Site) -> None:
    client_id = str((await register(site))["client_id"])
    _, challenge = pkce()
    async with httpx2.AsyncClient(timeout=10) as browser:
        answer = await browser.get(authorize_url(site, client_id, challenge))
        site.clock.advance(16 * 60)
        page = await browser.get(urljoin(site.origin, answer.headers["location"]))
    assert page.status_code == 400 and "expired" in page.text


async def test_an_oversized_consent_post_is_refused_unread(site: Site) -> None:
    async with httpx2.AsyncClient(timeout=10) as browser:
        answer = await browser.post(site.origin + "/oauth/consent", data={"api_key": "x" * 100_000})
    assert answer.status_code == 413
