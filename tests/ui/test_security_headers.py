"""The security headers middleware without a server (``ui.security_headers``); the browser side is measured in
tests/browser/test_browser_security_headers.py."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib

import pytest

from asskomm.ui import page_scripts, security_headers
from asskomm.ui.security_headers import SecurityHeaders


def _run(path: str, method: str = "GET", env: dict | None = None, monkeypatch=None):
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    sent, called = [], []

    async def downstream(scope, receive, send):
        called.append(scope["path"])
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"cache-control", b"no-cache"), (b"x-content-type-options", b"nosniff")]})
        await send({"type": "http.response.body", "body": b"x"})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "method": method, "headers": []}
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # another test may have left a loop in this thread
        pool.submit(asyncio.run, SecurityHeaders(downstream)(scope, None, send)).result()
    headers: dict[bytes, list[bytes]] = {}
    for key, value in sent[0]["headers"]:
        headers.setdefault(key, []).append(value)
    return sent[0]["status"], headers, called


def test_every_response_gets_the_headers_once(monkeypatch):
    status, headers, _ = _run("/kommune", monkeypatch=monkeypatch)
    assert status == 200
    assert headers[b"x-content-type-options"] == [b"nosniff"]
    assert headers[b"referrer-policy"] == [b"same-origin"]
    assert headers[b"cache-control"] == [b"no-cache"]
    (csp,) = headers[b"content-security-policy"]
    assert b"object-src 'none'" in csp and b"frame-ancestors 'self'" in csp and b"base-uri 'self'" in csp


@pytest.mark.parametrize("path", ["/media/abc.csv", "/anmelden", "/api/sitzung", "/api/sitzung/ende", "/karte/media/x"])
def test_downloads_and_sign_in_routes_are_not_stored(monkeypatch, path):
    assert _run(path, monkeypatch=monkeypatch)[1][b"cache-control"] == [b"no-store"]


def test_trace_is_answered_405_without_reaching_the_app(monkeypatch):
    status, headers, called = _run("/", "TRACE", monkeypatch=monkeypatch)
    assert status == 405 and not called and b"TRACE" not in headers[b"allow"][0]


def test_inline_scripts_are_allowed_by_hash_only():
    page = security_headers.policies("'self'")["page"]
    script_src = next(d for d in page.split("; ") if d.startswith("script-src "))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    for text in page_scripts.ALL + tuple(security_headers.streamlit_inline_scripts()):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert "window.prerenderReady" in "".join(security_headers.streamlit_inline_scripts())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "'self'"),
        ("https://www.sachsen.de 'self'", "https://www.sachsen.de 'self'"),
        ("'none'", "'none'"),
        ("self https://karte.example:8443", "'self' https://karte.example:8443"),
        ("https://a.example; script-src *", "'self'"),  # another directive smuggled in: ignored
        ("*", "'self'"),
        ("'none' https://a.example", "'self'"),
    ],
)
def test_frame_ancestors_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(security_headers.FRAME_ANCESTORS_ENV, raising=False)
    else:
        monkeypatch.setenv(security_headers.FRAME_ANCESTORS_ENV, value)
    assert security_headers.frame_ancestors() == expected


def test_an_embedding_site_gets_no_x_frame_options(monkeypatch):
    _, headers, _ = _run("/", env={security_headers.FRAME_ANCESTORS_ENV: "https://www.sachsen.de"},
                         monkeypatch=monkeypatch)
    assert b"frame-ancestors https://www.sachsen.de" in headers[b"content-security-policy"][0]
    assert b"x-frame-options" not in headers
