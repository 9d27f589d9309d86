"""Local accounts: users table, argon2 password hashes, roles, throttled sign-in, session expiry.

Pure logic on top of the store's database (no Streamlit): the sign-in page and ``python -m asskomm user``
both call :class:`Accounts`.

* Roles, lowest first: ``betrachter`` (public data only), ``bearbeiter`` (edits records, imports files,
  sees KPR contact data), ``admin`` (also manages users). A higher role includes the lower ones.
* Passwords are stored only as argon2id hashes (``argon2-cffi``); there is no default password and no
  way to read a password back. Unknown names are verified against a dummy hash so that the time taken
  does not reveal which names exist.
* Failed sign-ins are counted per user name in the database (table ``login_throttle``), also for names
  that do not exist: after ``FREE_ATTEMPTS`` failures every further attempt must wait
  ``2 ** (failures - FREE_ATTEMPTS)`` seconds (capped at ``MAX_DELAY``); while the wait runs, attempts
  are refused without checking the password. A successful sign-in clears the counter.
* Sign-in sessions live in the database (table ``user_sessions``), so they hold on every app server and
  survive a reload or a new tab (the browser keeps only an opaque random token in an HttpOnly cookie; the
  table holds its SHA-256 hash, never the token). A session ends after ``session_timeout()`` without
  activity (sliding; default 8 hours, ``ASSKOMM_SESSION_MINUTES``), at the latest ``session_max_age()``
  after the sign-in (default 24 hours, ``ASSKOMM_SESSION_MAX_HOURS``), at sign-out, and for all of a
  user's sessions at a password change, a lock or the removal of the account.
* Starting a session is two steps: :meth:`Accounts.start_session` (after a successful sign-in, in the
  app) creates the session with a one-time *activation code*; the browser hands that code to the server
  route of :mod:`asskomm.webroutes` (a POST body, never a URL), which calls :meth:`Accounts.activate_session`
  to attach the cookie's token. Until then the session holds for the browser tab that signed in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import secrets
import uuid
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from asskomm.store import database as st_
from asskomm.store.rows import audit_entry
from asskomm.store.schema import audit_log, metadata

ROLES = ("betrachter", "bearbeiter", "admin")
ROLE_LABELS = {"betrachter": "Betrachter", "bearbeiter": "Bearbeiter", "admin": "Administrator"}
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
FREE_ATTEMPTS = 3
MAX_DELAY = dt.timedelta(minutes=15)
DEFAULT_SESSION_MINUTES = 8 * 60
DEFAULT_SESSION_MAX_HOURS = 24
ACTIVATION_WINDOW = dt.timedelta(minutes=2)  # an activation code is good for this long, and once
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("last_login_at", sa.DateTime(timezone=True)),
)
login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),  # folded user name, whether it exists or not
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("last_failure_at", sa.DateTime(timezone=True)),
    sa.Column("blocked_until", sa.DateTime(timezone=True)),
)

# One row per sign-in (browser, not tab): the token's hash, its user, when it started and was last used.
user_sessions = sa.Table(
    "user_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), unique=True),  # SHA-256 hex of the cookie's token (after activation)
    sa.Column("activation_hash", sa.String(64), unique=True),  # SHA-256 hex of the one-time code (until used)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_ags", sa.String(8)),  # the Gemeinde last opened on the Kommune page
)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("dummy password for unknown user names")


class AuthError(ValueError):
    """A German message for the user (invalid name, weak password, unknown role, ...)."""


@dataclasses.dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool = True
    last_login_at: dt.datetime | None = None

    def can(self, role: str) -> bool:
        return has_role(self.role if self.active else None, role)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclasses.dataclass(frozen=True)
class SignIn:
    ok: bool
    user: User | None = None
    message: str = ""
    wait_seconds: int = 0


def has_role(role: str | None, required: str) -> bool:
    """Whether ``role`` includes ``required`` (``None`` = not signed in: only public data)."""
    if required not in ROLES:
        raise ValueError(f"unknown role {required!r}")
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(required)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise AuthError(
            "Ungültiger Benutzername: 2 bis 64 Zeichen, Buchstaben (ohne Umlaute), Ziffern, Punkt, Bindestrich, "
            "Unterstrich oder @; am Anfang ein Buchstabe oder eine Ziffer."
        )
    return name


def check_password(password: str, name: str = "") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD_LENGTH} Zeichen.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthError(f"Das Passwort ist zu lang: höchstens {MAX_PASSWORD_LENGTH} Zeichen.")
    if name and password.strip().lower() == name.strip().lower():
        raise AuthError("Das Passwort darf nicht der Benutzername sein.")
    if len(set(password)) < 4:
        raise AuthError("Das Passwort ist zu einfach (zu wenige verschiedene Zeichen).")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"Unbekannte Rolle »{role}«. Erlaubt: {', '.join(ROLES)}.")
    return role


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


def throttle_delay(failures: int) -> dt.timedelta:
    """The wait imposed after ``failures`` consecutive failed attempts."""
    if failures < FREE_ATTEMPTS:
        return dt.timedelta(0)
    exponent = min(failures - FREE_ATTEMPTS, 20)  # 2**20 s is far above the cap; avoids an overflow
    return min(dt.timedelta(seconds=2**exponent), MAX_DELAY)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _user(row: Any) -> User:
    return User(row.id, row.name, row.role, bool(row.active), _aware(row.last_login_at))


class Accounts:
    """User accounts in the store's database."""

    def __init__(self, store: st_.Store) -> None:
        self.store = store
        self.engine = store.engine
        users.create(self.engine, checkfirst=True)
        login_throttle.create(self.engine, checkfirst=True)
        user_sessions.create(self.engine, checkfirst=True)

    # -- reading
    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == (name or "").strip())).first()
        return _user(row) if row else None

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]

    def count_admins(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(users)
                    .where(users.c.role == "admin", users.c.active.is_(True))
                ).scalar_one()
            )

    # -- managing
    def add(self, name: str, password: str, role: str, *, actor: str) -> User:
        name = check_name(name)
        check_role(role)
        check_password(password, name)
        now = utc_now()
        with self.engine.begin() as conn:
            exists = conn.execute(sa.select(users.c.id).where(users.c.name == name)).first()
            if exists:
                raise AuthError(f"Den Benutzer »{name}« gibt es schon.")
            uid = conn.execute(
                users.insert().values(
                    name=name,
                    role=role,
                    password_hash=hash_password(password),
                    active=True,
                    created_at=now,
                    created_by=actor,
                )
            ).inserted_primary_key[0]
            self._audit(conn, actor, "insert", uid, None, {"name": name, "role": role, "active": True})
        return User(uid, name, role, True)

    def set_password(self, name: str, password: str, *, actor: str) -> None:
        user = self._require(name)
        check_password(password, user.name)
        with self.engine.begin() as conn:
            conn.execute(
                users.update().where(users.c.id == user.id).values(password_hash=hash_password(password))
            )
            conn.execute(login_throttle.delete().where(login_throttle.c.name == _fold(user.name)))
            conn.execute(user_sessions.delete().where(user_sessions.c.user_id == user.id))
            self._audit(conn, actor, "update", user.id, None, {"name": user.name, "passwort": "neu gesetzt"})

    def set_role(self, name: str, role: str, *, actor: str) -> None:
        user = self._require(name)
        check_role(role)
        if user.role == "admin" and role != "admin" and user.active and self.count_admins() <= 1:
            raise AuthError("Der letzte aktive Administrator kann seine Rolle nicht abgeben.")
        with self.engine.begin() as conn:
            conn.execute(users.update().where(users.c.id == user.id).values(role=role))
            self._audit(conn, actor, "update", user.id, {"name": user.name, "role": user.role},
                        {"name": user.name, "role": role})

    def set_active(self, name: str, active: bool, *, actor: str) -> None:
        user = self._require(name)
        if not active and user.role == "admin" and user.active and self.count_admins() <= 1:
            raise AuthError("Der letzte aktive Administrator kann nicht gesperrt werden.")
        with self.engine.begin() as conn:
            conn.execute(users.update().where(users.c.id == user.id).values(active=active))
            if not active:
                conn.execute(user_sessions.delete().where(user_sessions.c.user_id == user.id))
            self._audit(conn, actor, "update", user.id, {"name": user.name, "active": user.active},
                        {"name": user.name, "active": active})

    def remove(self, name: str, *, actor: str) -> None:
        user = self._require(name)
        if user.role == "admin" and user.active and self.count_admins() <= 1:
            raise AuthError("Der letzte aktive Administrator kann nicht gelöscht werden.")
        with self.engine.begin() as conn:
            conn.execute(user_sessions.delete().where(user_sessions.c.user_id == user.id))
            conn.execute(users.delete().where(users.c.id == user.id))
            conn.execute(login_throttle.delete().where(login_throttle.c.name == _fold(user.name)))
            self._audit(conn, actor, "delete", user.id, {"name": user.name, "role": user.role}, None)

    def unlock(self, name: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(login_throttle.delete().where(login_throttle.c.name == _fold(name)))

    def _require(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise AuthError(f"Den Benutzer »{name}« gibt es nicht.")
        return user

    @staticmethod
    def _audit(conn: sa.Connection, actor: str, action: str, uid: int, before: Any, after: Any) -> None:
        # User changes go to the same audit log as record changes (never a hash or a password).
        conn.execute(
            sa.insert(audit_log),
            [audit_entry(str(uuid.uuid4()), utc_now(), actor, action, "users", uid, before, after)],
        )

    # -- sessions
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
            if row is None or now - _aware(row.created_at) > ACTIVATION_WINDOW:
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
        elif now - _aware(row.last_seen_at) > session_timeout():
            ended = f"Ihre Sitzung ist nach {describe_timeout()} ohne Aktivität abgelaufen. Bitte neu anmelden."
        elif now - _aware(row.created_at) > session_max_age():
            ended = "Ihre Sitzung ist abgelaufen (Höchstdauer erreicht). Bitte neu anmelden."
        if ended:
            if touch:  # a periodic check only reports; the next real use ends it and says why
                self.end_session(row.id)
            return SessionCheck(None, ended)
        # Sliding: record activity, but write at most every tenth of the limit (and at most once a minute).
        if touch and now - _aware(row.last_seen_at) > min(session_timeout() / 10, dt.timedelta(minutes=1)):
            with self.engine.begin() as conn:
                conn.execute(user_sessions.update().where(user_sessions.c.id == row.id).values(last_seen_at=now))
        user = User(row.user_id, row.name, row.role, bool(row.active), _aware(row.last_login_at))
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

    # -- signing in
    def throttle_state(self, name: str, now: dt.datetime | None = None) -> tuple[int, int]:
        """(failures, seconds still to wait) for a user name."""
        now = now or utc_now()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(login_throttle).where(login_throttle.c.name == _fold(name))).first()
        if row is None:
            return 0, 0
        until = _aware(row.blocked_until)
        wait = max(0, int((until - now).total_seconds() + 0.999)) if until else 0
        return int(row.failures), wait

    def authenticate(self, name: str, password: str, now: dt.datetime | None = None) -> SignIn:
        """Check a sign-in attempt; failures are counted and slowed down (see the module docstring)."""
        now = now or utc_now()
        key = _fold(name)
        if not key or not password:
            return SignIn(False, message="Bitte Benutzername und Passwort eingeben.")
        if len(password) > MAX_PASSWORD_LENGTH or len(key) > 64:
            return SignIn(False, message="Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch.")
        _, wait = self.throttle_state(name, now)
        if wait > 0:
            return SignIn(
                False,
                message=f"Zu viele Fehlversuche. Bitte in {wait} Sekunden erneut versuchen.",
                wait_seconds=wait,
            )
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name.strip())).first()
        ok = verify_password(row.password_hash if row else _DUMMY_HASH, password)
        if ok and row is not None and row.active:
            with self.engine.begin() as conn:
                conn.execute(login_throttle.delete().where(login_throttle.c.name == key))
                conn.execute(users.update().where(users.c.id == row.id).values(last_login_at=now))
                if _hasher.check_needs_rehash(row.password_hash):
                    conn.execute(
                        users.update().where(users.c.id == row.id).values(password_hash=hash_password(password))
                    )
            return SignIn(True, _user(row))
        failures, wait = self._record_failure(key, now)
        message = "Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch."
        if ok and row is not None and not row.active:
            message = "Dieses Konto ist gesperrt. Bitte an die Administration wenden."
        if wait:
            message += f" Nach {failures} Fehlversuchen: nächster Versuch in {wait} Sekunden möglich."
        return SignIn(False, message=message, wait_seconds=wait)

    def _record_failure(self, key: str, now: dt.datetime) -> tuple[int, int]:
        # Counted with ``failures = failures + 1`` in the database, so that attempts arriving at the same
        # moment on several app servers are all counted; two first failures racing to insert the row
        # are resolved by trying again (the loser then updates the winner's row).
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    counted = conn.execute(
                        login_throttle.update()
                        .where(login_throttle.c.name == key)
                        .values(failures=login_throttle.c.failures + 1, last_failure_at=now)
                    ).rowcount
                    if not counted:
                        conn.execute(login_throttle.insert().values(name=key, failures=1, last_failure_at=now))
                    failures = int(conn.execute(
                        sa.select(login_throttle.c.failures).where(login_throttle.c.name == key)
                    ).scalar_one())
                    delay = throttle_delay(failures)
                    conn.execute(login_throttle.update().where(login_throttle.c.name == key).values(
                        blocked_until=now + delay if delay else None))
                return failures, int(delay.total_seconds())
            except sa.exc.IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _fold(name: str) -> str:
    return (name or "").strip().lower()[:64]
