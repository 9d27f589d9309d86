"""``asskomm zahlen …``: the »amtliche Zahlen« the ministry enters (they stand beside the KPI cards, before the press).

    asskomm zahlen list
    asskomm zahlen add --kennzahl vereinbarungen --wert 63 --stand 30.11.2026 --referenz "LPR-Statistik 11/2026" --benutzer ADMIN
    asskomm zahlen remove 3 --benutzer ADMIN

Writing needs an administrator's account in the database named by ``ASSKOMM_DB`` (``--benutzer``): the store
checks its role at the moment of writing. Exit codes: 0 done, 2 invalid input or not allowed (nothing changed).
"""

from __future__ import annotations

import argparse
import dataclasses

from asskomm import labels, securitylog
from asskomm.cli.argparse_de import command_group
from asskomm.cli.guard import guarded
from asskomm.records.model import OFFICIAL_KENNZAHLEN
from asskomm.store.display import EditError
from asskomm.store.official_figures import describe
from asskomm.store.write_access import PermissionDenied

EXIT_INVALID = 2


def _store():
    from asskomm.store.database import Store

    return Store.from_env()


def cmd_list(args: argparse.Namespace) -> int:
    figures = _store().load().official_figures
    if not figures:
        print("Noch keine amtlichen Zahlen eingetragen. Eintragen mit: asskomm zahlen add --help")
        return 0
    print(f"{'Nr.':>4}  {'Kennzahl':<27} {'Wert':>6}  {'Stand':<10}  {'Referenz':<30} eingetragen von, am")
    for f in sorted(figures, key=lambda f: (f.kennzahl, f.stand, f.id)):
        when = labels.fmt_date(f.created_at[:10]) if f.created_at else ""
        print(f"{f.id:>4}  {OFFICIAL_KENNZAHLEN.get(f.kennzahl, f.kennzahl):<27} {labels.fmt_int(f.wert):>6}  "
              f"{labels.fmt_date(f.stand):<10}  {f.referenz:<30} {f.created_by}, {when}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    values = {"kennzahl": args.kennzahl, "wert": args.wert, "stand": args.stand, "referenz": args.referenz}
    store = _store()
    number = store.add_official_figure(values, args.benutzer)
    held = next(f for f in store.load().official_figures if f.id == number)
    print(f"Amtliche Zahl Nr. {number} eingetragen: {describe(dataclasses.asdict(held))}.")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    before = _store().remove_official_figure(args.nummer, args.benutzer)
    print(f"Amtliche Zahl Nr. {args.nummer} entfernt: {describe(before)}.")
    return 0


def _guarded(func):
    def message(exc: BaseException, _args: argparse.Namespace) -> str:
        lines = exc.messages if isinstance(exc, EditError) else [str(exc)]
        return "Nicht gespeichert:\n" + "\n".join(f"  {line}" for line in lines)

    def bound(args: argparse.Namespace) -> int:  # security events of this command name the CLI as the client
        with securitylog.bind(user=getattr(args, "benutzer", None), client="cli"):
            return func(args)

    return guarded(bound, ((EditError, PermissionDenied), message), status=EXIT_INVALID)


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = command_group(
        subparsers, "zahlen", "amtliche Zahlen des Ministeriums: auflisten, eintragen, entfernen", metavar="AKTION",
        description="Amtliche Zahlen stehen neben den Kennzahlen der Karte, vor Zahlen aus der Presse.",
    )
    p = sub.add_parser("list", help="eingetragene amtliche Zahlen auflisten")
    p.set_defaults(func=_guarded(cmd_list))
    kennzahlen = ", ".join(OFFICIAL_KENNZAHLEN)
    p = sub.add_parser("add", help="eine amtliche Zahl eintragen (nur Administratoren)")
    p.add_argument("--kennzahl", required=True, help=f"welche Kennzahl: {kennzahlen} (oder ihre Bezeichnung)")
    p.add_argument("--wert", required=True, help="die Zahl, z. B. 63")
    p.add_argument("--stand", required=True, metavar="TT.MM.JJJJ", help="Tag, auf den sich die Zahl bezieht")
    p.add_argument("--referenz", required=True, help="interne Quelle, z. B. »LPR-Statistik 11/2026«")
    p.add_argument("--benutzer", required=True, metavar="NAME", help="Ihr Konto (Rolle Administrator)")
    p.set_defaults(func=_guarded(cmd_add))
    p = sub.add_parser("remove", help="eine amtliche Zahl entfernen (nur Administratoren)")
    p.add_argument("nummer", metavar="NR", type=int, help="Nummer aus »asskomm zahlen list«")
    p.add_argument("--benutzer", required=True, metavar="NAME", help="Ihr Konto (Rolle Administrator)")
    p.set_defaults(func=_guarded(cmd_remove))
