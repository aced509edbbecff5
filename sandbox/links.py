"""Signed links that need no API key, like presigned URLs: transcripts, recordings and join pages.

A link carries `expires` (Unix seconds) and `signature` = HMAC-SHA256 over "kind:id:expires" with the
database's own secret, so links survive restarts of a sandbox that keeps its database file, cannot be
guessed, and stop working an hour after they were issued (join links, like invites, do not expire).
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["LINK_LIFETIME", "Links"]

LINK_LIFETIME = 3600


class Links:
    """Issues and checks signed links under the sandbox's `/_sandbox/` routes."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def url(self, origin: str, kind: str, resource_id: str, *, expiring: bool = True) -> str:
        """An absolute link to `/_sandbox/{kind}/{resource_id}`, valid for an hour unless not `expiring`."""
        if not expiring:
            return f"{origin}/_sandbox/{kind}/{resource_id}?signature={self._sign(kind, resource_id, 0)}"
        expires = int(time.time() + LINK_LIFETIME)
        signature = self._sign(kind, resource_id, expires)
        return f"{origin}/_sandbox/{kind}/{resource_id}?expires={expires}&signature={signature}"

    def verify(self, kind: str, resource_id: str, expires: str | None, signature: str) -> bool:
        """True when the signature is ours and the link has not expired."""
        if expires is None:
            return hmac.compare_digest(self._sign(kind, resource_id, 0), signature)
        if not expires.isdigit() or int(expires) < time.time():
            return False
        return hmac.compare_digest(self._sign(kind, resource_id, int(expires)), signature)

    def _sign(self, kind: str, resource_id: str, expires: int) -> str:
        message = f"{kind}:{resource_id}:{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()
