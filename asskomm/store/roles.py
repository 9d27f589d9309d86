"""Roles and the user as the app sees them.

Roles, lowest first: ``betrachter`` (public data only), ``bearbeiter`` (edits records, imports files, sees
KPR contact data), ``admin`` (also manages users). A higher role includes the lower ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from asskomm.store.credentials import AuthError
from asskomm.store.rows import aware

ROLES = ("betrachter", "bearbeiter", "admin")
ROLE_LABELS = {"betrachter": "Betrachter", "bearbeiter": "Bearbeiter", "admin": "Administrator"}


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


def has_role(role: str | None, required: str) -> bool:
    """Whether ``role`` includes ``required`` (``None`` = not signed in: only public data)."""
    if required not in ROLES:
        raise ValueError(f"unknown role {required!r}")
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(required)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"Unbekannte Rolle »{role}«. Erlaubt: {', '.join(ROLES)}.")
    return role


def user_from_row(row: Any) -> User:
    """The user of a row of ``users`` (or of a join with its columns)."""
    return User(row.id, row.name, row.role, bool(row.active), aware(row.last_login_at))
