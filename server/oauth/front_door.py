"""`OAuth`: the whole sign-in, assembled from settings, as the rest of the server sees it.

It is built once per app (`OAuth.from_settings`), entered with the app's lifespan, and offers three
things: `routes` (metadata, /authorize, /token, /register, /revoke from the SDK's handlers, and the
consent and grants pages), `resolve(token)` (an access token to the `Grant` behind it, or None) and
`challenge()` (the `WWW-Authenticate` value of a 401).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit

from mcp.server.auth.routes import cors_middleware, create_auth_routes
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions
from mcp.server.transport_security import RequestBodyLimitMiddleware
from pydantic import AnyHttpUrl
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, request_response
from starlette.types import ASGIApp

from server.oauth import metadata, scopes
from server.oauth.client_documents import ClientDocuments
from server.oauth.consent import PATH as CONSENT_PATH
from server.oauth.consent import ConsentPage
from server.oauth.crypto import Crypto, load_secret
from server.oauth.csrf import Csrf
from server.oauth.grants_page import PATH as GRANTS_PATH
from server.oauth.grants_page import GrantsPage
from server.oauth.issuer_param import WithIssuer
from server.oauth.provider import Provider
from server.oauth.redis_store import RedisStore
from server.oauth.revocation import Revocation
from server.oauth.store import SqliteStore, Store
from server.settings import Settings
from server.upstream.client import Upstream

__all__ = ["TOKEN_PREFIX", "Grant", "OAuth", "is_loopback_url", "is_oauth_token"]

TOKEN_PREFIX = "ivo_"
_MAX_FORM_BYTES = 16 * 1024
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def is_oauth_token(token: str) -> bool:
    """Whether a bearer credential is one of ours (an intervyo key is `iv_live_...`/`iv_test_...`)."""
    return token.startswith(TOKEN_PREFIX)


@dataclass(frozen=True)
class Grant:
    """What an access token stands for: whose key, narrowed how, for which client."""

    api_key: str = field(repr=False)
    scopes: tuple[str, ...]
    client_id: str
    grant_id: str

    @property
    def read_only(self) -> bool:
        return scopes.is_read_only(self.scopes)

    @property
    def toolsets(self) -> frozenset[str] | None:
        return scopes.toolsets_of(self.scopes)


class OAuth:
    """The authorization server and resource-server checks of one app."""

    def __init__(
        self,
        settings: Settings,
        upstream: Upstream,
        *,
        store: Store | None = None,
        tls: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`tls` trusts the client metadata documents' certificates (tests); `clock` reads the time."""
        if settings.public_url is None:
            raise ValueError("OAuth needs settings.public_url")
        self.issuer = settings.public_url
        self.resource = f"{self.issuer}/mcp"
        loopback = is_loopback_url(self.issuer)
        state_dir = settings.oauth_state_dir
        secret = settings.secret_key.get_secret_value() if settings.secret_key is not None else None
        crypto = Crypto(load_secret(secret, state_dir, loopback=loopback))
        self._store: Store = store or (
            RedisStore(settings.redis_url) if settings.redis_url else SqliteStore(state_dir / "oauth.sqlite3")
        )
        self._documents = ClientDocuments(
            allow_private=settings.oauth_allow_private_client_documents, tls=tls
        )
        self.provider = Provider(
            issuer=self.issuer,
            resource=self.resource,
            store=self._store,
            crypto=crypto,
            documents=self._documents,
            clock=clock,
        )
        secure = self.issuer.startswith("https://")
        csrf = Csrf(crypto, secure=secure)
        consent = ConsentPage(
            self.provider, upstream, csrf, toolsets=settings.toolsets, read_only=settings.read_only
        )
        grants = GrantsPage(self.provider, upstream, csrf, crypto, secure=secure, clock=clock)
        sdk_routes = create_auth_routes(
            self.provider,
            AnyHttpUrl(self.issuer),
            client_registration_options=ClientRegistrationOptions(enabled=True),
            revocation_options=RevocationOptions(enabled=True),
        )
        # The SDK's metadata and revocation routes are replaced by ours (see metadata.py, revocation.py),
        # and its /authorize gains `iss` on error redirects (issuer_param.py).
        replaced = {"/.well-known/oauth-authorization-server", "/revoke", "/authorize"}
        authorize = next(r for r in sdk_routes if isinstance(r, Route) and r.path == "/authorize")
        self.routes: list[BaseRoute] = [
            *metadata.metadata_routes(self.issuer, self.resource),
            *(r for r in sdk_routes if getattr(r, "path", "") not in replaced),
            Route("/authorize", WithIssuer(authorize.app, self.issuer), methods=["GET", "POST"]),
            Route(
                "/revoke",
                cors_middleware(Revocation(self.provider).handle, ["POST", "OPTIONS"]),
                methods=["POST", "OPTIONS"],
            ),
            Route(CONSENT_PATH, _limited(consent.handle), methods=["GET", "POST"]),
            Route(GRANTS_PATH, _limited(grants.handle), methods=["GET", "POST"]),
        ]

    async def __aenter__(self) -> OAuth:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._documents.aclose()
        await self._store.aclose()

    @staticmethod
    def recognises(token: str) -> bool:
        """Whether a bearer credential is one of this server's tokens rather than an intervyo key."""
        return is_oauth_token(token)

    async def resolve(self, token: str) -> Grant | None:
        """The grant behind an access token; None when it is unknown, expired, revoked or was issued for
        another resource (RFC 8707 audience)."""
        access = await self.provider.load_access_token(token)
        if access is None or access.resource != self.resource:
            return None
        grant = await self.provider.grant(access.grant_id)
        if grant is None or grant.resource != self.resource:
            return None
        api_key = await self.provider.open_key(grant)
        if api_key is None:
            return None
        await self.provider.touch(grant)
        return Grant(
            api_key=api_key, scopes=tuple(access.scopes), client_id=grant.client_id, grant_id=grant.grant_id
        )

    def challenge(self, error: str | None = None, description: str | None = None) -> str:
        """`WWW-Authenticate` for a 401: where the resource metadata is, and what was wrong, if anything."""
        return metadata.challenge(self.resource, error, description)


def _limited(handler: Callable[[Request], Awaitable[Response]]) -> ASGIApp:
    """A page's handler as an app that refuses bodies bigger than any of its forms (413)."""
    return RequestBodyLimitMiddleware(request_response(handler), _MAX_FORM_BYTES)


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in _LOOPBACK or host.startswith("127.")
