"""Uploads only for signed-in editors (BSI CON.10.A5, APP.3.1.A4): an ASGI middleware of ``app.py``.

Streamlit 1.67 accepts ``PUT /_stcore/upload_file/<session>/<file>`` for any live session, also on pages without
an uploader, and keeps the file in memory: any visitor could fill the server's memory. Its upload route has no
hook for the app, and the request carries only the Streamlit session's id in its path; what that session signed
in as lives in the session's ``st.session_state``, which Streamlit offers no public way to read from outside a
script run (only its private ``Runtime._session_mgr``). The browser does send the app's own sign-in cookie
(``asskomm_sitzung``, same origin) with the upload, so this gate checks that: the cookie must belong to a live
database session of a user who may import (role »Bearbeiter« or higher, read from the database now). Anything
else gets 403 before Streamlit reads the body. The upload's size is capped by ``server.maxUploadSize``
(``.streamlit/config.toml``) and, behind the proxy, by nginx.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

UPLOAD_PATH = "/_stcore/upload_file/"
ROLE = "bearbeiter"


def _cookie(scope, name: str) -> str | None:
    from http.cookies import CookieError, SimpleCookie

    for key, value in scope.get("headers", []):
        if key.lower() == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                return None
            if name in jar:
                return jar[name].value
    return None


def may_upload(cookie_value: str | None) -> bool:
    """Whether the sign-in cookie belongs to a live session of a user who may import (checked in the database)."""
    from asskomm.ui import webroutes

    token = webroutes.unsign(cookie_value)
    if token is None:
        return False
    from asskomm.ui.accounts import accounts

    try:
        check = accounts().session_by_token(token)
    except Exception:  # database unreachable: no upload either
        return False
    return check.session is not None and check.session.user.can(ROLE)


class EditorsOnlyUploads:
    """Refuse ``PUT``/``POST`` to Streamlit's upload route unless the browser is signed in as an editor."""

    def __init__(self, app) -> None:
        self.app = app
        from asskomm.ui import webroutes

        self.path = webroutes.base_path() + UPLOAD_PATH

    async def __call__(self, scope, receive, send) -> None:
        if (
            scope.get("type") == "http"
            and scope.get("method", "").upper() in ("PUT", "POST")
            and scope.get("path", "").startswith(self.path)
        ):
            from asskomm.ui import webroutes

            if not await run_in_threadpool(may_upload, _cookie(scope, webroutes.COOKIE)):
                body = b"Hochladen nur nach der Anmeldung als Bearbeiter."
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
