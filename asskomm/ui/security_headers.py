"""Security headers on every HTTP response of the app server (BSI CON.10.A14, APP.3.1.A21), set by the app
itself (an ASGI middleware of ``app.py``), so that they hold without nginx too.

* ``Content-Security-Policy``: :data:`BASELINE` (only the app's own origin, no plug-ins, no foreign frames)
  plus the :data:`RELAXATIONS` that Streamlit 1.67 and the map really need; each was measured in Chromium
  (``tests/browser/test_browser_security_headers.py`` sends the baseline as a report-only policy beside the real
  one and finds a violation for every relaxation, and none of the real policy). ``frame-ancestors`` comes from
  ``ASSKOMM_FRAME_ANCESTORS`` (default ``'self'``).
* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (``no-referrer`` would make the browser
  send ``Origin: null`` on the app's own sign-in POST, which ``ui.webroutes`` then refuses),
  ``Permissions-Policy`` denying every device and tracking feature the app does not use.
* ``Cache-Control: no-store`` on downloads (``/media/…``: exports may hold contact data) and on the sign-in
  routes (``/anmelden``, ``/api/sitzung…``).
* ``TRACE``/``TRACK`` are answered 405.

``ASSKOMM_CSP_REPORT_ONLY=1`` also sends the baseline as ``Content-Security-Policy-Report-Only``: after a
Streamlit update the browser console then shows what each relaxation is still used for.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

FRAME_ANCESTORS_ENV = "ASSKOMM_FRAME_ANCESTORS"
REPORT_ONLY_ENV = "ASSKOMM_CSP_REPORT_ONLY"
#: The map's iframe (streamlit-folium's component page and its files).
MAP_FRAME_PREFIX = "/component/streamlit_folium.st_folium/"

BASELINE: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'",),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "frame-src": ("'self'",),
    "worker-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
}


@dataclass(frozen=True)
class Relaxation:
    directive: str
    source: str
    where: str  # "page" (Streamlit's document) or "map" (the map's iframe)
    reason: str


RELAXATIONS: tuple[Relaxation, ...] = (
    Relaxation("script-src", "sha256 hashes", "page",
               "the few inline scripts of the page, each allowed by its SHA-256 (not 'unsafe-inline'): Streamlit's "
               "own window.prerenderReady in its index.html and the app's st.html scripts (ui.page_scripts: "
               "german.js, the skip link to the table, the sign-in cookie fetch)"),
    Relaxation("style-src", "'unsafe-inline'", "page",
               "Streamlit's components write their CSS as <style> elements at run time (emotion, styled-components) "
               "and React sets style attributes; Streamlit has no nonce option for them"),
    Relaxation("img-src", "data:", "page", "the page icon: Streamlit turns the emoji of st.set_page_config into a "
               "data: SVG"),
    Relaxation("font-src", "data:", "page", "a small font that Streamlit's own CSS embeds as a data: URL"),
    Relaxation("script-src", "'unsafe-inline'", "map",
               "streamlit-folium runs the map's script by writing it into a new <script> element; the map's HTML "
               "is built by the app from escaped data (render.mapbase, render.mapstatus)"),
    Relaxation("script-src", "'unsafe-eval'", "map",
               "streamlit-folium applies each filter change with eval() of the status layers' script"),
    Relaxation("style-src", "'unsafe-inline'", "map", "the component page and Leaflet style the map's elements inline"),
)
_PERMISSIONS = (
    "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media",
    "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
    "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in _PERMISSIONS)
NO_STORE = b"no-store"
_SOURCE = re.compile(r"'self'|'none'|https?://[A-Za-z0-9.\-]+(:\d{1,5})?|https?://\*\.[A-Za-z0-9.\-]+")


def frame_ancestors() -> str:
    """``ASSKOMM_FRAME_ANCESTORS`` if every entry is ``'self'``, ``'none'`` or an origin; else ``'self'`` (logged)."""
    value = (os.environ.get(FRAME_ANCESTORS_ENV) or "").strip()
    if not value:
        return "'self'"
    # ``self``/``none`` without quotes too (an .env file eats the quotes easily)
    sources = [f"'{s}'" if s in ("self", "none") else s for s in value.split()]
    if all(_SOURCE.fullmatch(s) for s in sources) and not ("'none'" in sources and len(sources) > 1):
        return " ".join(sources)
    logging.getLogger("asskomm").error("%s ignored (not a list of origins): %r", FRAME_ANCESTORS_ENV, value[:200])
    return "'self'"


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def streamlit_inline_scripts() -> list[str]:
    """The texts of the inline ``<script>`` elements of Streamlit's index.html (read from the installed package)."""
    import streamlit

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    text = index.read_text(encoding="utf-8") if index.is_file() else ""
    return re.findall(r"<script>(.*?)</script>", text, re.S)


def app_inline_scripts() -> list[str]:
    """The app's own scripts for ``st.html(..., unsafe_allow_javascript=True)``: only these may run inline."""
    from asskomm.ui import page_scripts

    return list(page_scripts.ALL)


def policy_text(directives: dict[str, tuple[str, ...]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def policies(ancestors: str | None = None) -> dict[str, str]:
    """The Content-Security-Policy for ``page`` (everything but the map) and for ``map`` (the map's iframe)."""
    ancestors = ancestors or frame_ancestors()
    result = {}
    for where in ("page", "map"):
        directives = {name: list(sources) for name, sources in BASELINE.items()}
        for relax in RELAXATIONS:
            if relax.where != where:
                continue
            if relax.source == "sha256 hashes":
                scripts = streamlit_inline_scripts() + app_inline_scripts()
                directives[relax.directive] += sorted({_hash(s) for s in scripts})
            else:
                directives[relax.directive].append(relax.source)
        directives["frame-ancestors"] = [ancestors]
        result[where] = policy_text({k: tuple(v) for k, v in directives.items()})
    return result


def baseline_text(ancestors: str | None = None) -> str:
    return policy_text({**BASELINE, "frame-ancestors": (ancestors or frame_ancestors(),)})


def _no_store(path: str) -> bool:
    return "/media/" in path or path.rstrip("/").endswith("/anmelden") or "/api/sitzung" in path


class SecurityHeaders:
    """ASGI middleware (``st.App(middleware=...)``): the headers above on every HTTP response."""

    def __init__(self, app) -> None:
        self.app = app
        from asskomm.ui import webroutes

        self.base = webroutes.base_path()
        ancestors = frame_ancestors()
        self.policies = {k: v.encode("ascii") for k, v in policies(ancestors).items()}
        self.report_only = (
            baseline_text(ancestors).encode("ascii")
            if os.environ.get(REPORT_ONLY_ENV, "").strip().lower() in ("1", "ja", "true")
            else None
        )
        legacy = {"'self'": b"SAMEORIGIN", "'none'": b"DENY"}.get(ancestors)
        self.common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"permissions-policy", PERMISSIONS_POLICY.encode("ascii")),
            *([(b"x-frame-options", legacy)] if legacy else []),
        ]

    def headers_for(self, path: str) -> list[tuple[bytes, bytes]]:
        local = path[len(self.base):] if self.base and path.startswith(self.base) else path
        where = "map" if local.startswith(MAP_FRAME_PREFIX) else "page"
        headers = [*self.common, (b"content-security-policy", self.policies[where])]
        if self.report_only:
            headers.append((b"content-security-policy-report-only", self.report_only))
        if _no_store(local):
            headers.append((b"cache-control", NO_STORE))
        return headers

    async def __call__(self, scope, receive, send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        added = self.headers_for(scope.get("path", ""))
        if scope.get("method", "").upper() in ("TRACE", "TRACK"):
            await send({"type": "http.response.start", "status": 405,
                        "headers": [*added, (b"allow", b"GET, HEAD, POST, PUT, DELETE, OPTIONS"),
                                    (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        names = {name for name, _ in added}

        async def send_with_headers(message) -> None:
            if message.get("type") == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*kept, *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
