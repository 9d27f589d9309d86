"""The page's HTML names the first view's front-end chunks for preloading; nothing else changes (``ui.preload``)."""

from __future__ import annotations

import asyncio
import concurrent.futures

from asskomm.ui import preload

PAGE = b"<html><head><title>x</title></head><body></body></html>"


def _run(path: str, body: bytes, content_type: bytes = b"text/html", accept: bytes = b"gzip") -> tuple[dict, bytes, list]:
    seen_headers: list = []
    sent: list = []

    async def downstream(scope, receive, send):
        seen_headers.extend(scope["headers"])
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": [(b"accept-encoding", accept)]}
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # another test may run an event loop in this thread
        pool.submit(asyncio.run, preload.PreloadFirstView(downstream)(scope, None, send)).result()
    start = sent[0]
    return dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:]), seen_headers


def test_the_installed_streamlit_has_the_chunks():
    hints = preload.hints().decode()
    for chunk in ("Selectbox", "Slider", "Metric", "DownloadButton", "ComponentInstance", "Html"):
        assert f'href="./static/js/{chunk}.' in hints, chunk
    assert hints.count('rel="modulepreload"') >= len(preload.FIRST_VIEW_CHUNKS) - 5


def test_pages_get_the_hints_in_their_head():
    for path in ("/", "/kommune", "/karte/kommune"):
        headers, body, seen = _run(path, PAGE)
        assert body.count(b'rel="modulepreload"') == preload.hints().count(b'rel="modulepreload"')
        assert body.index(b"modulepreload") < body.index(b"</head>") < body.index(b"<body>")
        assert headers[b"content-length"] == str(len(body)).encode()
        assert b"accept-encoding" not in dict(seen)  # the page is read uncompressed


def test_everything_else_passes_unchanged():
    for path in ("/_stcore/health", "/static/js/index.js", "/app/static/leaflet/leaflet.js", "/component/x/index.html"):
        _, body, seen = _run(path, PAGE)
        assert body == PAGE and dict(seen)[b"accept-encoding"] == b"gzip", path
    _, body, _ = _run("/", b'{"a": "</head>"}', content_type=b"application/json")
    assert body == b'{"a": "</head>"}'
