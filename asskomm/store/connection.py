"""Opening the database named by ``ASSKOMM_DB`` (a SQLite path or a SQLAlchemy URL): messages about it.

Light on imports (SQLAlchemy and the schema), so the health check (``python -m asskomm.cli.health``) starts
quickly. ``url_from_setting`` itself lives in :mod:`asskomm.store.schema`.
Nothing here ever prints a password: :func:`safe_url` masks it and :func:`unavailable_message` removes it
from the driver's error text too.
"""

from __future__ import annotations

import sqlalchemy as sa

from asskomm.store.schema import DEFAULT_DB, url_from_setting  # noqa: F401 (re-exported)


class DatabaseUnavailable(RuntimeError):
    """The database named by ``ASSKOMM_DB`` cannot be opened (German message, never with a password)."""


def safe_url(url: str) -> str:
    """``url`` for messages and logs: the password replaced by ``***``."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even parseable: keep scheme and host part only
        scheme, _, rest = url.partition("://")
        host = rest.rsplit("@", 1)[-1] if "@" in rest else rest
        return f"{scheme}://***@{host}" if "@" in rest else url


def unavailable_message(url: str, exc: BaseException) -> str:
    """A German explanation of why the database cannot be opened, with the password removed."""
    shown = safe_url(url)
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else ""
    try:
        password = sa.make_url(url).password
    except Exception:
        password = url.partition("://")[2].rpartition("@")[0].partition(":")[2] or None
    if password:
        detail = detail.replace(str(password), "***")
    text = detail.lower()
    if isinstance(exc, sa.exc.ArgumentError | sa.exc.NoSuchModuleError | ValueError) and not isinstance(
        exc, sa.exc.DBAPIError
    ):
        hint = (
            "Die Angabe in ASSKOMM_DB ist keine gültige Datenbank-Adresse. Erwartet wird ein Dateipfad "
            "(SQLite) oder z. B. »postgresql+psycopg://benutzer:passwort@rechner:5432/datenbank«."
        )
    elif "password" in text or "authentication" in text or "passwort" in text:
        hint = "Die Anmeldung an der Datenbank ist fehlgeschlagen (Benutzername oder Passwort falsch)."
    elif "does not exist" in text or "existiert nicht" in text:
        hint = "Die Datenbank oder der Benutzer existiert auf dem Server nicht."
    elif "unable to open" in text or "readonly" in text or "read-only" in text:
        hint = "Die Datenbankdatei kann nicht geöffnet oder nicht beschrieben werden."
    else:
        hint = "Der Datenbankserver ist nicht erreichbar."
    return f"{hint}\nDatenbank: {shown}\nFehler: {detail}"
