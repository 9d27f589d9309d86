"""Sign-in sessions in the database (table ``user_sessions``).

Sessions hold on every app server and survive a reload or a new tab (the browser keeps only an opaque random
token in an HttpOnly cookie; the table holds its SHA-256 hash, never the token). A session ends after
``session_timeout()`` without activity (sliding; default 8 hours, ``ASSKOMM_SESSION_MINUTES``), at the latest
``session_max_age()`` after the sign-in (default 24 hours, ``ASSKOMM_SESSION_MAX_HOURS``), at sign-out, and
for all of a user's sessions at a password change, a lock or the removal of the account.

Starting a session is two steps: :meth:`UserSessions.start_session` (after a successful sign-in, in the app)
creates the session with a one-time *activation code*; the browser hands that code to the server route of
:mod:`asskomm.ui.webroutes` (a POST body, never a URL), which calls :meth:`UserSessions.activate_session` to
attach the cookie's token. Until then the session holds for the browser tab that signed in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import secrets
from typing import Any

import sqlalchemy as sa

from asskomm.store.account_tables import user_sessions, users
from asskomm.store.roles import User
from asskomm.store.rows import aware
from asskomm.store.schema import utc_now

DEFAULT_SESSION_MINUTES = 8 * 60
DEFAULT_SESSION_MAX_HOURS = 24
ACTIVATION_WINDOW = dt.timedelta(minutes=2)  # an activation code is good for this long, and once


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def session_timeout() -> dt.timedelta:
    """Inactivity after which a session ends (``ASSKOMM_SESSION_MINUTES``, default 480 = 8 hours)."""
    return dt.timedelta(minutes=max(_env_number("ASSKOMM_SESSION_MINUTES", DEFAULT_SESSION_MINUTES), 0.05))


def session_max_age() -> dt.timedelta:
    """Longest life of a session however active (``ASSKOMM_SESSION_MAX_HOURS``, default 24; at least the
    inactivity limit)."""
    hours = dt.timedelta(hours=max(_env_number("ASSKOMM_SESSION_MAX_HOURS", DEFAULT_SESSION_MAX_HOURS), 0.01))
    return max(hours, session_timeout())


def describe_timeout() -> str:
    """The inactivity limit in German words (»8 Stunden«, »30 Minuten«, »6 Sekunden«)."""
    seconds = int(session_timeout().total_seconds())
    if seconds % 3600 == 0:
        n, unit = seconds // 3600, ("Stunde", "Stunden")
    elif seconds % 60 == 0:
        n, unit = seconds // 60, ("Minute", "Minuten")
    else:
        n, unit = seconds, ("Sekunde", "Sekunden")
    return f"{n} {unit[0] if n == 1 else unit[1]}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class Session:
    """A sign-in session as the app sees it (never the token)."""

    id: int
    user: User
    last_ags: str | None = None


@dataclasses.dataclass(frozen=True)
class SessionCheck:
    """Result of looking up a session: the session, or why there is none (German, for a notice)."""

    session: Session | None
    ended: str = ""  # "" = never existed or signed out; otherwise a reason to tell the user


def session_expired(last_seen: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    if last_seen is None:
        return True
    now = now or utc_now()
    return now - last_seen > session_timeout()


def end_user_sessions(conn: sa.Connection, user_id: int) -> None:
    """End every session of a user (password change, lock, removal)."""
    conn.execute(user_sessions.delete().where(user_sessions.c.user_id == user_id))


class UserSessions:
    """Accounts methods: starting, checking and ending sign-in sessions."""

    def start_session(self, user: User, now: dt.datetime | None = None) -> tuple[int, str]:
        """A new session for a signed-in user: (its id, a one-time activation code for the cookie route)."""
        now = now or utc_now()
        code = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            sid = conn.execute(
                user_sessions.insert().values(
                    user_id=user.id, activation_hash=token_hash(code), created_at=now, last_seen_at=now
                )
            ).inserted_primary_key[0]
            self._purge_sessions(conn, now)
        return int(sid), code

    def activate_session(self, code: str, now: dt.datetime | None = None) -> str | None:
        """Exchange a fresh, unused activation code for the session's cookie token (or None)."""
        now = now or utc_now()
        if not code or len(code) > 200:
            return None
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(user_sessions).where(user_sessions.c.activation_hash == token_hash(code))
            ).first()
            if row is None or now - aware(row.created_at) > ACTIVATION_WINDOW:
                return None
            done = conn.execute(
                user_sessions.update()
                .where(user_sessions.c.id == row.id, user_sessions.c.activation_hash == row.activation_hash)
                .values(activation_hash=None, token_hash=token_hash(token))
            )
            if done.rowcount != 1:  # used by a concurrent request
                return None
        return token

    def session_by_token(self, token: str, now: dt.datetime | None = None) -> SessionCheck:
        return self._check_session(user_sessions.c.token_hash == token_hash(token or ""), now)

    def session_by_id(self, sid: int, now: dt.datetime | None = None) -> SessionCheck:
        return self._check_session(user_sessions.c.id == int(sid), now)

    def _check_session(self, where: Any, now: dt.datetime | None, touch: bool = True) -> SessionCheck:
        """Look a session up; end it if it is too old or its user is locked; slide its inactivity limit."""
        now = now or utc_now()
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(user_sessions, users.c.name, users.c.role, users.c.active, users.c.last_login_at)
                .join(users, users.c.id == user_sessions.c.user_id)
                .where(where)
            ).first()
        if row is None:
            return SessionCheck(None)
        ended = ""
        if not row.active:
            ended = "Ihr Konto ist nicht mehr aktiv. Bitte an die Administration wenden."
        elif now - aware(row.last_seen_at) > session_timeout():
            ended = f"Ihre Sitzung ist nach {describe_timeout()} ohne Aktivität abgelaufen. Bitte neu anmelden."
        elif now - aware(row.created_at) > session_max_age():
            ended = "Ihre Sitzung ist abgelaufen (Höchstdauer erreicht). Bitte neu anmelden."
        if ended:
            if touch:  # a periodic check only reports; the next real use ends it and says why
                self.end_session(row.id)
            return SessionCheck(None, ended)
        # Sliding: record activity, but write at most every tenth of the limit (and at most once a minute).
        if touch and now - aware(row.last_seen_at) > min(session_timeout() / 10, dt.timedelta(minutes=1)):
            with self.engine.begin() as conn:
                conn.execute(user_sessions.update().where(user_sessions.c.id == row.id).values(last_seen_at=now))
        user = User(row.user_id, row.name, row.role, bool(row.active), aware(row.last_login_at))
        return SessionCheck(Session(int(row.id), user, row.last_ags))

    def session_alive(self, sid: int, now: dt.datetime | None = None) -> bool:
        """Whether a session still holds, without counting this as activity (for periodic checks)."""
        return self._check_session(user_sessions.c.id == int(sid), now, touch=False).session is not None

    def end_session(self, sid: int | None = None, *, token: str | None = None) -> None:
        with self.engine.begin() as conn:
            if sid is not None:
                conn.execute(user_sessions.delete().where(user_sessions.c.id == int(sid)))
            if token:
                conn.execute(user_sessions.delete().where(user_sessions.c.token_hash == token_hash(token)))

    def remember_ags(self, sid: int, ags: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(user_sessions.update().where(user_sessions.c.id == int(sid)).values(last_ags=ags))

    def session_count(self, name: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(user_sessions.join(users, users.c.id == user_sessions.c.user_id))
                    .where(users.c.name == name)
                ).scalar_one()
            )

    @staticmethod
    def _purge_sessions(conn: sa.Connection, now: dt.datetime) -> None:
        """Drop sessions that can no longer be used (keeps the table small)."""
        conn.execute(
            user_sessions.delete().where(
                sa.or_(
                    user_sessions.c.last_seen_at < now - session_timeout(),
                    user_sessions.c.created_at < now - session_max_age(),
                )
            )
        )
