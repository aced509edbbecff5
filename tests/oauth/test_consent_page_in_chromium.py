"""The consent page in a real browser (Debian's headless chromium, driven by Playwright): it renders,
every field has a label, text meets WCAG AA contrast, a wrong key is announced, and the form's answer
reaches the client's redirect URI (which the page's `form-action` must allow). The screenshots land in
docs/ for the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import pytest
from oauth_support import REDIRECT_URI, Site, authorize_url, pkce, register, signed_in_site
from prerequisites import CHROMIUM, CHROMIUM_FLAGS

pytestmark = [pytest.mark.anyio, pytest.mark.chromium]

DOCS = Path(__file__).resolve().parents[2] / "docs"

# Runs in the page: every visible form control's label, and the contrast of every text element against
# the first opaque background behind it (WCAG 2 relative luminance).
_AUDIT = """() => {
  const unlabelled = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map(el => el.name);
  const unnamedButtons = [...document.querySelectorAll('button')].filter(b => !b.textContent.trim()).length;
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 :
    Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el)
    .backgroundColor); if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const low = [];
  let checked = 0;
  for (const el of document.querySelectorAll('h1, p, label, legend, button, a, strong, span, div, td, th')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    checked++;
    const [a, b] = [lum(rgb(getComputedStyle(el).color).slice(0, 3)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(el.tagName + ': ' + ratio.toFixed(2));
  }
  return {lang: document.documentElement.lang, h1: document.querySelectorAll('h1').length,
          unlabelled, unnamedButtons, low, checked};
}"""


@pytest.fixture
def chromium() -> str:
    return CHROMIUM


async def _consent_url(site: Site) -> str:
    client = await register(site, client_name="Claude")
    _, challenge = pkce()
    return authorize_url(site, str(client["client_id"]), challenge)


async def test_the_consent_page_renders_accessibly_and_signs_in_in_chromium(
    chromium: str, sandbox: Any, make_settings: Any, tmp_path: Path
) -> None:
    from playwright.async_api import Route, async_playwright

    DOCS.mkdir(exist_ok=True)
    with signed_in_site(make_settings(api_base_url=sandbox.base_url), state_dir=str(tmp_path)) as site:
        url = await _consent_url(site)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            try:
                page = await browser.new_page(viewport={"width": 800, "height": 1000})
                await page.goto(url)
                assert await page.title() == "Connect to intervyo · intervyo MCP"
                audit = await page.evaluate(_AUDIT)
                assert audit.pop("checked") >= 15  # the contrast check saw the page's text
                assert audit == {"lang": "en", "h1": 1, "unlabelled": [], "unnamedButtons": 0, "low": []}
                await page.screenshot(path=str(DOCS / "consent-page.png"), full_page=True)

                await page.get_by_label("intervyo API key").fill("iv_live_not_a_real_key_000000")
                await page.get_by_role("button", name="Allow").click()
                alert = page.get_by_role("alert")
                assert "did not accept that API key" in await alert.inner_text()
                assert (await page.evaluate(_AUDIT))["low"] == []
                await page.screenshot(path=str(DOCS / "consent-page-wrong-key.png"), full_page=True)

                arrived: list[str] = []

                async def at_client(route: Route) -> None:
                    arrived.append(route.request.url)
                    await route.fulfill(status=200, content_type="text/plain", body="back at the client")

                await page.route(REDIRECT_URI + "*", at_client)
                await page.get_by_label("intervyo API key").fill(sandbox.demo_key)
                await page.get_by_role("button", name="Allow").click()
                await page.wait_for_url(REDIRECT_URI + "*")
                assert arrived and "code=ivo_ac_" in arrived[0]
            finally:
                await browser.close()
        async with httpx2.AsyncClient(timeout=10) as http:
            assert (await http.get(site.origin + "/oauth/grants")).status_code == 200
