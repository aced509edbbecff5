"""The sign-in pages' HTML: one layout, server-rendered, no script.

Everything interpolated is escaped. Each response forbids framing (`frame-ancestors 'none'`, plus
X-Frame-Options for old browsers), caching and referrers, and allows only its own inline style (by
nonce) and form posts to itself -- and to the client's redirect origin, where the consent form's
answer is redirected (browsers apply `form-action` to that redirect too).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from html import escape

from starlette.responses import HTMLResponse

__all__ = ["page"]

_STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1b1f24; background: #f3f4f6; }
main { max-width: 34rem; margin: 2rem auto; padding: 2rem; background: #ffffff;
       border: 1px solid #d0d7de; border-radius: 12px; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p, li { color: #1b1f24; }
.muted { color: #4b5563; font-size: .95rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
input[type=password] { width: 100%; padding: .6rem .7rem; font: inherit; color: #1b1f24;
       border: 1px solid #6b7280; border-radius: 6px; background: #fff; }
fieldset { border: 1px solid #d0d7de; border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.check { display: flex; gap: .5rem; align-items: flex-start; font-weight: 400; margin: .5rem 0 0; }
.check input { flex: none; margin-top: .3rem; width: 1.1rem; height: 1.1rem; }
.error { border-left: 4px solid #b42318; background: #fef3f2; color: #7a271a; padding: .75rem 1rem;
         border-radius: 6px; margin: 1rem 0; }
.notice { border-left: 4px solid #1a7f37; background: #effaf1; color: #14532d; padding: .75rem 1rem;
          border-radius: 6px; margin: 1rem 0; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; flex-wrap: wrap; }
button { font: inherit; font-weight: 600; padding: .6rem 1.2rem; border-radius: 6px; cursor: pointer;
         border: 1px solid #0b57d0; }
button.primary { background: #0b57d0; color: #ffffff; }
button.secondary { background: #ffffff; color: #0b57d0; }
button.danger { background: #ffffff; color: #b42318; border-color: #b42318; padding: .3rem .8rem; }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
table { width: 100%; border-collapse: collapse; margin-top: 1rem; }
th, td { text-align: left; padding: .5rem .25rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
code { font-size: .9em; background: #f3f4f6; padding: 0 .2rem; border-radius: 4px; }
"""


def page(
    title: str,
    body: str,
    *,
    status: int = 200,
    form_targets: Iterable[str] = (),
    cookies: Iterable[str] = (),
) -> HTMLResponse:
    """A whole page around `body` (already-escaped HTML), with the security headers every page gets.

    `form_targets` are origins (besides this one) a form's answer may redirect to; `cookies` are
    Set-Cookie header values."""
    nonce = secrets.token_urlsafe(16)
    html = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)} · intervyo MCP</title>\n"
        f'<style nonce="{nonce}">{_STYLE}</style>\n</head>\n<body>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
    targets = " ".join(["'self'", *(escape(target, quote=True) for target in form_targets)])
    response = HTMLResponse(html, status_code=status)
    response.headers["content-security-policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self'; form-action {targets}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["x-frame-options"] = "DENY"
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["referrer-policy"] = "no-referrer"
    response.headers["cache-control"] = "no-store"
    for cookie in cookies:
        response.headers.append("set-cookie", cookie)
    return response
