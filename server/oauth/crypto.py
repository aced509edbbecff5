"""Key custody: the server's secret, what is derived from it, and the random tokens it hands out.

One operator secret (`INTERVYO_SECRET_KEY`) is stretched with HKDF into two independent keys: one for
AES-256-GCM, which seals each user's intervyo key inside their grant (the grant's id is the associated
data, so a sealed key cannot be moved to another grant), and one for HMAC, which signs CSRF tokens and
the grants page's cookie and labels a key's owner without storing the key. On a loopback issuer a secret
is generated once and kept in the state directory; anywhere else OAuth refuses to start without one.

Tokens are 256 random bits behind a prefix (`ivo_at_`, `ivo_rt_`, ...) so the auth layer can tell them
from intervyo keys (`iv_live_...`) without a lookup; only their SHA-256 is ever stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "ACCESS_PREFIX",
    "CODE_PREFIX",
    "MIN_SECRET_LENGTH",
    "REFRESH_PREFIX",
    "Crypto",
    "OAuthConfigError",
    "hash_token",
    "load_secret",
    "new_token",
]

ACCESS_PREFIX = "ivo_at_"
REFRESH_PREFIX = "ivo_rt_"
CODE_PREFIX = "ivo_ac_"
MIN_SECRET_LENGTH = 32

_SECRET_FILE = "secret_key"
_NONCE_BYTES = 12


class OAuthConfigError(RuntimeError):
    """OAuth cannot run as configured; the message says which setting to change (never a value)."""


def new_token(prefix: str) -> str:
    """A fresh random token: the prefix and 256 bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the store keeps of a token: its SHA-256, hex. Tokens are random, so no salt is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def load_secret(configured: str | None, state_dir: Path, *, loopback: bool) -> str:
    """The operator's secret; on a loopback issuer without one, the one kept in `state_dir`."""
    if configured is not None:
        if len(configured) < MIN_SECRET_LENGTH:
            raise OAuthConfigError(
                f"INTERVYO_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters "
                "(generate one: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return configured
    if not loopback:
        raise OAuthConfigError(
            "OAuth sign-in needs INTERVYO_SECRET_KEY (it encrypts the intervyo keys users sign in with); "
            "generate one with python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    path = state_dir / _SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once agree on the first secret written.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(secret)
    return secret


class Crypto:
    """Sealing and signing with keys derived from one secret."""

    def __init__(self, secret: str) -> None:
        self._aead = AESGCM(_derive(secret, b"intervyo-mcp oauth aes-256-gcm"))
        self._mac_key = _derive(secret, b"intervyo-mcp oauth hmac-sha256")

    def seal(self, plaintext: str, *, bound_to: str) -> str:
        """`plaintext` encrypted and authenticated, usable only with the same `bound_to`."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), bound_to.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str, *, bound_to: str) -> str | None:
        """The plaintext, or None when `sealed` was altered, moved or sealed with another secret."""
        try:
            raw = base64.urlsafe_b64decode(sealed.encode())
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], bound_to.encode()).decode()
        except (InvalidTag, ValueError):
            return None

    def sign(self, *parts: str) -> str:
        """An HMAC-SHA256 over the parts (unambiguous: each is length-prefixed), URL-safe."""
        message = b"".join(len(part).to_bytes(4, "big") + part.encode() for part in parts)
        digest = hmac.new(self._mac_key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def verify(self, signature: str, *parts: str) -> bool:
        return hmac.compare_digest(signature.encode(), self.sign(*parts).encode())

    def owner(self, api_key: str) -> str:
        """A stable label for whoever holds `api_key`, useless without the secret."""
        return self.sign("owner", api_key)


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
