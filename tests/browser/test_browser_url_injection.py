"""In the real renderer: URL parameters echoed in the app's notices show as text, never as a link or an image
(issue 25, point 8; the AppTest of every page and parameter is tests/pages/test_url_params_inert.py).

Streamlit's markdown turns URLs, www. and e-mail addresses into links even when every character is
backslash-escaped; only a code span keeps them text. This test is what the AppTest's oracle is built on."""

from __future__ import annotations

from urllib.parse import urlencode

import harness
import pytest

pytestmark = pytest.mark.browser

LINK = "[Sitzung abgelaufen – bitte hier neu anmelden](https://evil.example/login)"
MIXED = "``x` ![b](https://evil.example/x.png)\n\nwww.evil.example chef@evil.example :material/lock:"
URLS = (
    ("", {"stand": LINK, "kreis": MIXED, "problemfeld": LINK}),
    ("bericht", {"stichtag": LINK, "region": MIXED}),
    ("kommune", {"ags": LINK}),
    ("kommune", {"ags": "14626110", "stand": MIXED}),
)


@pytest.mark.parametrize(("path", "params"), URLS, ids=["karte", "bericht", "kommune-ags", "kommune-stand"])
def test_echoed_parameters_are_text_not_links(page, app_url, path, params, screenshot):
    page.goto(f"{app_url}/{path}?{urlencode(params)}")
    harness.wait_for_app_idle(page)
    notices = page.locator('[data-testid="stAlertContainer"]')
    notices.filter(has_text="evil.example").first.wait_for()
    assert page.locator('a[href*="evil"]').count() == 0
    assert page.locator('img[src*="evil"]').count() == 0
    assert page.locator('[data-testid="stAlertContainer"] [data-testid="stIconMaterial"]', has_text="lock").count() == 0
    shown = " ".join(notices.all_inner_texts())
    assert "https://evil.example" in shown or "www.evil.example" in shown  # visible, as text
    if path == "":
        screenshot("url-injection-karte", full_page=False)
