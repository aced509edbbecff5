"""CSRF protection for the sign-in forms: a signed double-submit token.

Each browser gets a random nonce in a cookie (HttpOnly, SameSite=Strict; `__Host-` and Secure over
https). A form carries `csrf_token` = HMAC(nonce, purpose), the purpose being what the form acts on
(one authorization request, or the grants page). A post is accepted only if both are present and
agree: another site can neither read the cookie nor compute the token.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

from server.oauth.crypto import Crypto

__all__ = ["FIELD", "Csrf"]

FIELD = "csrf_token"


class Csrf:
    def __init__(self, crypto: Crypto, *, secure: bool) -> None:
        self._crypto = crypto
        self._secure = secure
        self.cookie_name = "__Host-intervyo_csrf" if secure else "intervyo_csrf"

    def issue(self, request: Request, purpose: str) -> tuple[str, list[str]]:
        """The form token for `purpose`, and the Set-Cookie values to send with the page (if any)."""
        nonce = request.cookies.get(self.cookie_name)
        cookies: list[str] = []
        if not nonce or len(nonce) > 100:
            nonce = secrets.token_urlsafe(24)
            secure = "; Secure" if self._secure else ""
            cookies.append(f"{self.cookie_name}={nonce}; Path=/; HttpOnly; SameSite=Strict{secure}")
        return self._crypto.sign("csrf", purpose, nonce), cookies

    def check(self, request: Request, form: FormData, purpose: str) -> bool:
        nonce = request.cookies.get(self.cookie_name)
        token = form.get(FIELD)
        if not nonce or not isinstance(token, str) or not token:
            return False
        return self._crypto.verify(token, "csrf", purpose, nonce)
