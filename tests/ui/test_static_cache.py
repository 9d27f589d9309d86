"""The content-named map geometry is cached for a year; nothing else changes (``ui.static_cache``)."""

from __future__ import annotations

import asyncio
import concurrent.futures

from asskomm.ui.static_cache import IMMUTABLE, ImmutableGeometry


def _headers(path: str, status: int = 200) -> dict[bytes, bytes]:
    sent = []

    async def downstream(scope, receive, send):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/javascript"), (b"cache-control", b"no-cache")]})
        await send({"type": "http.response.body", "body": b"x"})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "method": "GET", "headers": []}
    # in a thread of its own: another test may have left an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, ImmutableGeometry(downstream)(scope, None, send)).result()
    assert sent[1]["body"] == b"x"
    return dict(sent[0]["headers"])


def test_content_named_geometry_is_immutable():
    headers = _headers("/app/static/generated/karte-geometrie-0123456789abcdef.js")
    assert headers[b"cache-control"] == IMMUTABLE and headers[b"content-type"] == b"text/javascript"
    # also behind a base path (the proxy's /karte/)
    assert _headers("/karte/app/static/generated/karte-geometrie-0123456789abcdef.js")[b"cache-control"] == IMMUTABLE


def test_other_files_and_errors_keep_their_headers():
    for path in ("/app/static/leaflet/leaflet.js", "/app/static/generated/karte-geometrie-x.js", "/"):
        assert _headers(path)[b"cache-control"] == b"no-cache", path
    assert _headers("/app/static/generated/karte-geometrie-0123456789abcdef.js", status=404)[b"cache-control"] == (
        b"no-cache"
    )
