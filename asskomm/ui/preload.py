"""Resource hints for the page: the front-end code of the first view's elements is fetched at once.

Streamlit loads the code of most elements (select boxes, slider, metric, download button, component frame, …) only
when the first message with such an element arrives, one chunk after another. The page is drawn when all of them
are there, so on the start page the map waited about a second for that chain. This middleware adds
``<link rel="modulepreload">`` for those chunks to the page's HTML (Streamlit's own ``index.html`` preloads only its
core the same way), so the browser fetches them while the WebSocket is still connecting. Nothing is held back;
the chunk names are looked up in the installed Streamlit (a name that is not there is left out).
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit

#: Chunks (file name up to the first dot) of the elements the pages draw first: filters, Zeitraffer,
#: cards, links, downloads, the map's frame, and their shared helpers.
FIRST_VIEW_CHUNKS = (
    "Html", "purify", "Selectbox", "Autocomplete", "useMenuTrigger", "useCollator", "Input", "useLoadMoreSentinel",
    "_baseMap", "useFormValidation", "useTextField", "useSyncComboBoxEnterTargetFocus", "sortBy", "useFormReset",
    "Cancel", "useField", "useFilter", "ErrorOutline", "WidgetLabel", "WidgetLabelHelpIcon", "useBasicWidgetState",
    "requiredField", "Multiselect", "Slider", "moment", "formatNumber", "numbro", "withCalculatedWidth",
    "sprintfjs", "formatMoment", "Checkbox", "WidgetLabelHelpIconInline", "useSlot", "Button",
    "checkboxIndicatorStyles", "LinkButton", "Metric", "printWidthCap", "loadVegaEmbed", "urls", "IFrameUtil",
    "ComponentInstance", "CustomTheme", "DownloadButton", "createDownloadLinkElement",
)
_NOT_PAGES = ("/_stcore/", "/static/", "/app/static/", "/component/", "/media/", "/api/")


@functools.lru_cache(maxsize=1)
def hints() -> bytes:
    """The ``<link rel="modulepreload">`` tags of :data:`FIRST_VIEW_CHUNKS` found in the installed Streamlit."""
    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    wanted = set(FIRST_VIEW_CHUNKS)
    names = sorted(p.name for p in js.glob("*.js") if p.name.split(".", 1)[0] in wanted)
    return "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{n}">' for n in names).encode()


class PreloadFirstView:
    """ASGI middleware (``st.App(middleware=...)``): the page's HTML gets :func:`hints` before ``</head>``."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope.get("type") != "http" or scope.get("method") != "GET" or any(p in path for p in _NOT_PAGES):
            await self.app(scope, receive, send)
            return
        # the page itself, uncompressed (a few KB), so that the hints can be put in
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        start: dict = {}
        body = bytearray()

        async def collect(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            page_start, page = _with_hints(start, bytes(body))
            await send(page_start)
            await send({"type": "http.response.body", "body": page})

        await self.app({**scope, "headers": headers}, receive, collect)


def _with_hints(start: dict, body: bytes) -> tuple[dict, bytes]:
    """The response, with the hints when it is an HTML page (anything else passes unchanged)."""
    headers = start.get("headers", [])
    html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
    if start.get("status") == 200 and html and b"</head>" in body:
        body = body.replace(b"</head>", hints() + b"</head>", 1)
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
    return {**start, "headers": headers}, body
