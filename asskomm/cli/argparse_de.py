"""German messages for ``argparse`` (the CLI's »usage:«, »options:«, »show this help message and exit« …).

``argparse`` looks every message up with ``gettext`` (``from gettext import gettext as _, ngettext``), so a
translation can replace them; Python ships no German catalogue and the project keeps no compiled ``.mo``
files, so :func:`use_german` hands ``argparse`` a :class:`gettext.NullTranslations` subclass built from the
table below. Only the CLI process calls it (``python -m asskomm``).
"""

from __future__ import annotations

import argparse
import gettext

MESSAGES = {
    "usage: ": "Aufruf: ",
    "options": "Optionen",
    "positional arguments": "Argumente",
    "subcommands": "Befehle",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "show program's version number and exit": "Programmversion zeigen und beenden",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "argument %(argument_name)s: %(message)s": "Angabe %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ungültige Wahl: %(value)r (möglich: %(choices)s)",
    "invalid %(type)s value: %(value)r": "ungültiger Wert (%(type)s): %(value)r",
    "expected one argument": "erwartet einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "ambiguous option: %(option)s could match %(matches)s": "mehrdeutige Option: %(option)s passt zu %(matches)s",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "one of the arguments %s is required": "eine dieser Angaben ist nötig: %s",
    "ignored explicit argument %r": "überzähliger Wert %r",
    "unexpected option string: %s": "unerwartete Option: %s",
    "can't open '%(filename)s': %(error)s": "»%(filename)s« kann nicht geöffnet werden: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unbekannter Befehl %(parser_name)r (möglich: %(choices)s)",
}
PLURALS = {("expected %s argument", "expected %s arguments"): ("erwartet %s Wert", "erwartet %s Werte")}


class German(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        one, many = PLURALS.get((singular, plural), (singular, plural))
        return one if n == 1 else many


def use_german() -> None:
    """Make ``argparse`` speak German in this process."""
    german = German()
    argparse._ = german.gettext  # the names argparse bound with »from gettext import gettext as _, ngettext«
    argparse.ngettext = german.ngettext


def command_group(sub: argparse._SubParsersAction, name: str, help_: str, *, metavar: str,
                  **kwargs) -> argparse._SubParsersAction:
    """A command with its own subcommands (``asskomm NAME AKTION …``); the chosen one is in ``NAME_command``."""
    parser = sub.add_parser(name, help=help_, **kwargs)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar=metavar)
