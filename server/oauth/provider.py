"""The authorization server's logic, behind the SDK's `OAuthAuthorizationServerProvider` protocol.

The SDK's handlers (`mcp.server.auth.handlers`) parse and check each request -- PKCE S256, redirect URI
unchanged between /authorize and /token, client authentication, refresh scopes -- and call this
provider for everything that touches state. What it adds on top:

- `authorize` binds the request to this server's resource (RFC 8707: a `resource` naming anything else
  is refused with `invalid_target`) and parks it; the person then meets the consent page, which calls
  `approve` (or `deny`) with their intervyo key. Only then is a code minted; the redirect carries `iss`
  (RFC 9207).
- A code carries the whole future grant, the key sealed inside; exchanging it (once: an atomic take)
  creates the grant and its first tokens.
- Refresh tokens rotate. A refresh token used a second time means it leaked: the whole grant is
  revoked (OAuth 2.1 §4.3.1), which ends every token issued under it.
- Revoking any token (RFC 7009) revokes its grant.

Lifetimes: codes 5 minutes, parked requests 15, access tokens 1 hour, refresh tokens 30 days (renewed on
each rotation). Grants last until revoked.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    IdentityAssertionParams,
    RefreshToken,
    RegistrationError,
    TokenError,
    construct_redirect_uri,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from pydantic import AnyUrl

from server.oauth.client_documents import ClientDocumentError, ClientDocuments
from server.oauth.clients import Client, Registrations, redirect_problem
from server.oauth.crypto import (
    ACCESS_PREFIX,
    CODE_PREFIX,
    REFRESH_PREFIX,
    Crypto,
    hash_token,
    new_token,
)
from server.oauth.store import Store

__all__ = ["Code", "GrantRecord", "IssuedAccess", "IssuedRefresh", "Pending", "Provider"]

logger = logging.getLogger(__name__)

CODE_TTL_S = 300.0
PENDING_TTL_S = 900.0
ACCESS_TTL_S = 3600
REFRESH_TTL_S = 30 * 24 * 3600
_LAST_USED_EVERY_S = 60.0


@dataclass(frozen=True)
class Pending:
    """An authorization request waiting for the person's consent."""

    request_id: str
    client_id: str
    redirect_uri: str
    redirect_uri_provided_explicitly: bool
    state: str | None
    code_challenge: str
    scopes: list[str] | None
    expires_at: float


@dataclass(frozen=True)
class GrantRecord:
    """One person's consent to one client: what the store keeps (the key sealed to the grant id)."""

    grant_id: str
    client_id: str
    client_name: str
    redirect_host: str
    owner: str
    sealed_key: str
    scopes: list[str]
    resource: str
    created_at: float
    last_used_at: float | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> GrantRecord:
        return cls(**json.loads(raw))


class Code(AuthorizationCode):
    """A code as the SDK's token handler sees it, with the grant it will create."""

    grant: dict[str, Any]


class IssuedRefresh(RefreshToken):
    grant_id: str


class IssuedAccess(AccessToken):
    grant_id: str


class Provider:
    """Implements `mcp.server.auth.provider.OAuthAuthorizationServerProvider` over a `Store`."""

    def __init__(
        self,
        *,
        issuer: str,
        resource: str,
        store: Store,
        crypto: Crypto,
        documents: ClientDocuments,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.resource = resource
        self._store = store
        self._crypto = crypto
        self._documents = documents
        self._registrations = Registrations(store, crypto)
        self._clock = clock

    # -- clients ------------------------------------------------------------------------------------

    async def get_client(self, client_id: str) -> Client | None:
        if client_id.startswith("https://"):
            try:
                return await self._documents.load(client_id)
            except ClientDocumentError as error:
                logger.info("client metadata document refused: %s", error)
                return None
        return await self._registrations.load(client_id)

    async def client_problem(self, client_id: str) -> str | None:
        """Why `client_id` is unknown, in words for the person signing in (None: it is known)."""
        if client_id.startswith("https://"):
            try:
                await self._documents.load(client_id)
            except ClientDocumentError as error:
                return str(error)
            return None
        return None if await self._registrations.load(client_id) else "this client is not registered here"

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        problem = redirect_problem(client_info.redirect_uris)
        if problem is not None:
            raise RegistrationError("invalid_redirect_uri", problem)
        await self._registrations.save(client_info)

    # -- authorization --------------------------------------------------------------------------------

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        if params.resource is not None and params.resource.rstrip("/") != self.resource:
            raise AuthorizeError("invalid_target", f"this server issues tokens only for {self.resource}")
        pending = Pending(
            request_id=secrets.token_urlsafe(24),
            client_id=client.client_id,
            redirect_uri=str(params.redirect_uri),
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            state=params.state,
            code_challenge=params.code_challenge,
            scopes=params.scopes,
            expires_at=self._clock() + PENDING_TTL_S,
        )
        await self._store.put("pending", pending.request_id, json.dumps(asdict(pending)), PENDING_TTL_S)
        return construct_redirect_uri(f"{self.issuer}/oauth/consent", request=pending.request_id)

    async def pending(self, request_id: str) -> Pending | None:
        raw = await self._store.get("pending", request_id)
        if raw is None:
            return None
        pending = Pending(**json.loads(raw))
        return pending if pending.expires_at >= self._clock() else None

    async def approve(
        self, pending: Pending, client: Client, *, api_key: str, scopes: list[str]
    ) -> str | None:
        """Mint a code for a consent given with a checked key; the redirect back to the client.

        None when the request was already answered (a second submit of the same page)."""
        if await self._store.take("pending", pending.request_id) is None:
            return None
        grant_id = secrets.token_urlsafe(16)
        grant = GrantRecord(
            grant_id=grant_id,
            client_id=client.client_id,
            client_name=client.display_name,
            redirect_host=urlsplit(pending.redirect_uri).netloc,
            owner=self._crypto.owner(api_key),
            sealed_key=self._crypto.seal(api_key, bound_to=grant_id),
            scopes=scopes,
            resource=self.resource,
            created_at=self._clock(),
        )
        code = new_token(CODE_PREFIX)
        record = {
            "client_id": client.client_id,
            "redirect_uri": pending.redirect_uri,
            "redirect_uri_provided_explicitly": pending.redirect_uri_provided_explicitly,
            "code_challenge": pending.code_challenge,
            "expires_at": self._clock() + CODE_TTL_S,
            "grant": asdict(grant),
        }
        await self._store.put("code", hash_token(code), json.dumps(record), CODE_TTL_S)
        return construct_redirect_uri(pending.redirect_uri, code=code, state=pending.state, iss=self.issuer)

    async def deny(self, pending: Pending) -> str:
        await self._store.delete("pending", pending.request_id)
        return construct_redirect_uri(
            pending.redirect_uri,
            error="access_denied",
            error_description="The person signing in declined.",
            state=pending.state,
            iss=self.issuer,
        )

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> Code | None:
        if not authorization_code.startswith(CODE_PREFIX):
            return None
        raw = await self._store.get("code", hash_token(authorization_code))
        if raw is None:
            return None
        record = json.loads(raw)
        grant = record["grant"]
        return Code(
            code=authorization_code,
            scopes=grant["scopes"],
            expires_at=record["expires_at"],
            client_id=record["client_id"],
            code_challenge=record["code_challenge"],
            redirect_uri=AnyUrl(record["redirect_uri"]),
            redirect_uri_provided_explicitly=record["redirect_uri_provided_explicitly"],
            resource=grant["resource"],
            grant=grant,
        )

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: Code
    ) -> OAuthToken:
        # Taken, not read: a code is good for one exchange even when two arrive at once.
        if await self._store.take("code", hash_token(authorization_code.code)) is None:
            raise TokenError("invalid_grant", "authorization code was already used")
        if authorization_code.expires_at < self._clock():
            raise TokenError("invalid_grant", "authorization code has expired")
        grant = GrantRecord(**authorization_code.grant)
        await self._store.put("grant", grant.grant_id, grant.to_json(), None)
        await self._store.add_member(f"owner:{grant.owner}", grant.grant_id)
        return await self._issue(grant.grant_id, client.client_id, grant.scopes, grant.scopes)

    # -- tokens ---------------------------------------------------------------------------------------

    async def _issue(
        self, grant_id: str, client_id: str, access_scopes: list[str], refresh_scopes: list[str]
    ) -> OAuthToken:
        now = self._clock()
        access, refresh = new_token(ACCESS_PREFIX), new_token(REFRESH_PREFIX)
        base = {"grant_id": grant_id, "client_id": client_id, "resource": self.resource}
        await self._store.put(
            "access",
            hash_token(access),
            json.dumps({**base, "scopes": access_scopes, "expires_at": now + ACCESS_TTL_S}),
            ACCESS_TTL_S,
        )
        await self._store.put(
            "refresh",
            hash_token(refresh),
            json.dumps({**base, "scopes": refresh_scopes, "expires_at": now + REFRESH_TTL_S}),
            REFRESH_TTL_S,
        )
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=ACCESS_TTL_S,
            scope=" ".join(access_scopes),
            refresh_token=refresh,
        )

    async def load_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: str
    ) -> IssuedRefresh | None:
        if not refresh_token.startswith(REFRESH_PREFIX):
            return None
        hashed = hash_token(refresh_token)
        raw = await self._store.get("refresh", hashed)
        if raw is None:
            used = await self._store.get("refresh-used", hashed)
            if used is not None:
                grant_id = json.loads(used)["grant_id"]
                logger.warning("a rotated refresh token was presented again: grant %s revoked", grant_id)
                await self.revoke_grant(grant_id)
            return None
        record = json.loads(raw)
        if record["expires_at"] < self._clock() or await self._store.get("grant", record["grant_id"]) is None:
            return None
        return IssuedRefresh(
            token=refresh_token,
            client_id=record["client_id"],
            scopes=record["scopes"],
            expires_at=int(record["expires_at"]),
            resource=record["resource"],
            grant_id=record["grant_id"],
        )

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: IssuedRefresh, scopes: list[str]
    ) -> OAuthToken:
        hashed = hash_token(refresh_token.token)
        if await self._store.take("refresh", hashed) is None:
            # Presented twice at once: one of them is not the legitimate holder.
            await self.revoke_grant(refresh_token.grant_id)
            raise TokenError("invalid_grant", "refresh token was already used; sign in again")
        marker = json.dumps({"grant_id": refresh_token.grant_id})
        await self._store.put("refresh-used", hashed, marker, REFRESH_TTL_S)
        return await self._issue(refresh_token.grant_id, client.client_id, scopes, refresh_token.scopes)

    async def load_access_token(self, token: str) -> IssuedAccess | None:
        if not token.startswith(ACCESS_PREFIX):
            return None
        raw = await self._store.get("access", hash_token(token))
        if raw is None:
            return None
        record = json.loads(raw)
        if record["expires_at"] < self._clock():
            return None
        return IssuedAccess(
            token=token,
            client_id=record["client_id"],
            scopes=record["scopes"],
            expires_at=int(record["expires_at"]),
            resource=record["resource"],
            grant_id=record["grant_id"],
        )

    async def revoke_token(self, token: IssuedAccess | IssuedRefresh) -> None:
        await self.revoke_grant(token.grant_id)

    async def exchange_identity_assertion(
        self, client: OAuthClientInformationFull, params: IdentityAssertionParams
    ) -> OAuthToken:
        raise TokenError("unsupported_grant_type", "this server does not accept identity assertions")

    # -- grants ---------------------------------------------------------------------------------------

    async def grant(self, grant_id: str) -> GrantRecord | None:
        raw = await self._store.get("grant", grant_id)
        return None if raw is None else GrantRecord.from_json(raw)

    async def open_key(self, grant: GrantRecord) -> str | None:
        return self._crypto.open(grant.sealed_key, bound_to=grant.grant_id)

    async def touch(self, grant: GrantRecord) -> None:
        """Record a use, at most once a minute (the grants page shows when each was last used)."""
        now = self._clock()
        if grant.last_used_at is None or now - grant.last_used_at >= _LAST_USED_EVERY_S:
            updated = GrantRecord(**{**asdict(grant), "last_used_at": now})
            await self._store.replace("grant", grant.grant_id, updated.to_json())

    async def grants_of(self, owner: str) -> list[GrantRecord]:
        found = []
        for grant_id in await self._store.members(f"owner:{owner}"):
            grant = await self.grant(grant_id)
            if grant is None:
                await self._store.remove_member(f"owner:{owner}", grant_id)
            else:
                found.append(grant)
        return sorted(found, key=lambda grant: grant.created_at, reverse=True)

    async def revoke_grant(self, grant_id: str) -> None:
        """End a grant: every token issued under it stops working at once."""
        raw = await self._store.take("grant", grant_id)
        if raw is not None:
            await self._store.remove_member(f"owner:{GrantRecord.from_json(raw).owner}", grant_id)
