"""HTTP caching for the content-named map geometry (``static/generated/karte-geometrie-<hash>.js``).

Streamlit serves ``static/`` without a ``Cache-Control`` header, so a browser asks again (or guesses) on every
visit. The geometry file's name changes with its content (``asskomm.geo.geometry_file``), so it may be kept for a
year without asking: a second visit, a new tab or a reload draws the map without loading 300 KB again.
"""

from __future__ import annotations

import re

from asskomm.geo import geometry_file

IMMUTABLE = b"public, max-age=31536000, immutable"
_CONTENT_NAMED = re.compile(
    rf"/app/static/{geometry_file.GENERATED}/{re.escape(geometry_file.PREFIX)}[0-9a-f]{{16}}\.js$"
)


class ImmutableGeometry:
    """ASGI middleware (``st.App(middleware=...)``): the content-named geometry file is cached for a year."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope.get("type") != "http" or not _CONTENT_NAMED.search(scope.get("path", "")):
            await self.app(scope, receive, send)
            return

        async def send_cached(message) -> None:
            if message.get("type") == "http.response.start" and message.get("status") == 200:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                message = {**message, "headers": [*headers, (b"cache-control", IMMUTABLE)]}
            await send(message)

        await self.app(scope, receive, send_cached)
