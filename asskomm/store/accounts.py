"""Local accounts: the users in the store's database, managed, signing in, in sessions.

Pure logic on top of the store's database (no Streamlit): the sign-in page and ``python -m asskomm user``
both call :class:`Accounts`. Its parts: the tables (``account_tables``), names and passwords
(``credentials``), roles (``roles``), throttled sign-in (``sign_in``), sessions and their expiry
(``sessions``). Every change of a user goes to the audit log (never a hash or a password).
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from asskomm.store import account_tables
from asskomm.store import database as st_
from asskomm.store.account_tables import users
from asskomm.store.credentials import AuthError, check_name, check_password, hash_password
from asskomm.store.roles import User, check_role, user_from_row
from asskomm.store.rows import audit_entry
from asskomm.store.schema import audit_log, utc_now
from asskomm.store.sessions import UserSessions, end_user_sessions
from asskomm.store.sign_in import SignIns, clear_failures


class Accounts(SignIns, UserSessions):
    """User accounts in the store's database (signing in and sessions are mixed in from their modules)."""

    def __init__(self, store: st_.Store) -> None:
        self.store = store
        self.engine = store.engine
        account_tables.create(self.engine)

    # -- reading
    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == (name or "").strip())).first()
        return user_from_row(row) if row else None

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            return [user_from_row(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]

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
            clear_failures(conn, user.name)
            end_user_sessions(conn, user.id)
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
                end_user_sessions(conn, user.id)
            self._audit(conn, actor, "update", user.id, {"name": user.name, "active": user.active},
                        {"name": user.name, "active": active})

    def remove(self, name: str, *, actor: str) -> None:
        user = self._require(name)
        if user.role == "admin" and user.active and self.count_admins() <= 1:
            raise AuthError("Der letzte aktive Administrator kann nicht gelöscht werden.")
        with self.engine.begin() as conn:
            end_user_sessions(conn, user.id)
            conn.execute(users.delete().where(users.c.id == user.id))
            clear_failures(conn, user.name)
            self._audit(conn, actor, "delete", user.id, {"name": user.name, "role": user.role}, None)

    def unlock(self, name: str) -> None:
        with self.engine.begin() as conn:
            clear_failures(conn, name)

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
