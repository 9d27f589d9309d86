"""Signing in: a name and password checked, failed attempts counted and slowed down.

Failed sign-ins are counted per user name in the database (table ``login_throttle``), also for names that
do not exist: after ``FREE_ATTEMPTS`` failures every further attempt must wait
``2 ** (failures - FREE_ATTEMPTS)`` seconds (capped at ``MAX_DELAY``); while the wait runs, attempts are
refused without checking the password. A successful sign-in clears the counter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from asskomm.store.account_tables import login_throttle, users
from asskomm.store.credentials import (
    DUMMY_HASH,
    MAX_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from asskomm.store.roles import User, user_from_row
from asskomm.store.rows import aware
from asskomm.store.schema import utc_now

FREE_ATTEMPTS = 3
MAX_DELAY = dt.timedelta(minutes=15)
_WRONG = "Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch."


@dataclasses.dataclass(frozen=True)
class SignIn:
    ok: bool
    user: User | None = None
    message: str = ""
    wait_seconds: int = 0


def throttle_delay(failures: int) -> dt.timedelta:
    """The wait imposed after ``failures`` consecutive failed attempts."""
    if failures < FREE_ATTEMPTS:
        return dt.timedelta(0)
    exponent = min(failures - FREE_ATTEMPTS, 20)  # 2**20 s is far above the cap; avoids an overflow
    return min(dt.timedelta(seconds=2**exponent), MAX_DELAY)


def fold_name(name: str) -> str:
    """The key of a name in ``login_throttle``."""
    return (name or "").strip().lower()[:64]


def clear_failures(conn: sa.Connection, name: str) -> None:
    conn.execute(login_throttle.delete().where(login_throttle.c.name == fold_name(name)))


class SignIns:
    """Accounts methods: checking a sign-in attempt, and the failures counted for a name."""

    def throttle_state(self, name: str, now: dt.datetime | None = None) -> tuple[int, int]:
        """(failures, seconds still to wait) for a user name."""
        now = now or utc_now()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(login_throttle).where(login_throttle.c.name == fold_name(name))).first()
        if row is None:
            return 0, 0
        until = aware(row.blocked_until)
        wait = max(0, int((until - now).total_seconds() + 0.999)) if until else 0
        return int(row.failures), wait

    def authenticate(self, name: str, password: str, now: dt.datetime | None = None) -> SignIn:
        """Check a sign-in attempt; failures are counted and slowed down (see the module docstring)."""
        now = now or utc_now()
        key = fold_name(name)
        if not key or not password:
            return SignIn(False, message="Bitte Benutzername und Passwort eingeben.")
        if len(password) > MAX_PASSWORD_LENGTH or len(key) > 64:
            return SignIn(False, message=_WRONG)
        _, wait = self.throttle_state(name, now)
        if wait > 0:
            return SignIn(
                False,
                message=f"Zu viele Fehlversuche. Bitte in {wait} Sekunden erneut versuchen.",
                wait_seconds=wait,
            )
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name.strip())).first()
        ok = verify_password(row.password_hash if row else DUMMY_HASH, password)
        if ok and row is not None and row.active:
            self._signed_in(row, key, password, now)
            return SignIn(True, user_from_row(row))
        failures, wait = self._record_failure(key, now)
        message = _WRONG
        if ok and row is not None and not row.active:
            message = "Dieses Konto ist gesperrt. Bitte an die Administration wenden."
        if wait:
            message += f" Nach {failures} Fehlversuchen: nächster Versuch in {wait} Sekunden möglich."
        return SignIn(False, message=message, wait_seconds=wait)

    def _signed_in(self, row: sa.Row, key: str, password: str, now: dt.datetime) -> None:
        """Clear the failures, note the time, renew an outdated hash."""
        with self.engine.begin() as conn:
            conn.execute(login_throttle.delete().where(login_throttle.c.name == key))
            conn.execute(users.update().where(users.c.id == row.id).values(last_login_at=now))
            if needs_rehash(row.password_hash):
                conn.execute(
                    users.update().where(users.c.id == row.id).values(password_hash=hash_password(password))
                )

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
