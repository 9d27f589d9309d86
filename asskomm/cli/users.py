"""``python -m asskomm user …``: manage local accounts (the first admin is created here).

    python -m asskomm user add NAME --role admin        # password asked twice without echo
    ASSKOMM_PASSWORD=… python -m asskomm user add NAME --role bearbeiter   # or from the environment
    python -m asskomm user list
    python -m asskomm user passwd NAME
    python -m asskomm user role NAME bearbeiter
    python -m asskomm user lock NAME | unlock NAME | remove NAME

The database is the one named by ``ASSKOMM_DB`` (as for the app). There is never a default password.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from asskomm.cli.argparse_de import command_group
from asskomm.cli.guard import guarded
from asskomm.store import accounts as auth
from asskomm.store import credentials, roles

PASSWORD_ENV = "ASSKOMM_PASSWORD"  # noqa: S105 - name of the environment variable, not a password
CLI_ACTOR = "cli"


def _accounts() -> auth.Accounts:
    from asskomm.store.database import Store

    return auth.Accounts(Store.from_env(seed=False))


def _read_password(name: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise credentials.AuthError(
            f"Kein Terminal für die Passworteingabe: Passwort über die Umgebungsvariable {PASSWORD_ENV} angeben."
        )
    first = getpass.getpass(f"Passwort für {name}: ")
    second = getpass.getpass("Passwort wiederholen: ")
    if first != second:
        raise credentials.AuthError("Die beiden Eingaben stimmen nicht überein.")
    return first


def _actor() -> str:
    return f"{CLI_ACTOR}:{getpass.getuser()}" if hasattr(getpass, "getuser") else CLI_ACTOR


def cmd_add(args: argparse.Namespace) -> int:
    accounts = _accounts()
    credentials.check_name(args.name)
    roles.check_role(args.role)
    user = accounts.add(args.name, _read_password(args.name), args.role, actor=_actor())
    print(f"Benutzer »{user.name}« mit der Rolle {user.role} angelegt.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    users = _accounts().list()
    if not users:
        print("Noch keine Benutzer. Anlegen mit: .venv/bin/asskomm user add NAME --role admin")
        return 0
    for u in users:
        last = u.last_login_at.strftime("%d.%m.%Y %H:%M") if u.last_login_at else "nie"
        state = "aktiv" if u.active else "gesperrt"
        print(f"{u.name:<30} {u.role:<11} {state:<9} letzte Anmeldung: {last}")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    accounts = _accounts()
    if accounts.get(args.name) is None:
        raise credentials.AuthError(f"Den Benutzer »{args.name}« gibt es nicht.")
    accounts.set_password(args.name, _read_password(args.name), actor=_actor())
    print(f"Passwort von »{args.name}« geändert.")
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    _accounts().set_role(args.name, args.role, actor=_actor())
    print(f"»{args.name}« hat jetzt die Rolle {args.role}.")
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    _accounts().set_active(args.name, False, actor=_actor())
    print(f"»{args.name}« ist gesperrt.")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    accounts = _accounts()
    accounts.set_active(args.name, True, actor=_actor())
    accounts.unlock(args.name)
    print(f"»{args.name}« ist entsperrt (auch die Wartezeit nach Fehlversuchen ist aufgehoben).")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    _accounts().remove(args.name, actor=_actor())
    print(f"»{args.name}« gelöscht.")
    return 0


def _guarded(func):
    return guarded(func, (credentials.AuthError, lambda exc, args: f"Fehler: {exc}"), status=2)


def _action(sub: argparse._SubParsersAction, name: str, help: str, func, *, named: bool = True):
    """One ``user`` action; most take the account name as their first argument."""
    p = sub.add_parser(name, help=help)
    if named:
        p.add_argument("name")
    p.set_defaults(func=_guarded(func))
    return p


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = command_group(subparsers, "user", "Benutzerkonten verwalten (Anmeldung in der App)", metavar="AKTION")
    p = _action(sub, "add", "Benutzer anlegen (Passwort ohne Echo oder aus $" + PASSWORD_ENV + ")", cmd_add)
    p.add_argument("--role", choices=roles.ROLES, required=True)
    _action(sub, "list", "Benutzer auflisten", cmd_list, named=False)
    _action(sub, "passwd", "Passwort neu setzen", cmd_passwd)
    p = _action(sub, "role", "Rolle ändern", cmd_role)
    p.add_argument("role", choices=roles.ROLES)
    _action(sub, "lock", "Konto sperren", cmd_lock)
    _action(sub, "unlock", "Konto entsperren und Fehlversuche zurücksetzen", cmd_unlock)
    _action(sub, "remove", "Konto löschen", cmd_remove)
