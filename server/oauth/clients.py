"""Registered clients: the rules every client is held to, and the ones registered dynamically.

Two ways a client becomes known: Dynamic Client Registration (RFC 7591, `POST /register`, the SDK's
handler; the record is kept here, its secret sealed) and Client ID Metadata Documents (the client id
is an https URL, fetched by `server.oauth.client_documents`). Both end up as a `Client`, which checks
redirect URIs exactly, except that a loopback redirect's port is free (RFC 8252 §7.3: native apps
listen on whatever port they get), and which reads requested scopes against this server's vocabulary
(`server.oauth.scopes`) rather than the client's registration.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from mcp.shared.auth import InvalidRedirectUriError, OAuthClientInformationFull
from pydantic import AnyUrl

from server.oauth import scopes
from server.oauth.crypto import Crypto
from server.oauth.store import Store

__all__ = ["Client", "Registrations", "redirect_problem"]

_LOOPBACK = frozenset({"127.0.0.1", "[::1]", "::1", "localhost"})


class Client(OAuthClientInformationFull):
    """A client as this authorization server sees it."""

    def validate_redirect_uri(self, redirect_uri: AnyUrl | None) -> AnyUrl:
        registered = self.redirect_uris or []
        if redirect_uri is None:
            if len(registered) == 1:
                return registered[0]
            raise InvalidRedirectUriError("redirect_uri is required: the client registered several")
        if any(_same_redirect(str(redirect_uri), str(known)) for known in registered):
            return redirect_uri
        raise InvalidRedirectUriError(f"redirect_uri {redirect_uri} is not registered for this client")

    def validate_scope(self, requested_scope: str | None) -> list[str] | None:
        # RFC 6749 §3.3: the server may grant less than asked; unknown scopes are dropped, not fatal
        # (clients register scopes of their own), and the consent page decides what is granted.
        if requested_scope is None:
            return None
        return [scope for scope in requested_scope.split() if scope in scopes.SUPPORTED_SET]

    @property
    def display_name(self) -> str:
        return self.client_name or self.client_id

    @property
    def is_document(self) -> bool:
        return self.client_id.startswith("https://")


def redirect_problem(uris: list[AnyUrl] | None) -> str | None:
    """Why a client's redirect URIs cannot be registered (OAuth 2.1 §2.3.1), or None when they can:
    https, a loopback http address, or an app's own scheme; never a fragment, never plain http elsewhere."""
    if not uris:
        return "at least one redirect_uri is required"
    for uri in uris:
        parts = urlsplit(str(uri))
        if parts.fragment:
            return f"redirect_uri {uri} must not have a fragment"
        if parts.scheme == "http" and _host(parts.netloc) not in _LOOPBACK:
            return f"redirect_uri {uri} must be https unless it is a loopback address"
        if parts.scheme in ("javascript", "data", "file", "vbscript"):
            return f"redirect_uri {uri} has a scheme that cannot be a redirect"
    return None


def _same_redirect(asked: str, registered: str) -> bool:
    if asked == registered:
        return True
    a, r = urlsplit(asked), urlsplit(registered)
    # Only a loopback http redirect may differ, and only in its port.
    return (
        a.scheme == r.scheme == "http"
        and a.hostname is not None
        and _host(a.netloc) in _LOOPBACK
        and _host(a.netloc) == _host(r.netloc)
        and (a.path or "/") == (r.path or "/")
        and a.query == r.query
        and not a.fragment
        and "@" not in a.netloc
    )


def _host(netloc: str) -> str:
    if netloc.startswith("["):
        return netloc[: netloc.find("]") + 1]
    return netloc.rsplit(":", 1)[0] if ":" in netloc else netloc


class Registrations:
    """Clients registered through `POST /register`, in the store (their secrets sealed)."""

    def __init__(self, store: Store, crypto: Crypto) -> None:
        self._store = store
        self._crypto = crypto

    async def save(self, client: OAuthClientInformationFull) -> None:
        record = client.model_dump(mode="json", exclude_none=True)
        if client.client_secret is not None:
            record["client_secret"] = self._crypto.seal(client.client_secret, bound_to=client.client_id)
        await self._store.put("client", client.client_id, json.dumps(record), None)

    async def load(self, client_id: str) -> Client | None:
        raw = await self._store.get("client", client_id)
        if raw is None:
            return None
        record = json.loads(raw)
        if "client_secret" in record:
            secret = self._crypto.open(record["client_secret"], bound_to=client_id)
            if secret is None:
                return None  # sealed under another secret: the registration is unusable
            record["client_secret"] = secret
        return Client.model_validate(record)
