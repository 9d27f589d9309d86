"""The user accounts of the database this app serves, for the sign-in and the pages about accounts.

``ui.auth`` (a browser's sign-in) and ``ui.webroutes`` (the cookie routes) share one :class:`Accounts` per
database setting. The Anmelden and Benutzer pages find here what they need of the accounts – the limits of
names and passwords, the roles, the session length in words, the error a refused change raises – so that no
page imports ``asskomm.store``.
"""

from __future__ import annotations

import os

import pandas as pd

from asskomm.store.accounts import Accounts
from asskomm.store.audit_view import TZ
from asskomm.store.credentials import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, AuthError
from asskomm.store.roles import ROLE_LABELS, ROLES, User
from asskomm.store.sessions import describe_timeout
from asskomm.ui import data

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "ROLE_LABELS",
    "AuthError",
    "accounts",
    "describe_timeout",
    "users_table",
]


def accounts() -> Accounts:
    """The accounts of the database named by ``ASSKOMM_DB`` (one per setting; process-wide like the store,
    not in st.cache_resource, see ``data.process_wide``)."""
    store = data.store()
    return data.process_wide("accounts", os.environ.get("ASSKOMM_DB", ""), lambda: Accounts(store))


def users_table(users: list[User]) -> pd.DataFrame:
    """The Benutzer page's table: name, role, active or locked, last sign-in (German time), failed attempts."""
    return pd.DataFrame(
        [
            {
                "Benutzer": u.name,
                "Rolle": u.role_label,
                "Status": "aktiv" if u.active else "gesperrt",
                "Letzte Anmeldung": u.last_login_at.astimezone(TZ).strftime("%d.%m.%Y %H:%M")
                if u.last_login_at
                else "nie",
                "Fehlversuche": accounts().throttle_state(u.name)[0],
            }
            for u in users
        ]
    )
