"""The whole sign-in, driven by the MCP SDK's own OAuth client against our server and the sandbox.

Discovery from the 401, registration (Dynamic Client Registration, and a Client ID Metadata Document
served over https from this test), authorization, the consent form posted with the sandbox's demo key,
the token exchange, `tools/list` and a tool call, a refresh, and revocation ending it all.
"""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest
from mcp.shared.exceptions import MCPError
from oauth_support import (
    REDIRECT_URI,
    MemoryTokens,
    Person,
    client_auth,
    documents_server,
    post_mcp,
    signed_in_client,
    signed_in_site,
)

from server.oauth.provider import ACCESS_TTL_S

pytestmark = pytest.mark.anyio


async def _use_then_refresh_then_revoke(site: Any, person: Person, auth: Any, tokens: MemoryTokens) -> None:
    async with signed_in_client(auth, site.mcp_url) as client:
        listed = await client.list_tools()
        names = {tool.name for tool in listed.tools}
        assert "list_agent_profiles" in names and "create_agent_profile" in names
        result = await client.call_tool("list_agent_profiles", {"page_size": 1})
        assert not result.is_error, result.content
        first = tokens.tokens
        assert first is not None and first.access_token.startswith("ivo_at_")
        assert first.refresh_token is not None and first.refresh_token.startswith("ivo_rt_")

        # An hour later: the server no longer takes the access token, the client knows to refresh.
        site.clock.advance(ACCESS_TTL_S + 1)
        auth.context.token_expiry_time = time.time() - 1
        result = await client.call_tool("list_agent_profiles", {"page_size": 1})
        assert not result.is_error, result.content
        second = tokens.tokens
        assert second is not None and second.access_token != first.access_token
        assert second.refresh_token != first.refresh_token
        assert len(person.consent_pages) == 1  # refreshed, not signed in again

    assert (await post_mcp(site.mcp_url, first.access_token)).status_code == 401
    assert (await post_mcp(site.mcp_url, second.access_token)).status_code == 200

    async with httpx2.AsyncClient(timeout=10) as http:
        assert tokens.client is not None
        revoked = await http.post(
            site.origin + "/revoke",
            data={"token": second.access_token, "client_id": tokens.client.client_id},
        )
    assert revoked.status_code == 200
    answer = await post_mcp(site.mcp_url, second.access_token)
    assert answer.status_code == 401
    assert 'resource_metadata="' in answer.headers["www-authenticate"]
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]


async def test_sdk_client_signs_in_with_dynamic_registration_uses_tools_refreshes_and_is_revoked(
    sandbox: Any, make_settings: Any, tmp_path: Any
) -> None:
    with signed_in_site(make_settings(api_base_url=sandbox.base_url), state_dir=str(tmp_path)) as site:
        person, tokens = Person(sandbox.demo_key), MemoryTokens()
        auth = client_auth(site, person, tokens)
        await _use_then_refresh_then_revoke(site, person, auth, tokens)
        assert tokens.client is not None and not tokens.client.client_id.startswith("https://")
        assert "Flow test client" in person.consent_pages[0]
        assert "its name is not verified" in person.consent_pages[0]


async def test_sdk_client_signs_in_with_a_client_id_metadata_document(
    sandbox: Any, make_settings: Any, tmp_path: Any
) -> None:
    with documents_server() as documents:
        url = documents.url("/clients/flow.json")
        documents.documents["/clients/flow.json"] = {
            "client_id": url,
            "client_name": "Document client",
            "redirect_uris": [REDIRECT_URI],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        }
        settings = make_settings(api_base_url=sandbox.base_url)
        with signed_in_site(
            settings, state_dir=str(tmp_path), oauth_allow_private_client_documents=True, tls=documents.tls
        ) as site:
            person, tokens = Person(sandbox.demo_key), MemoryTokens()
            auth = client_auth(site, person, tokens, document_url=url)
            await _use_then_refresh_then_revoke(site, person, auth, tokens)
        assert tokens.client is not None and tokens.client.client_id == url
        assert "Document client" in person.consent_pages[0]
        assert "identified by <strong>127.0.0.1:" in person.consent_pages[0]
        assert documents.requests and set(documents.requests) == {"/clients/flow.json"}


async def test_a_read_only_grant_of_one_area_narrows_tools_like_the_headers(
    sandbox: Any, make_settings: Any, tmp_path: Any
) -> None:
    with signed_in_site(make_settings(api_base_url=sandbox.base_url), state_dir=str(tmp_path)) as site:
        person = Person(sandbox.demo_key, allow_writes=False, toolsets=["agent_profiles"])
        tokens = MemoryTokens()
        async with signed_in_client(client_auth(site, person, tokens), site.mcp_url) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            assert names == {"list_agent_profiles", "get_agent_profile"}
            # Hidden is uncallable, exactly as under --read-only/--toolsets.
            with pytest.raises(MCPError, match="Unknown tool: create_agent_profile"):
                await client.call_tool("create_agent_profile", {"name": "x"})
        assert tokens.tokens is not None
        assert tokens.tokens.scope == "intervyo:read intervyo:toolset:agent_profiles"
