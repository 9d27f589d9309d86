"""The security event log (BSI OPS.1.1.5.A3/A4, CON.8.A5): one JSON object per line on standard error.

A central log collector (journald, Docker's log driver) takes the lines as they are. Fields, in this order:
``ts`` (UTC, ISO 8601 with ``Z``), ``event`` (one of :data:`EVENTS`), ``outcome`` (``ok`` or ``denied``),
``user``, ``role``, ``client``, ``server`` (host name) and ``detail`` (short).

Who acts and from where is bound once per request or command with :func:`bind` (the UI binds the browser's
address, the CLI ``cli``), so deeper layers log an event without passing it on. Callers never hand over a
password, token, activation code or cookie value: there is no field for one, and ``detail`` is cut short.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import ipaddress
import json
import logging
import os
import socket
import sys
from collections.abc import Iterator

EVENTS = frozenset({
    "sign_in", "sign_in_failed", "locked", "unlocked", "sign_out", "session_expired",
    "password_changed", "user_added", "user_removed", "role_changed",
    "import", "export", "record_changed", "revert",
    "backup", "restore", "schema_upgrade",
    "retention", "erasure", "access_request",
})
OUTCOMES = ("ok", "denied")
MAX_USER = 64
MAX_DETAIL = 300
TRUSTED_PROXY_ENV = "ASSKOMM_TRUSTED_PROXY"

LOGGER = logging.getLogger("asskomm.security")
_actor: contextvars.ContextVar[tuple[tuple[str, str], ...]] = contextvars.ContextVar(
    "asskomm_security_actor", default=()
)


def _handler() -> logging.Handler:
    # Resolves sys.stderr at every write, so a redirected stderr (pytest's capture) gets the lines too.
    class _Stderr(logging.StreamHandler):
        @property
        def stream(self):  # type: ignore[override]
            return sys.stderr

        @stream.setter
        def stream(self, _value) -> None:
            pass

    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


if not LOGGER.handlers:
    LOGGER.addHandler(_handler())
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False  # Streamlit's root format would wrap the JSON


def _cut(value: object, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\n", " ").replace("\r", " ")
    return text[:limit]


def record(
    event: str,
    outcome: str = "ok",
    *,
    user: str | None = None,
    role: str | None = None,
    client: str | None = None,
    detail: str = "",
) -> dict[str, str | None]:
    """Write one event; fields not given come from :func:`bind`. Returns the logged object (for tests)."""
    if event not in EVENTS:
        raise ValueError(f"unknown security event {event!r}")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    bound = dict(_actor.get())
    entry = {
        "ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": event,
        "outcome": outcome,
        "user": _cut(user if user is not None else bound.get("user"), MAX_USER),
        "role": role if role is not None else bound.get("role"),
        "client": client if client is not None else bound.get("client"),
        "server": socket.gethostname(),
        "detail": _cut(detail, MAX_DETAIL) or "",
    }
    LOGGER.info(json.dumps(entry, ensure_ascii=False))
    return entry


@contextlib.contextmanager
def bind(*, user: str | None = None, role: str | None = None, client: str | None = None) -> Iterator[None]:
    """Within the block, events name this actor unless a call names another."""
    merged = dict(_actor.get())
    merged.update({k: v for k, v in {"user": user, "role": role, "client": client}.items() if v is not None})
    token = _actor.set(tuple(merged.items()))
    try:
        yield
    finally:
        _actor.reset(token)


def client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """The client's address: the peer, or, if the peer is the trusted proxy, the last hop it names.

    ``X-Forwarded-For`` is trusted only from the address in ``ASSKOMM_TRUSTED_PROXY`` (nginx appends the address
    it saw last, so the last entry is the one the proxy vouches for); from anyone else it is ignored.
    """
    trusted = (os.environ.get(TRUSTED_PROXY_ENV) or "").strip()
    if peer and forwarded_for and trusted and peer == trusted:
        last = forwarded_for.split(",")[-1].strip()
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_address(last))
    return peer
