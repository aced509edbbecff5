"""OAuth 2.1 sign-in, so remote MCP clients (Claude's custom connectors, ChatGPT, VS Code) can connect
with each user's own intervyo key behind a token.

intervyo itself only issues API keys, so this server is its own authorization server: the person pastes
their key once on a consent page, the key is checked with intervyo and kept sealed in a grant, and the
client gets tokens that stand for it. The modules, one concept each:

    front_door        `OAuth`: routes, `resolve(token) -> Grant`, the 401 challenge (what the app uses)
    metadata          RFC 9728 resource metadata, RFC 8414 server metadata, the WWW-Authenticate value
    provider          the SDK's provider protocol: parked requests, codes, grants, token rotation, revocation
    clients           the rules every client is held to (redirect URIs, scopes); DCR registrations
    client_documents  Client ID Metadata Documents, fetched behind SSRF fences and cached
    consent           the consent page (`/oauth/consent`)
    grants_page       the person's connections and revoking them (`/oauth/grants`)
    revocation        `POST /revoke` (RFC 7009), public clients included
    issuer_param      RFC 9207 `iss` on /authorize's error redirects too
    key_check         is this intervyo key real (one cheap read)
    csrf              signed double-submit tokens for the pages' forms
    pages             the pages' layout and security headers
    scopes            the scope vocabulary and what it narrows
    crypto            the secret, AES-GCM sealing, HMAC signing, random tokens and their hashes
    store             the `Store` seam and its SQLite implementation
    redis_store       the same in Redis, for replicas
"""

from __future__ import annotations

from server.oauth.crypto import OAuthConfigError
from server.oauth.front_door import TOKEN_PREFIX, Grant, OAuth, is_loopback_url, is_oauth_token

__all__ = ["TOKEN_PREFIX", "Grant", "OAuth", "OAuthConfigError", "is_loopback_url", "is_oauth_token"]
