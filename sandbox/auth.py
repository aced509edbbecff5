"""API key authentication and scope checks.

401 when `x-api-key` is missing or unknown; 403 naming the missing scope (`required_scope`). An
operation without a scope (code execution) accepts any valid key.
"""

from __future__ import annotations

from collections.abc import Mapping

from sandbox.errors import Forbidden, Unauthorized
from sandbox.store import KeyGrant, Store

__all__ = ["API_KEY_HEADER", "authenticate", "require_scope"]

API_KEY_HEADER = "x-api-key"


def authenticate(store: Store, headers: Mapping[str, str]) -> KeyGrant:
    """The grant of the request's `x-api-key`; Unauthorized when missing or unknown."""
    key = headers.get(API_KEY_HEADER, "").strip()
    if not key:
        raise Unauthorized("Missing API key: send it in the x-api-key header")
    grant = store.grant(key)
    if grant is None:
        raise Unauthorized("Invalid or revoked API key")
    return grant


def require_scope(grant: KeyGrant, scope: str | None) -> None:
    """Forbidden (naming the scope) unless the key holds `scope`; None needs no scope."""
    if scope is not None and scope not in grant.scopes:
        raise Forbidden(scope)
