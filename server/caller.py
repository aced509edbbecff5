"""Who a request is for: the `Caller`, resolved once per request and passed down.

Over HTTP the authentication layer (`server.http.auth`) resolves the caller before any MCP processing -- the
key from `Authorization: Bearer` or `x-api-key`, and the view narrowed by the request's visibility
headers -- and attaches it to the request. On stdio there is no request: the caller is the configured key
(`INTERVYO_API_KEY`) with the server's own view. Every handler (tools, resources, prompts, completions,
subscriptions) asks `Callers.of(ctx)` and nothing else, so there is one place where a key is chosen and
one "missing key" error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from mcp.server import ServerRequestContext
from mcp.server.auth.middleware.auth_context import auth_context_var
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_REQUEST
from starlette.requests import Request

from server.errors import MissingApiKey
from server.settings import Settings
from server.visibility import Visibility

__all__ = ["Caller", "CallerUser", "Callers", "fingerprint"]


def fingerprint(key: str) -> str:
    """A short, non-reversible label for a key, the only form a key may take in logs."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Caller:
    """One request's intervyo key and the tools it may see and call."""

    key: str = field(repr=False)
    view: Visibility

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)


class CallerUser(AuthenticatedUser):
    """The SDK's authenticated user for a request, carrying its resolved `Caller`.

    The SDK binds a stateful MCP session to the principal of the user that opened it (`client_id` here:
    the key's full SHA-256, which says nothing about the key), so a session cannot be used with
    another key.
    """

    def __init__(self, caller: Caller, *, principal: str | None = None) -> None:
        principal = principal or hashlib.sha256(caller.key.encode()).hexdigest()
        super().__init__(AccessToken(token=caller.key, client_id=principal, scopes=[]))
        self.caller = caller


class Callers:
    """Finds the caller of an MCP request: the request's own over HTTP, the configured one on stdio."""

    def __init__(self, view: Visibility, stdio_key: str | None) -> None:
        self.view = view
        self._stdio = Caller(stdio_key, view) if stdio_key else None

    @classmethod
    def from_settings(cls, settings: Settings) -> Callers:
        """The server's view, and the configured key as the caller where no request carries one."""
        return cls(Visibility.from_settings(settings), settings.key)

    def of(self, ctx: ServerRequestContext[Any]) -> Caller:
        """The caller of `ctx`'s request; `MissingApiKey` (a tool error) when there is no key."""
        caller = self.find(ctx)
        if caller is None:
            raise MissingApiKey()
        return caller

    def key(self, ctx: ServerRequestContext[Any]) -> str:
        """The caller's key where a missing one is a protocol error (resources, prompts, completions)."""
        try:
            return self.of(ctx).key
        except MissingApiKey as error:
            raise MCPError(code=INVALID_REQUEST, message=error.message) from None

    def find(self, ctx: ServerRequestContext[Any]) -> Caller | None:
        request = ctx.request
        if request is None:
            return self._stdio
        if isinstance(request, Request):
            user = request.scope.get("user")
            if isinstance(user, CallerUser):
                return user.caller
        # A message handled outside its HTTP request's task (the SDK's auth context carries the user).
        user = auth_context_var.get()
        return user.caller if isinstance(user, CallerUser) else None
