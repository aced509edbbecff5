"""The consent page, `/oauth/consent`: where a person lets a client act with their intervyo key.

GET shows who is asking (the client's name, whether that name is verified, and where the answer will be
sent), asks for the intervyo API key (field `api_key`) and lets the person narrow what the client may do:
read-only, and which API areas. POST checks the CSRF token, then the key against intervyo
(`server.oauth.key_check`); a wrong key gets the page again with a clear message and nothing stored. Only
a checked key becomes a grant, narrowed to the scopes chosen, and the browser goes back to the client
with a code. The key is never echoed into the page.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.oauth import scopes
from server.oauth.clients import Client
from server.oauth.csrf import FIELD, Csrf
from server.oauth.key_check import KeyCheck, check_key
from server.oauth.pages import page
from server.oauth.provider import Pending, Provider
from server.upstream.client import Upstream

__all__ = ["PATH", "ConsentPage"]

PATH = "/oauth/consent"

_KEY_PROBLEMS = {
    KeyCheck.MALFORMED: "That does not look like an intervyo API key. Paste the whole key "
    "(it starts with iv_live_ or iv_test_).",
    KeyCheck.REJECTED: "intervyo did not accept that API key. Check it in intervyo under "
    "Settings → API keys, then paste it again.",
    KeyCheck.UNAVAILABLE: "intervyo could not be reached to check the key. Nothing was saved; "
    "try again in a moment.",
}


class ConsentPage:
    def __init__(
        self,
        provider: Provider,
        upstream: Upstream,
        csrf: Csrf,
        *,
        toolsets: tuple[str, ...],
        read_only: bool,
    ) -> None:
        self._provider = provider
        self._upstream = upstream
        self._csrf = csrf
        self._toolsets = toolsets
        self._read_only = read_only

    async def handle(self, request: Request) -> Response:
        if request.method == "GET":
            return await self._show(request, request.query_params.get("request", ""))
        form = await request.form()
        request_id = str(form.get("request", ""))
        if not self._csrf.check(request, form, request_id):
            return _problem(
                "This form expired or did not come from this page. Go back to your app and start the "
                "sign-in again.",
                status=403,
            )
        found = await self._find(request_id)
        if isinstance(found, Response):
            return found
        pending, client = found
        if form.get("decision") == "deny":
            return _redirect(await self._provider.deny(pending))
        allow_writes, chosen = self._choices(pending, form)
        if not chosen:
            return await self._show(request, request_id, error="Choose at least one area.", form=form)
        api_key = str(form.get("api_key", "")).strip()
        verdict = await check_key(self._upstream, api_key)
        if verdict is not KeyCheck.VALID:
            status = 502 if verdict is KeyCheck.UNAVAILABLE else 400
            return await self._show(
                request, request_id, error=_KEY_PROBLEMS[verdict], form=form, status=status
            )
        granted = scopes.granted(read_only=not allow_writes, toolsets=chosen)
        target = await self._provider.approve(pending, client, api_key=api_key, scopes=granted)
        if target is None:
            return _problem("This sign-in was already answered. Go back to your app.", status=409)
        return _redirect(target)

    async def _find(self, request_id: str) -> tuple[Pending, Client] | Response:
        pending = await self._provider.pending(request_id) if request_id else None
        if pending is None:
            return _problem(
                "This sign-in link has expired or was already used. Go back to your app and connect again.",
                status=400,
            )
        client = await self._provider.get_client(pending.client_id)
        if client is None:
            return _problem("The app asking to connect is no longer known to this server.", status=400)
        return pending, client

    def _offered(self, pending: Pending) -> tuple[bool, tuple[str, ...]]:
        """Whether writes may be allowed, and which areas, given the server's settings and the request."""
        asked = pending.scopes or []
        writes = not self._read_only and (scopes.WRITE in asked or not asked)
        named = scopes.toolsets_of(asked)
        areas = tuple(name for name in self._toolsets if named is None or name in named)
        return writes, areas

    def _choices(self, pending: Pending, form: FormData) -> tuple[bool, list[str]]:
        writes, areas = self._offered(pending)
        picked = set(form.getlist("toolset"))
        return writes and form.get("allow_writes") == "on", [name for name in areas if name in picked]

    async def _show(
        self,
        request: Request,
        request_id: str,
        *,
        error: str | None = None,
        form: FormData | None = None,
        status: int = 200,
    ) -> Response:
        found = await self._find(request_id)
        if isinstance(found, Response):
            return found
        pending, client = found
        token, cookies = self._csrf.issue(request, request_id)
        writes, areas = self._offered(pending)
        redirect = urlsplit(pending.redirect_uri)
        picked = {str(name) for name in form.getlist("toolset")} if form is not None else set(areas)
        writes_on = form.get("allow_writes") == "on" if form is not None else writes
        return page(
            "Connect to intervyo",
            _consent_body(
                client,
                redirect.netloc,
                request_id=request_id,
                csrf=token,
                error=error,
                writes=writes,
                writes_on=writes_on,
                areas=areas,
                picked=picked,
            ),
            status=status,
            form_targets=[f"{redirect.scheme}://{redirect.netloc}"],
            cookies=cookies,
        )


def _consent_body(
    client: Client,
    redirect_host: str,
    *,
    request_id: str,
    csrf: str,
    error: str | None,
    writes: bool,
    writes_on: bool,
    areas: tuple[str, ...],
    picked: set[str],
) -> str:
    name = escape(client.display_name)
    if client.is_document:
        who = f"identified by <strong>{escape(urlsplit(client.client_id).netloc)}</strong>"
    else:
        who = "registered itself here; its name is not verified"
    alert = f'<div class="error" role="alert" id="key-error">{escape(error)}</div>' if error else ""
    described = "key-hint key-error" if error else "key-hint"
    write_box = ""
    if writes:
        checked = " checked" if writes_on else ""
        write_box = (
            '<label class="check"><input type="checkbox" name="allow_writes" id="allow_writes"'
            f"{checked}> Allow changes: create, schedule, edit and cancel (otherwise read-only)</label>"
        )
    else:
        write_box = '<p class="muted">Read-only: this connection cannot change anything.</p>'
    boxes = "".join(
        f'<label class="check"><input type="checkbox" name="toolset" value="{escape(area)}"'
        f"{' checked' if area in picked else ''}> {escape(area.replace('_', ' ').capitalize())}</label>"
        for area in areas
    )
    return f"""<h1>Connect <span>{name}</span> to intervyo</h1>
<p><strong>{name}</strong> ({who}) wants to use intervyo with your account.
After you allow it, your browser returns to <strong>{escape(redirect_host)}</strong>.</p>
{alert}
<form method="post" action="{PATH}">
<input type="hidden" name="request" value="{escape(request_id, quote=True)}">
<input type="hidden" name="{FIELD}" value="{escape(csrf, quote=True)}">
<label for="api_key">intervyo API key</label>
<input type="password" id="api_key" name="api_key" required autocomplete="off" spellcheck="false"
 aria-describedby="{described}"{' aria-invalid="true"' if error else ""}>
<p class="muted" id="key-hint">Find it in intervyo under Settings → API keys. It is checked with intervyo,
stored only encrypted, and never shown to {name}.</p>
<fieldset>
<legend>What {name} may do</legend>
{write_box}
</fieldset>
<fieldset>
<legend>Areas it may use</legend>
{boxes}
</fieldset>
<div class="actions">
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Deny</button>
</div>
</form>
<p class="muted">You can see and revoke connections at any time on
<a href="/oauth/grants">your connections page</a>.</p>"""


def _problem(message: str, *, status: int) -> Response:
    return page(
        "Cannot continue", f'<h1>Cannot continue</h1>\n<p role="alert">{escape(message)}</p>', status=status
    )


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers={"cache-control": "no-store"})
