"""The sign-in cookie: two small HTTP routes beside the Streamlit app, and the cookie's signature.

Streamlit 1.67 cannot set a cookie from a script run (the script talks to the browser over the WebSocket;
streamlit/streamlit#14730 asks for that and is open). Its supported way to answer plain HTTP requests is
``st.App(..., routes=[...])`` (ASGI/Starlette, since 1.53; see the maintainers' note in
streamlit/streamlit#861), which ``streamlit run app.py`` serves. So:

* ``POST /api/sitzung`` with the JSON body ``{"code": "…"}``: the one-time activation code the app gave the
  browser right after a successful sign-in (:meth:`asskomm.store.sessions.UserSessions.start_session`). The answer sets
  the cookie ``asskomm_sitzung`` = an opaque random token plus its HMAC (key: Streamlit's
  ``server.cookieSecret``), ``HttpOnly``, ``SameSite=Strict``, ``Path=/``, ``Secure`` over HTTPS. The
  database keeps only the token's SHA-256 hash.
* ``POST /api/sitzung/ende``: ends the cookie's session in the database and deletes the cookie.

Both refuse requests whose ``Origin`` is another site. The app reads the cookie with ``st.context.cookies``
when a browser tab connects (:mod:`asskomm.ui.auth`). Nothing here logs a code or a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from asskomm.ui.accounts import accounts

COOKIE = "asskomm_sitzung"
API = "/api/sitzung"
_MOUNTED = False


def mounted() -> bool:
    """Whether this server process serves the routes (started as ``streamlit run app.py``)."""
    return _MOUNTED


def _secret() -> bytes:
    from streamlit import config

    return hashlib.sha256(b"asskomm-sitzung:" + str(config.get_option("server.cookieSecret")).encode()).digest()


def sign(token: str) -> str:
    mac = hmac.new(_secret(), token.encode("ascii"), hashlib.sha256).digest()
    return f"{token}.{base64.urlsafe_b64encode(mac).decode('ascii').rstrip('=')}"


def unsign(value: str | None) -> str | None:
    """The token of a cookie value whose signature is right, else None."""
    if not value or "." not in value or len(value) > 300:
        return None
    token, _, _mac = value.rpartition(".")
    try:
        token.encode("ascii")
    except UnicodeEncodeError:
        return None
    return token if hmac.compare_digest(sign(token), value) else None


def base_path() -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:  # browsers send Origin on every POST from a page; a missing one is not a page of ours
        return False
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return urlsplit(origin).netloc == host.split(",")[0].strip()


def _secure(request: Request) -> bool:
    proto = request.headers.get("x-forwarded-proto", request.url.scheme).split(",")[0].strip()
    return proto == "https" or os.environ.get("ASSKOMM_COOKIE_SECURE", "") in ("1", "ja", "true")


async def _activate(request: Request) -> Response:
    from asskomm.store.sessions import session_max_age

    if not _same_origin(request) or request.headers.get("content-type", "").split(";")[0] != "application/json":
        return Response(status_code=403)
    try:
        code = str(json.loads(await request.body()).get("code", ""))
    except (ValueError, AttributeError):
        return Response(status_code=400)
    token = await run_in_threadpool(lambda: accounts().activate_session(code))
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        COOKIE,
        sign(token),
        max_age=int(session_max_age().total_seconds()),
        path=base_path() or "/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


async def _end(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    token = unsign(request.cookies.get(COOKIE))
    if token:
        await run_in_threadpool(lambda: accounts().end_session(token=token))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(COOKIE, path=base_path() or "/", httponly=True, samesite="strict",
                           secure=_secure(request))
    return response


def routes() -> list[Route]:
    """The routes for ``st.App`` (see ``app.py``)."""
    global _MOUNTED
    _MOUNTED = True
    base = base_path()
    return [
        Route(f"{base}{API}", _activate, methods=["POST"]),
        Route(f"{base}{API}/ende", _end, methods=["POST"]),
    ]
