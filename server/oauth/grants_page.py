"""`/oauth/grants`: the person's own connections -- which clients hold a grant, when each was last used
-- and a button to revoke each.

Signing in takes the intervyo key once more (checked with intervyo, like the consent page); what stays
in the browser is a signed, HttpOnly, SameSite=Strict cookie naming the key's owner label (never the
key), good for 15 minutes. Every post is CSRF-checked; a grant is revoked only for its own owner.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.oauth.crypto import Crypto
from server.oauth.csrf import FIELD, Csrf
from server.oauth.key_check import KeyCheck, check_key
from server.oauth.pages import page
from server.oauth.provider import GrantRecord, Provider
from server.upstream.client import Upstream

__all__ = ["PATH", "GrantsPage"]

PATH = "/oauth/grants"
_SESSION_S = 900
_PURPOSE = "grants"


class GrantsPage:
    def __init__(
        self,
        provider: Provider,
        upstream: Upstream,
        csrf: Csrf,
        crypto: Crypto,
        *,
        secure: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._provider = provider
        self._upstream = upstream
        self._csrf = csrf
        self._crypto = crypto
        self._secure = secure
        self._clock = clock
        self._cookie = "__Host-intervyo_grants" if secure else "intervyo_grants"

    async def handle(self, request: Request) -> Response:
        owner = self._owner(request)
        if request.method == "GET":
            return await self._show(request, owner)
        form = await request.form()
        if not self._csrf.check(request, form, _PURPOSE):
            return await self._show(
                request, owner, error="This form expired. Reload the page and try again.", status=403
            )
        action = form.get("action")
        if action == "signin":
            verdict = await check_key(self._upstream, str(form.get("api_key", "")).strip())
            if verdict is not KeyCheck.VALID:
                message = {
                    KeyCheck.MALFORMED: "That does not look like an intervyo API key.",
                    KeyCheck.REJECTED: "intervyo did not accept that API key.",
                }.get(verdict, "intervyo could not be reached to check the key; try again in a moment.")
                return await self._show(request, None, error=message, status=400)
            return self._back(self._session(self._crypto.owner(str(form["api_key"]).strip())))
        if owner is None:
            return await self._show(request, None, error="Sign in first.", status=401)
        if action == "revoke":
            grant = await self._provider.grant(str(form.get("grant_id", "")))
            if grant is not None and grant.owner == owner:
                await self._provider.revoke_grant(grant.grant_id)
            return self._back(notice="1")
        if action == "signout":
            return self._back(self._session(None))
        return await self._show(request, owner, error="Unknown action.", status=400)

    def _owner(self, request: Request) -> str | None:
        value = request.cookies.get(self._cookie, "")
        owner, _, rest = value.partition(".")
        expiry, _, signature = rest.partition(".")
        if not owner or not expiry.isdigit() or int(expiry) < self._clock():
            return None
        return owner if self._crypto.verify(signature, "grants-session", owner, expiry) else None

    def _session(self, owner: str | None) -> str:
        secure = "; Secure" if self._secure else ""
        if owner is None:
            return f"{self._cookie}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
        expiry = str(int(self._clock()) + _SESSION_S)
        value = f"{owner}.{expiry}.{self._crypto.sign('grants-session', owner, expiry)}"
        return f"{self._cookie}={value}; Path=/; Max-Age={_SESSION_S}; HttpOnly; SameSite=Strict{secure}"

    def _back(self, cookie: str | None = None, notice: str | None = None) -> Response:
        response = RedirectResponse(PATH + ("?revoked=1" if notice else ""), status_code=303)
        if cookie is not None:
            response.headers.append("set-cookie", cookie)
        return response

    async def _show(
        self, request: Request, owner: str | None, *, error: str | None = None, status: int = 200
    ) -> Response:
        token, cookies = self._csrf.issue(request, _PURPOSE)
        alert = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
        hidden = f'<input type="hidden" name="{FIELD}" value="{escape(token, quote=True)}">'
        if owner is None:
            body = f"""<h1>Your intervyo connections</h1>
<p>Sign in with your intervyo API key to see which apps you have connected, and to revoke them.</p>
{alert}
<form method="post" action="{PATH}">{hidden}<input type="hidden" name="action" value="signin">
<label for="api_key">intervyo API key</label>
<input type="password" id="api_key" name="api_key" required autocomplete="off" spellcheck="false">
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>"""
            return page("Your connections", body, status=status, cookies=cookies)
        grants = await self._provider.grants_of(owner)
        notice = (
            '<div class="notice" role="status">Revoked. That app can no longer use your key.</div>'
            if request.query_params.get("revoked")
            else ""
        )
        rows = "".join(_row(grant, hidden) for grant in grants)
        table = (
            '<table><caption class="muted">Apps holding a grant</caption><thead><tr><th scope="col">App</th>'
            f'<th scope="col">Allowed</th><th scope="col">Last used</th><th scope="col"></th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
            if grants
            else "<p>No app is connected with this key.</p>"
        )
        body = f"""<h1>Your intervyo connections</h1>
{alert}{notice}{table}
<form method="post" action="{PATH}">{hidden}<input type="hidden" name="action" value="signout">
<div class="actions"><button type="submit" class="secondary">Sign out</button></div></form>"""
        return page("Your connections", body, status=status, cookies=cookies)


def _row(grant: GrantRecord, hidden: str) -> str:
    read_only = "intervyo:write" not in grant.scopes
    areas = [s.rsplit(":", 1)[1].replace("_", " ") for s in grant.scopes if s.startswith("intervyo:toolset:")]
    allowed = ("Read-only" if read_only else "Read and change") + (": " + ", ".join(areas) if areas else "")
    used = _when(grant.last_used_at) if grant.last_used_at else "never"
    return (
        f"<tr><td><strong>{escape(grant.client_name)}</strong><br>"
        f'<span class="muted">returns to {escape(grant.redirect_host)}; '
        f"since {_when(grant.created_at)}</span></td>"
        f"<td>{escape(allowed)}</td><td>{escape(used)}</td>"
        f'<td><form method="post" action="{PATH}">{hidden}<input type="hidden" name="action" value="revoke">'
        f'<input type="hidden" name="grant_id" value="{escape(grant.grant_id, quote=True)}">'
        f'<button type="submit" class="danger" aria-label="Revoke {escape(grant.client_name, quote=True)}">'
        "Revoke</button></form></td></tr>"
    )


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
