"""`POST /revoke` (RFC 7009), for public clients too.

The SDK's revocation handler requires a `client_secret` field in the form even from a public client,
which has none to send; this one authenticates the client with the SDK's `ClientAuthenticator` (a public
client by its id alone, a confidential one by its secret) and otherwise behaves the same: any token of
that client, access or refresh, revokes its whole grant, and an unknown token is still a 200.
"""

from __future__ import annotations

from mcp.server.auth.middleware.client_auth import AuthenticationError, ClientAuthenticator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.oauth.provider import IssuedAccess, IssuedRefresh, Provider

__all__ = ["Revocation"]

_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}


class Revocation:
    def __init__(self, provider: Provider) -> None:
        self._provider = provider
        self._authenticator = ClientAuthenticator(provider)

    async def handle(self, request: Request) -> Response:
        try:
            client = await self._authenticator.authenticate_request(request)
        except AuthenticationError as error:
            body = {"error": "invalid_client", "error_description": error.message}
            return JSONResponse(body, status_code=401, headers=_NO_STORE)
        form = await request.form()
        token = form.get("token")
        if not isinstance(token, str) or not token:
            body = {"error": "invalid_request", "error_description": "the token to revoke is missing"}
            return JSONResponse(body, status_code=400, headers=_NO_STORE)
        found: IssuedAccess | IssuedRefresh | None = await self._provider.load_access_token(token)
        if found is None:
            found = await self._provider.load_refresh_token(client, token)
        if found is not None and found.client_id == client.client_id:
            await self._provider.revoke_token(found)
        return Response(status_code=200, headers=_NO_STORE)
