"""Admins maintain the Problemfelder vocabulary in the app: add a Problemfeld, change label, colour, text.

The shipped list is ``data/problemfelder.csv``; what admins add or change is stored in the database
(``Store.save_problemfeld``, audited and revertible) and applied over the file (``asskomm.records.vocabulary``).
Ids are permanent (records refer to them), so nothing is deleted or renamed by id; a new id is derived from
the label. Validation speaks German and names the field.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from asskomm.records import vocabulary as vocab
from asskomm.store.database import Store
from asskomm.store.display import EditError

MAX_LABEL = 80
MAX_DESCRIPTION = 500
_LABEL = re.compile(r"^[0-9A-Za-zÄÖÜäöüßÀ-ÿ .,:/()&+'’\-–]+$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
ORIGIN_FILE, ORIGIN_CHANGED, ORIGIN_APP = "Datei", "Datei, in der App geändert", "in der App angelegt"


@dataclasses.dataclass(frozen=True)
class ProblemfeldEntry:
    id: str
    label: str
    colour: str
    description: str
    origin: str  # ORIGIN_*
    version: int | None  # of the database entry; None = the file's entry as shipped
    usage: int  # milestones with this Problemfeld


def entries(store: Store) -> list[ProblemfeldEntry]:
    """The whole vocabulary in display order, with where each entry comes from and how often it is used."""
    records = store.load()  # (also puts this database's vocabulary in force)
    stored = store.problemfeld_entries()
    shipped = set(vocab.file_problemfeld_ids())
    usage: dict[str, int] = {}
    for m in records.milestones:
        for pf in m.problemfelder:
            usage[pf] = usage.get(pf, 0) + 1
    out = []
    for row in vocab.problemfelder().to_dict("records"):
        db = stored.get(row["id"])
        origin = ORIGIN_FILE if db is None else (ORIGIN_CHANGED if row["id"] in shipped else ORIGIN_APP)
        out.append(
            ProblemfeldEntry(
                row["id"], row["label"], row["colour"], row["description"], origin,
                db["version"] if db else None, usage.get(row["id"], 0),
            )
        )
    return out


def new_id(label: str) -> str:
    """»Häusliche Gewalt« → ``haeusliche_gewalt`` (the vocabulary's id form)."""
    folded = vocab.fold(label).replace(" ", "_")
    return (folded if folded[:1].isalpha() else f"pf_{folded}")[:60].rstrip("_")


def validate(
    values: Mapping[str, Any], *, pf_id: str | None = None
) -> dict[str, str]:
    """Cleaned ``label``, ``colour``, ``description``; EditError with every problem otherwise.

    ``pf_id``: the entry being changed (None for a new one); its own label may stay.
    """
    label = " ".join(str(values.get("label") or "").split())
    colour = str(values.get("colour") or "").strip()
    description = " ".join(str(values.get("description") or "").split())
    problems = []
    if len(label) < 3:
        problems.append("Bezeichnung: bitte mindestens 3 Zeichen angeben.")
    elif len(label) > MAX_LABEL:
        problems.append(f"Bezeichnung: höchstens {MAX_LABEL} Zeichen.")
    elif not _LABEL.match(label):
        problems.append(
            "Bezeichnung: nur Buchstaben, Ziffern, Leerzeichen und . , : / ( ) & + ' - erlaubt "
            "(kein Semikolon: es trennt Problemfelder in Importdateien)."
        )
    else:
        taken = {
            vocab.fold(row["label"]): row["id"]
            for row in vocab.problemfelder().to_dict("records")
            if row["id"] != pf_id
        }
        other = taken.get(vocab.fold(label)) or vocab.resolve_problemfeld(label)
        if other is not None and other != pf_id:
            problems.append(f"Bezeichnung: »{label}« gibt es schon (Kennung {other}).")
    if not _COLOUR.match(colour):
        problems.append("Farbe: bitte als #RRGGBB angeben, z. B. #0062A8.")
    if len(description) > MAX_DESCRIPTION:
        problems.append(f"Beschreibung: höchstens {MAX_DESCRIPTION} Zeichen.")
    if problems:
        raise EditError(problems)
    return {"label": label, "colour": colour.upper(), "description": description}


def add(store: Store, values: Mapping[str, Any], actor: str) -> str:
    """A new Problemfeld; returns its id."""
    clean = validate(values)
    pf_id = new_id(clean["label"])
    if not pf_id or pf_id in vocab.problemfeld_ids():
        raise EditError([f"Bezeichnung: die Kennung »{pf_id}« ist schon vergeben; bitte anders benennen."])
    store.save_problemfeld(pf_id, clean, actor, expected_version=None)
    return pf_id


def change(store: Store, pf_id: str, values: Mapping[str, Any], actor: str, expected_version: int | None) -> int:
    """Change label, colour and description of ``pf_id`` (ConflictError if changed meanwhile)."""
    if pf_id not in vocab.problemfeld_ids():
        raise EditError([f"Das Problemfeld »{pf_id}« gibt es nicht."])
    return store.save_problemfeld(pf_id, validate(values, pf_id=pf_id), actor, expected_version=expected_version)
