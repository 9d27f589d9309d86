"""User names and passwords: the rules for both, and argon2id hashes.

Passwords are stored only as argon2id hashes (``argon2-cffi``); there is no default password and no way to
read a password back. Unknown names are verified against a dummy hash (``DUMMY_HASH``) so that the time
taken does not reveal which names exist.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# argon2id of "dummy password for unknown user names" with those parameters, written out: hashing it at import
# cost every process (server, command line) ~0.2 s CPU. tests/store/test_accounts.py checks that it still has
# the parameters of a new hash, so that verifying against it takes as long as against a real one.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$466pUlsC3s4I/ZxBlnkrow$VYyjdnhDe7d2pOaJSlQeDTYT4jOoghDc4Qo3IY+Qyog"


class AuthError(ValueError):
    """A German message for the user (invalid name, weak password, unknown role, ...)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with older parameters than the library recommends now."""
    return _hasher.check_needs_rehash(password_hash)


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
