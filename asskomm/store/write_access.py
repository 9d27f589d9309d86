"""Who may write: the acting user's role as the database holds it at the moment of writing (issue 25.8).

A page or a command may have checked the role earlier (a menu, a callback bound in a previous run); a write
checks it again inside its own transaction, so a user who was demoted, locked or removed in between cannot
save. A refusal is logged as a security event and raised as :class:`PermissionDenied` (German message).
"""

from __future__ import annotations

import sqlalchemy as sa

from asskomm import securitylog
from asskomm.store.account_tables import users
from asskomm.store.roles import ROLE_LABELS, User, user_from_row


class PermissionDenied(PermissionError):
    """The acting user may not make this change (German message; nothing was written)."""


def require_role(conn: sa.Connection, actor: str, role: str, what: str) -> User:
    """The acting user, re-read in ``conn``'s transaction; :class:`PermissionDenied` unless it is active and
    has ``role`` (or a higher one). ``what``: the change, in German, for the message and the security log."""
    row = conn.execute(sa.select(users).where(users.c.name == (actor or "").strip())).first()
    user = user_from_row(row) if row is not None else None
    if user is not None and user.can(role):
        return user
    needed = ROLE_LABELS.get(role, role)
    if user is None:
        reason = f"das Konto »{actor}« gibt es nicht (nötig: ein Konto mit der Rolle »{needed}«)"
    elif not user.active:
        reason = f"das Konto »{actor}« ist gesperrt"
    else:
        reason = f"»{actor}« hat die Rolle »{user.role_label}«, nötig ist »{needed}«"
    securitylog.record("record_changed", "denied", user=actor, role=user.role if user else None,
                       detail=f"{what}: {reason}")
    raise PermissionDenied(f"{what} nicht erlaubt: {reason}.")
