"""The records: data model, import format, validation, CSV/XLSX import and export.

Import format (CSV or XLSX, one row per milestone, German column names)::

    ags; gemeinde; kreis; baustein; datum; problemfelder; betrag_eur; quelle; bemerkung; gruppe

- ``ags``: 8-digit Gemeindeschlüssel (a 12-digit ARS is accepted, a merged municipality's old key is
  mapped to today's key); a 5-digit Kreisschlüssel makes the row a Landkreis-level participant.
  If ``ags`` is empty, ``gemeinde`` (plus optional ``kreis``) finds the municipality by name.
  ``gemeinde`` = "Landkreis …" also names a Landkreis-level participant.
- ``gruppe``: rows with the same group name form one participant (Verwaltungsgemeinschaft, Städtebund …);
  each row names one member. Rows of one group with the same ``baustein`` and ``datum`` are one milestone
  and must agree in all other columns.
- ``datum``: ``2021-06-25``, ``2021-06``, ``2021``, ``25.06.2021``, ``06.2021`` or empty; the precision is kept.
- ``problemfelder``: ids or labels of the vocabulary, separated by ``;``.

Validation never stops at the first problem: every problem is reported with file, row (as the
spreadsheet shows it, header = row 1) and column, in German. A file with any error changes nothing.
"""

from __future__ import annotations

import calendar
import csv
import dataclasses
import datetime as dt
import difflib
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from asskomm import vocab

COLUMNS = (
    "ags",
    "gemeinde",
    "kreis",
    "baustein",
    "datum",
    "problemfelder",
    "betrag_eur",
    "quelle",
    "bemerkung",
    "gruppe",
)
REQUIRED_COLUMNS = ("baustein", "datum", "quelle")
# Files larger than this are refused before they are read (a 10,000-row file is about 2 MB).
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_CELL_CHARS = 5_000
# Milestones before the preparation of the programme are refused as typos,
# except a Präventionsrat, which may be older than ASSKomm (counted as "reactivated" or existing).
EARLIEST_DATE = dt.date(2018, 1, 1)
EARLIEST_DATE_BY_BAUSTEIN = {"kpr": dt.date(1990, 10, 3)}
LAND_PREFIX = "14"
SOURCE_SEPARATOR = " | "

_HEADER_ALIASES = {
    "ags": "ags",
    "gemeindeschluessel": "ags",
    "schluessel": "ags",
    "ars": "ags",
    "gemeinde": "gemeinde",
    "name": "gemeinde",
    "kommune": "gemeinde",
    "kreis": "kreis",
    "landkreis": "kreis",
    "baustein": "baustein",
    "meilenstein": "baustein",
    "datum": "datum",
    "problemfelder": "problemfelder",
    "problemfeld": "problemfelder",
    "schwerpunkte": "problemfelder",
    "betrag eur": "betrag_eur",
    "betrag": "betrag_eur",
    "foerderbetrag": "betrag_eur",
    "quelle": "quelle",
    "quellen": "quelle",
    "bemerkung": "bemerkung",
    "bemerkungen": "bemerkung",
    "notiz": "bemerkung",
    "gruppe": "gruppe",
}
_FORMULA_START = re.compile(r"^(?:[=+@\t\r]|-[^\d\s.,])")
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")
_MOJIBAKE = re.compile(r"Ã[¤¶¼Ÿ„–œ©Ÿ]|â€[žœ“™¦]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------------------------------
# Model (immutable snapshot; the store produces it, status and views consume it)


@dataclasses.dataclass(frozen=True)
class Participant:
    id: int
    kind: str  # "gemeinde" | "gruppe" | "landkreis"
    key: str  # AGS, Kreisschlüssel, or "gruppe:<folded name>"
    name: str
    ags: str | None  # AGS of a Gemeinde, Kreisschlüssel of a Landkreis, None for a group
    members: tuple[str, ...]  # AGS that the participant colours (a Gemeinde: itself; a Landkreis: none)
    version: int = 1
    created_by: str = ""
    created_at: str = ""


@dataclasses.dataclass(frozen=True)
class Milestone:
    id: int
    participant_id: int
    baustein: str
    datum: str  # ISO with its precision, "" if undated
    problemfelder: tuple[str, ...] = ()
    betrag_eur: float | None = None
    quelle: str = ""
    bemerkung: str = ""
    version: int = 1
    created_by: str = ""
    created_at: str = ""


@dataclasses.dataclass(frozen=True)
class FocusAssignment:
    participant_id: int
    milestone_id: int
    problemfeld: str
    datum: str
    quelle: str


@dataclasses.dataclass(frozen=True)
class Contact:
    id: int
    participant_id: int
    gremium: str
    adresse: str = ""
    telefon: str = ""
    email: str = ""
    version: int = 1


@dataclasses.dataclass(frozen=True)
class RecordSet:
    """An immutable snapshot of all records."""

    participants: tuple[Participant, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    contacts: tuple[Contact, ...] = ()
    data_version: int = 0

    @property
    def members(self) -> tuple[tuple[int, str], ...]:
        """(participant id, member AGS) pairs."""
        return tuple((p.id, ags) for p in self.participants for ags in p.members)

    @property
    def focus(self) -> tuple[FocusAssignment, ...]:
        return tuple(
            FocusAssignment(m.participant_id, m.id, pf, m.datum, m.quelle)
            for m in self.milestones
            for pf in m.problemfelder
        )

    def participant(self, participant_id: int) -> Participant:
        return self._by_id()[participant_id]

    def _by_id(self) -> dict[int, Participant]:
        return {p.id: p for p in self.participants}

    def milestones_of(self, participant_id: int) -> tuple[Milestone, ...]:
        return tuple(m for m in self.milestones if m.participant_id == participant_id)

    @classmethod
    def from_import(cls, parsed: ParsedImport) -> RecordSet:
        """Records as an import would create them in an empty database (for tests and previews)."""
        participants = []
        ids: dict[str, int] = {}
        for i, spec in enumerate(parsed.participants().values(), start=1):
            ids[spec.key] = i
            participants.append(Participant(i, spec.kind, spec.key, spec.name, spec.ags, spec.members))
        milestones = [
            Milestone(
                i,
                ids[spec.participant_key],
                spec.baustein,
                spec.datum,
                spec.problemfelder,
                spec.betrag_eur,
                spec.quelle,
                spec.bemerkung,
            )
            for i, spec in enumerate(parsed.milestones().values(), start=1)
        ]
        return cls(tuple(participants), tuple(milestones))


# --------------------------------------------------------------------------------------------------
# Dates with precision


class DateError(ValueError):
    pass


def normalise_datum(value: Any) -> str:
    """ISO text with the stated precision ('' if empty); raises DateError with a German message."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return str(int(value))
        raise DateError(f"»{value}« ist kein Datum")
    text = str(value).strip()
    if not text:
        return ""
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        d, mo, y = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        y, mo, d = int(m[1]), int(m[2]), None
    elif m := re.fullmatch(r"(\d{1,2})[./](\d{4})", text):
        y, mo, d = int(m[2]), int(m[1]), None
    elif re.fullmatch(r"\d{4}", text):
        return text
    else:
        raise DateError(
            f"»{text}« ist kein Datum; erlaubt sind 2021-06-25, 25.06.2021, 2021-06, 06.2021 oder 2021"
        )
    if not 1 <= mo <= 12:
        raise DateError(f"»{text}«: Monat {mo} gibt es nicht")
    if d is None:
        return f"{y:04d}-{mo:02d}"
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        raise DateError(f"»{text}«: den {d}. Tag gibt es im Monat {mo}/{y} nicht") from None


def precision(datum: str) -> str:
    """'tag', 'monat', 'jahr' or '' (undated)."""
    return {10: "tag", 7: "monat", 4: "jahr"}.get(len(datum or ""), "")


def period_start(datum: str) -> dt.date | None:
    if not datum:
        return None
    parts = [int(p) for p in datum.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def period_end(datum: str) -> dt.date | None:
    """The day from which a milestone counts: the last day of its period (None if undated)."""
    if not datum:
        return None
    parts = [int(p) for p in datum.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], parts[1], parts[2])


def counts_at(datum: str, stand: dt.date, today: dt.date | None = None) -> bool:
    """Whether a milestone dated ``datum`` counts at ``stand`` (undated: only for today)."""
    end = period_end(datum)
    if end is None:
        return stand >= (today or dt.date.today())
    return end <= stand


# --------------------------------------------------------------------------------------------------
# Issues


@dataclasses.dataclass(frozen=True)
class Issue:
    message: str
    row: int | None = None  # as the spreadsheet shows it: header = 1, first data row = 2
    column: str | None = None
    file: str = ""

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.column:
            where.append(f"Spalte »{self.column}«")
        return (", ".join(where) + ": " if where else "") + self.message


# --------------------------------------------------------------------------------------------------
# Gazetteer: tolerant matching of names and keys

_QUALIFIER_ALIASES = {
    "v": "vogtland",
    "vogtl": "vogtland",
    "vogtland": "vogtland",
    "erzgeb": "erzgebirge",
    "erzg": "erzgebirge",
    "erzgebirge": "erzgebirge",
    "o l": "oberlausitz",
    "ol": "oberlausitz",
    "oberlausitz": "oberlausitz",
    "sa": "sachsen",
    "sachs": "sachsen",
    "sachsen": "sachsen",
}
_PREFIXES = re.compile(r"^(?:stadt|gemeinde|grosse kreisstadt|kreisfreie stadt|hochschulstadt)\s+")
_KREIS_PREFIXES = re.compile(r"^(?:landkreis|kreisfreie stadt|stadt|lk|kreis)\s+")


def _strip_name(name: str) -> str:
    name = str(name).split(",")[0]  # "Görlitz, Große Kreisstadt" → "Görlitz"
    return re.sub(r"\s*\((?:stadt|gemeinde|große kreisstadt|kreisebene)\)\s*$", "", name, flags=re.I).strip()


def name_keys(name: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(base, qualifiers, aliases) of a municipality name for tolerant matching.

    "Auerbach/Vogtl." → ("auerbach", ("vogtland",), ()); "Reichenbach im Vogtland" → ("reichenbach",
    ("vogtland",), ()); "Bautzen/Budyšin" → ("bautzen", (), ("budysin",)).
    """
    parts = [vocab.fold(p) for p in _strip_name(name).split("/")]
    parts = [p for p in parts if p]
    if not parts:
        return "", (), ()
    base = _PREFIXES.sub("", parts[0])
    qualifiers: list[str] = []
    aliases: list[str] = []
    m = re.match(r"^(.+?) (?:im|in|an der|am|bei) (.+)$", base)
    if m and m[2] in _QUALIFIER_ALIASES:
        base = m[1]
        qualifiers.append(_QUALIFIER_ALIASES[m[2]])
    for alias in sorted(_QUALIFIER_ALIASES, key=len, reverse=True):  # "Weißwasser O.L." without the slash
        if base.endswith(" " + alias) and len(base) > len(alias) + 3:
            base = base[: -len(alias) - 1]
            qualifiers.append(_QUALIFIER_ALIASES[alias])
            break
    for part in parts[1:]:
        if part in _QUALIFIER_ALIASES:
            qualifiers.append(_QUALIFIER_ALIASES[part])
        else:
            aliases.append(part)
    return base, tuple(qualifiers), tuple(aliases)


def _kreis_key(text: str) -> str:
    return _KREIS_PREFIXES.sub("", vocab.fold(_strip_name(text)))


class Gazetteer:
    """Resolves keys and names to today's AGS.

    ``gemeinden``: DataFrame with ``ags``, ``name``, ``kreis_ags``, ``kreis_name`` (and ``flaeche_km2``).
    ``succession``: optional DataFrame ``old_ags``, ``old_name``, ``new_ags`` of merged municipalities,
    or ``current_ags``: a function old key → current key.
    """

    def __init__(
        self,
        gemeinden: pd.DataFrame,
        succession: pd.DataFrame | None = None,
        current_ags: Callable[[str], str | None] | None = None,
    ) -> None:
        self.names: dict[str, str] = {}
        self.kreis_of: dict[str, str] = {}
        self.kreis_names: dict[str, str] = {}
        self._by_base: dict[str, list[str]] = {}
        self._qualifiers: dict[str, tuple[str, ...]] = {}
        for row in gemeinden[["ags", "name", "kreis_ags", "kreis_name"]].itertuples(index=False):
            ags, name, kreis, kreis_name = (
                str(row.ags),
                str(row.name),
                str(row.kreis_ags),
                str(row.kreis_name),
            )
            self.names[ags] = name
            self.kreis_of[ags] = kreis
            self.kreis_names[kreis] = kreis_name
            base, quals, aliases = name_keys(name)
            self._qualifiers[ags] = quals
            for key in (base, *aliases):
                self._by_base.setdefault(key, []).append(ags)
        counts: dict[str, int] = {}
        for k in self.kreis_of.values():
            counts[k] = counts.get(k, 0) + 1
        self.kreisfrei = {k for k in self.kreis_names if counts.get(k) == 1 and k + "000" in self.names}
        exact: dict[str, list[str]] = {}
        for k, n in self.kreis_names.items():
            exact.setdefault(vocab.fold(_strip_name(n)), []).append(k)
        self._kreis_exact = {n: ks[0] for n, ks in exact.items() if len(ks) == 1}
        self._kreis_by_key: dict[str, list[str]] = {}
        for k, n in self.kreis_names.items():
            self._kreis_by_key.setdefault(_kreis_key(n), []).append(k)
        self._successor: dict[str, str] = {}
        self._former_names: dict[str, list[tuple[str, str]]] = {}
        if succession is not None and len(succession):
            for row in succession[["old_ags", "old_name", "new_ags"]].itertuples(index=False):
                self._successor[str(row.old_ags)] = str(row.new_ags)
                base = name_keys(str(row.old_name))[0]
                self._former_names.setdefault(base, []).append((str(row.old_ags), str(row.old_name)))
        self._current_ags = current_ags
        self._cache: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}

    # keys -------------------------------------------------------------------------------------
    def successor(self, ags: str) -> str | None:
        """Today's AGS for a (possibly former) key, or None if unknown."""
        seen = set()
        while ags not in self.names and ags not in seen:
            seen.add(ags)
            nxt = self._successor.get(ags)
            if nxt is None and self._current_ags is not None:
                try:
                    nxt = self._current_ags(ags)
                except (KeyError, ValueError):
                    nxt = None
            if not nxt or nxt == ags:
                return None
            ags = nxt
        return ags if ags in self.names else None

    def resolve_kreis(self, text: str) -> str | None:
        """Kreis key for a key or name ("Landkreis Görlitz", "Görlitz", "kreisfreie Stadt Leipzig")."""
        text = str(text).strip()
        if text in self.kreis_names:
            return text
        folded = vocab.fold(_strip_name(text))
        if folded in self._kreis_exact:
            return self._kreis_exact[folded]
        candidates = self._kreis_by_key.get(_kreis_key(text), [])
        if len(candidates) > 1:
            if folded.startswith(("landkreis", "lk ")):
                candidates = [k for k in candidates if k not in self.kreisfrei]
            elif folded.startswith(("kreisfreie stadt", "stadt ")):
                candidates = [k for k in candidates if k in self.kreisfrei]
        return candidates[0] if len(candidates) == 1 else None

    def label(self, ags: str) -> str:
        return f"{self.names[ags]} ({self.kreis_names.get(self.kreis_of[ags], '')}, {ags})"

    # names ------------------------------------------------------------------------------------
    def resolve_name(self, name: str, kreis: str = "") -> tuple[str | None, str | None, str | None]:
        """(ags, error, notice) for a municipality name, optionally narrowed by the Kreis."""
        key = (name, kreis)
        if key not in self._cache:
            self._cache[key] = self._resolve_name(name, kreis)
        return self._cache[key]

    def _resolve_name(self, name: str, kreis: str) -> tuple[str | None, str | None, str | None]:
        kreis_ags = None
        allowed: set[str] = set()
        if kreis:
            kreis_ags = self.resolve_kreis(kreis)
            if kreis_ags is None:
                allowed = {k for k, n in self.kreis_names.items() if _kreis_key(n) == _kreis_key(kreis)}
                if not allowed:
                    return None, f"Kreis »{kreis}« ist unbekannt", None
            else:
                allowed = {kreis_ags}
        base, quals, _ = name_keys(name)
        candidates = list(dict.fromkeys(self._by_base.get(base, [])))
        if allowed:
            candidates = [a for a in candidates if self.kreis_of[a] in allowed]
        if quals and len(candidates) > 1:
            narrowed = [a for a in candidates if set(quals) <= set(self._qualifiers[a])]
            candidates = narrowed or candidates
        if len(candidates) == 1:
            return candidates[0], None, None
        if len(candidates) > 1:
            options = "; ".join(self.label(a) for a in candidates)
            return (
                None,
                f"Gemeindename »{name}« ist mehrdeutig: {options}. Bitte AGS oder Kreis angeben",
                None,
            )
        former = self._former_names.get(base, [])
        hits = {}
        for old_ags, old_name in former:
            new = self.successor(old_ags)
            if new and (not allowed or self.kreis_of[new] in allowed):
                hits[new] = old_name
        if len(hits) == 1:
            new, old_name = next(iter(hits.items()))
            return new, None, f"»{old_name}« gehört heute zu {self.label(new)}"
        where = f" im Kreis {self.kreis_names[kreis_ags]}" if kreis_ags else ""
        pool = [self.names[a] for a in self.names if not allowed or self.kreis_of[a] in allowed]
        close = difflib.get_close_matches(_strip_name(name), [_strip_name(n) for n in pool], n=3, cutoff=0.6)
        hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
        return None, f"Gemeinde »{name}«{where} ist unbekannt.{hint}", None


def load_gemeinden() -> pd.DataFrame:
    """Today's Saxon Gemeinden from ``asskomm.geo`` as a plain DataFrame (replaceable in tests)."""
    from asskomm import geo

    return pd.DataFrame(geo.gemeinden().drop(columns="geometry", errors="ignore"))


def load_gazetteer() -> Gazetteer:
    """The gazetteer of today's Saxon Gemeinden, with the succession of merged keys if ``asskomm.geo`` has it."""
    gemeinden = load_gemeinden()
    succession = current = None
    try:
        from asskomm import geo

        current = getattr(geo, "current_ags", None)
        succession = geo.succession() if hasattr(geo, "succession") else None
    except Exception:  # geo's layers missing or unreadable: names and current keys still work
        succession = None
    if succession is not None and not {"old_ags", "old_name", "new_ags"} <= set(succession.columns):
        succession = None
    return Gazetteer(gemeinden, succession, current_ags=current)


def as_gazetteer(gemeinden: pd.DataFrame | Gazetteer | None) -> Gazetteer:
    if gemeinden is None:
        return load_gazetteer()
    if isinstance(gemeinden, Gazetteer):
        return gemeinden
    return Gazetteer(gemeinden)


# --------------------------------------------------------------------------------------------------
# Parsed import


@dataclasses.dataclass(frozen=True)
class ImportRow:
    row: int
    kind: str  # "gemeinde" | "gruppe" | "landkreis"
    participant_key: str
    participant_name: str
    member: str | None  # the Gemeinde AGS this row names (None for a Landkreis)
    baustein: str
    datum: str
    problemfelder: tuple[str, ...]
    betrag_eur: float | None
    quelle: str
    bemerkung: str

    @property
    def milestone_key(self) -> tuple[str, str, str]:
        return (self.participant_key, self.baustein, self.datum)

    def content(self) -> tuple:
        return (self.problemfelder, self.betrag_eur, self.quelle, self.bemerkung)


@dataclasses.dataclass(frozen=True)
class ParticipantSpec:
    kind: str
    key: str
    name: str
    ags: str | None
    members: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class MilestoneSpec:
    participant_key: str
    baustein: str
    datum: str
    problemfelder: tuple[str, ...]
    betrag_eur: float | None
    quelle: str
    bemerkung: str
    rows: tuple[int, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.participant_key, self.baustein, self.datum)

    def fields(self) -> dict[str, Any]:
        return {
            "problemfelder": list(self.problemfelder),
            "betrag_eur": self.betrag_eur,
            "quelle": self.quelle,
            "bemerkung": self.bemerkung,
        }


@dataclasses.dataclass(frozen=True)
class ParsedImport:
    source: str
    rows: tuple[ImportRow, ...] = ()
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def participants(self) -> dict[str, ParticipantSpec]:
        out: dict[str, ParticipantSpec] = {}
        members: dict[str, list[str]] = {}
        for r in self.rows:
            if r.participant_key not in out:
                ags = (
                    None if r.kind == "gruppe" else (r.member if r.kind == "gemeinde" else r.participant_key)
                )
                out[r.participant_key] = ParticipantSpec(
                    r.kind, r.participant_key, r.participant_name, ags, ()
                )
                members[r.participant_key] = []
            if r.member and r.member not in members[r.participant_key]:
                members[r.participant_key].append(r.member)
        return {k: dataclasses.replace(v, members=tuple(sorted(members[k]))) for k, v in out.items()}

    def milestones(self) -> dict[tuple[str, str, str], MilestoneSpec]:
        out: dict[tuple[str, str, str], MilestoneSpec] = {}
        for r in self.rows:
            if r.milestone_key in out:
                spec = out[r.milestone_key]
                out[r.milestone_key] = dataclasses.replace(spec, rows=(*spec.rows, r.row))
            else:
                out[r.milestone_key] = MilestoneSpec(
                    r.participant_key,
                    r.baustein,
                    r.datum,
                    r.problemfelder,
                    r.betrag_eur,
                    r.quelle,
                    r.bemerkung,
                    (r.row,),
                )
        return out

    def error_report(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def group_key(name: str) -> str:
    return "gruppe:" + vocab.fold(name)


# --------------------------------------------------------------------------------------------------
# Reading files


def _read_table(path: Path, data: bytes, issues: list[Issue]) -> list[list[Any]] | None:
    """Raw cells (header first) from CSV or XLSX bytes; None after recording an error."""
    name = path.name
    suffix = path.suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        issues.append(
            Issue(
                "Das alte Excel-Format (.xls) wird nicht unterstützt; bitte als .xlsx oder CSV speichern.",
                file=name,
            )
        )
        return None
    if suffix in (".xlsx", ".xlsm"):
        if not is_zip:
            issues.append(Issue("Die Datei ist keine gültige Excel-Datei (.xlsx).", file=name))
            return None
        return _read_xlsx(data, name, issues)
    if is_zip:
        issues.append(
            Issue(
                "Die Datei ist keine CSV-Datei, sondern eine Binärdatei (vermutlich eine Excel- "
                "oder ZIP-Datei mit falscher Endung). Bitte als .xlsx hochladen oder als CSV speichern.",
                file=name,
            )
        )
        return None
    text = _decode(data, name, issues)
    if text is None:
        return None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=lambda d: (first.count(d), d == ";"))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _decode(data: bytes, name: str, issues: list[Issue]) -> str | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            issues.append(Issue("Die Datei ist nicht lesbar kodiert (UTF-16 fehlerhaft).", file=name))
            return None
    elif b"\x00" in data:
        issues.append(
            Issue(
                "Die Datei ist keine Textdatei (Binärdaten oder eine nicht unterstützte Kodierung). "
                "Bitte als CSV (UTF-8 oder Windows-1252) oder .xlsx speichern.",
                file=name,
            )
        )
        return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                issues.append(
                    Issue(
                        "Die Kodierung der Datei ist nicht erkannt (weder UTF-8 noch Windows-1252).",
                        file=name,
                    )
                )
                return None
    text = text.lstrip("\ufeff")
    if len(_CONTROL.findall(text[:100_000])) > 0:
        issues.append(
            Issue("Die Datei enthält Steuerzeichen und ist wohl keine CSV-Datei (Binärdatei?).", file=name)
        )
        return None
    if m := _MOJIBAKE.search(text):
        line = text[: m.start()].count("\n") + 1
        issues.append(
            Issue(
                f"Die Datei ist falsch kodiert: »{m.group(0)}« statt eines Umlauts (UTF-8-Text wurde "
                "als Windows-1252 gespeichert). Bitte die Datei mit der richtigen Kodierung neu speichern.",
                row=line,
                file=name,
            )
        )
        return None
    return text


def _read_xlsx(data: bytes, name: str, issues: list[Issue]) -> list[list[Any]] | None:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        issues.append(Issue(f"Die Excel-Datei ist nicht lesbar ({type(exc).__name__}).", file=name))
        return None
    try:
        ws = wb.worksheets[0]
        rows: list[list[Any]] = []
        for r, cells in enumerate(ws.iter_rows(), start=1):
            values = []
            for c, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    issues.append(
                        Issue(
                            f"Formel »{str(cell.value)[:40]}« ist nicht erlaubt; bitte den Wert als Text "
                            "eingeben.",
                            row=r,
                            column=f"Spalte {c + 1}",
                            file=name,
                        )
                    )
                    values.append("")
                else:
                    values.append(cell.value)
            rows.append(values)
            if r > MAX_IMPORT_ROWS + 1:
                break
        return rows
    finally:
        wb.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------------------------------
# Parsing and validation


def parse_amount(text: str) -> float:
    """German or plain amount: ``160000``, ``160.000``, ``160.000,50``, ``1234.5`` → float."""
    t = text.replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", t):
        t = t.replace(".", "")
    value = float(t)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(text)
    return round(value, 2)


def parse_file(
    path: str | Path,
    gemeinden: pd.DataFrame | Gazetteer | None = None,
    *,
    today: dt.date | None = None,
    display_name: str | None = None,
) -> ParsedImport:
    """Read and validate an import file (CSV or XLSX). Never raises for bad content."""
    path = Path(path)
    name = display_name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        return ParsedImport(name, errors=(Issue(f"Die Datei ist nicht lesbar: {exc.strerror}.", file=name),))
    if size > MAX_IMPORT_BYTES:
        return ParsedImport(
            name,
            errors=(
                Issue(
                    f"Die Datei ist zu groß ({size / 1024 / 1024:.1f} MB); erlaubt sind höchstens "
                    f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Bitte in kleinere Dateien aufteilen.",
                    file=name,
                ),
            ),
        )
    return parse_bytes(path.read_bytes(), name, gemeinden, today=today)


def parse_bytes(
    data: bytes,
    name: str,
    gemeinden: pd.DataFrame | Gazetteer | None = None,
    *,
    today: dt.date | None = None,
) -> ParsedImport:
    """Like ``parse_file`` for uploaded bytes; ``name`` (with suffix) selects CSV or XLSX."""
    issues: list[Issue] = []
    if len(data) > MAX_IMPORT_BYTES:
        return ParsedImport(
            name,
            errors=(
                Issue(
                    f"Die Datei ist zu groß ({len(data) / 1024 / 1024:.1f} MB); erlaubt sind höchstens "
                    f"{MAX_IMPORT_BYTES // 1024 // 1024} MB.",
                    file=name,
                ),
            ),
        )
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return ParsedImport(name, errors=(Issue("Die Datei ist leer.", file=name),))
    table = _read_table(Path(name), data, issues)
    if table is None:
        return ParsedImport(name, errors=tuple(issues))
    # In XLSX, formulas are their own cell type (refused when read); a text cell starting with "=" is text.
    text_formulas = data[:4] != b"PK\x03\x04"
    return _validate(table, name, as_gazetteer(gemeinden), today or dt.date.today(), issues, text_formulas)


def _validate(
    table: list[list[Any]], name: str, gaz: Gazetteer, today: dt.date, issues: list[Issue],
    text_formulas: bool = True,
) -> ParsedImport:
    warnings: list[Issue] = []

    def err(msg: str, row: int | None = None, col: str | None = None) -> None:
        issues.append(Issue(msg, row, col, name))

    header_row = next((i for i, r in enumerate(table) if any(_cell_text(c) for c in r)), None)
    if header_row is None:
        err("Die Datei ist leer.")
        return ParsedImport(name, errors=tuple(issues))
    header = [vocab.fold(_cell_text(c)) for c in table[header_row]]
    columns: dict[str, int] = {}
    for i, h in enumerate(header):
        canon = _HEADER_ALIASES.get(h)
        if canon is None:
            if h:
                warnings.append(
                    Issue(
                        f"Unbekannte Spalte »{_cell_text(table[header_row][i])}« wird ignoriert.",
                        header_row + 1,
                        None,
                        name,
                    )
                )
            continue
        if canon in columns:
            err(f"Spalte »{canon}« kommt doppelt vor.", header_row + 1, canon)
        columns[canon] = i
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if "ags" not in columns and "gemeinde" not in columns:
        missing.insert(0, "ags oder gemeinde")
    if missing:
        err(
            f"Pflichtspalte fehlt: {', '.join(missing)}. Erwartete Spalten: {', '.join(COLUMNS)}.",
            header_row + 1,
        )
        return ParsedImport(name, errors=tuple(issues), warnings=tuple(warnings))
    body = [
        (i + 1, r)
        for i, r in enumerate(table[header_row + 1 :], start=header_row + 1)
        if any(_cell_text(c) for c in r)
    ]
    if not body:
        err("Die Datei enthält nur die Kopfzeile, keine Datenzeilen.")
        return ParsedImport(name, errors=tuple(issues), warnings=tuple(warnings))
    if len(body) > MAX_IMPORT_ROWS:
        err(f"Zu viele Zeilen ({len(body)}); erlaubt sind höchstens {MAX_IMPORT_ROWS}.")
        return ParsedImport(name, errors=tuple(issues), warnings=tuple(warnings))

    pf_ids = vocab.problemfeld_ids()
    bs_ids = vocab.baustein_ids()
    rows: list[ImportRow] = []
    seen_single: dict[tuple[str, str, str], int] = {}
    seen_group: dict[tuple[str, str, str], ImportRow] = {}
    seen_member: dict[tuple[str, str, str, str | None], int] = {}
    group_names: dict[str, str] = {}

    for line, raw in body:
        n_before = len(issues)
        cells: dict[str, str] = {}
        for col, idx in columns.items():
            text = _cell_text(raw[idx]) if idx < len(raw) else ""
            if not text_formulas:
                pass
            elif _NEUTRALISED.match(text):
                text = text[1:]
            elif _FORMULA_START.match(text) and not (
                col == "betrag_eur" and re.fullmatch(r"-?[\d.,]+", text)
            ):
                err(
                    f"Zelle beginnt mit »{text[:1]}« und würde in Excel als Formel ausgeführt: »{text[:40]}«. "
                    "Bitte ein Apostroph voranstellen oder den Text umformulieren.",
                    line,
                    col,
                )
            if len(text) > MAX_CELL_CHARS:
                err(f"Zu langer Text ({len(text)} Zeichen, höchstens {MAX_CELL_CHARS}).", line, col)
                text = text[:MAX_CELL_CHARS]
            cells[col] = text
        for col in COLUMNS:
            cells.setdefault(col, "")

        # participant
        kind = key = pname = member = None
        gruppe = cells["gruppe"]
        resolved = _resolve_participant(cells, gaz, line, err, warnings, name)
        if resolved is not None:
            r_kind, r_ags = resolved
            if gruppe:
                if r_kind == "landkreis":
                    err("Ein Landkreis kann kein Mitglied einer Gruppe sein.", line, "gruppe")
                else:
                    kind, key, member = "gruppe", group_key(gruppe), r_ags
                    pname = group_names.setdefault(key, gruppe)
            elif r_kind == "landkreis":
                kind, key, member = "landkreis", r_ags, None
                pname = landkreis_name(gaz.kreis_names[r_ags])
            else:
                kind, key, member, pname = "gemeinde", r_ags, r_ags, gaz.names[r_ags]

        # baustein
        baustein = vocab.resolve_baustein(cells["baustein"]) if cells["baustein"] else None
        if not cells["baustein"]:
            err("Baustein fehlt.", line, "baustein")
        elif baustein is None:
            err(
                f"Unbekannter Baustein »{cells['baustein']}«. Erlaubt: {', '.join(bs_ids)}.", line, "baustein"
            )

        # datum
        datum = ""
        try:
            datum = normalise_datum(cells["datum"])
        except DateError as exc:
            err(str(exc) + ".", line, "datum")
        if datum:
            start, end = period_start(datum), period_end(datum)
            earliest = EARLIEST_DATE_BY_BAUSTEIN.get(baustein or "", EARLIEST_DATE)
            if start > today:
                err(
                    f"Datum »{cells['datum']}« liegt in der Zukunft (heute ist {today:%d.%m.%Y}).",
                    line,
                    "datum",
                )
            elif end < earliest:
                err(
                    f"Datum »{cells['datum']}« liegt vor dem {earliest:%d.%m.%Y}; das ist für diesen Baustein "
                    "nicht plausibel.",
                    line,
                    "datum",
                )

        # problemfelder
        pfs: list[str] = []
        for part in re.split(r"[;,|]", cells["problemfelder"]):
            part = part.strip()
            if not part:
                continue
            pf = vocab.resolve_problemfeld(part)
            if pf is None:
                close = difflib.get_close_matches(
                    part, list(vocab.problemfeld_labels().values()), n=2, cutoff=0.5
                )
                hint = f" Meinten Sie: {', '.join(close)}?" if close else f" Erlaubt: {', '.join(pf_ids)}."
                err(f"Unbekanntes Problemfeld »{part}«.{hint}", line, "problemfelder")
            elif pf not in pfs:
                pfs.append(pf)
        pfs.sort(key=pf_ids.index)

        # betrag
        betrag = None
        if cells["betrag_eur"]:
            try:
                betrag = parse_amount(cells["betrag_eur"])
            except ValueError:
                err(
                    f"»{cells['betrag_eur']}« ist kein Betrag in Euro (z. B. 160000 oder 160.000,00).",
                    line,
                    "betrag_eur",
                )

        if not cells["quelle"]:
            err("Quelle fehlt: jede Angabe braucht eine Quelle (URL oder interner Verweis).", line, "quelle")

        if len(issues) > n_before or kind is None or baustein is None:
            continue
        row = ImportRow(
            line,
            kind,
            key,
            pname,
            member,
            baustein,
            datum,
            tuple(pfs),
            betrag,
            cells["quelle"],
            cells["bemerkung"],
        )
        mkey = row.milestone_key
        if kind == "gruppe":
            member_key = (*mkey, member)
            if member_key in seen_member:
                err(
                    f"Doppelte Zeile: Gruppe, Mitglied, Baustein und Datum wie in Zeile {seen_member[member_key]}.",
                    line,
                )
                continue
            seen_member[member_key] = line
            first = seen_group.get(mkey)
            if first is not None and first.content() != row.content():
                diff = [
                    c
                    for c, a, b in zip(
                        ("problemfelder", "betrag_eur", "quelle", "bemerkung"),
                        first.content(),
                        row.content(),
                        strict=True,
                    )
                    if a != b
                ]
                for col in diff:
                    err(
                        f"Widerspricht Zeile {first.row}: Zeilen einer Gruppe mit demselben Baustein und Datum "
                        "bilden einen Meilenstein und müssen übereinstimmen.",
                        line,
                        col,
                    )
                continue
            seen_group.setdefault(mkey, row)
        else:
            if mkey in seen_single:
                err(
                    f"Doppelte Zeile: derselbe Teilnehmer, Baustein und dasselbe Datum wie in Zeile "
                    f"{seen_single[mkey]}. Mehrere Quellen bitte in einer Zeile mit »{SOURCE_SEPARATOR.strip()}« "
                    "trennen.",
                    line,
                )
                continue
            seen_single[mkey] = line
        rows.append(row)

    if issues:
        return ParsedImport(name, (), tuple(issues), tuple(warnings))
    return ParsedImport(name, tuple(rows), (), tuple(warnings))


def _resolve_participant(
    cells: Mapping[str, str],
    gaz: Gazetteer,
    line: int,
    err: Callable[..., None],
    warnings: list[Issue],
    name: str,
) -> tuple[str, str] | None:
    """("gemeinde", ags) or ("landkreis", kreis key) for a row, or None after reporting an error."""
    ags_text, gname, kreis = cells["ags"], cells["gemeinde"], cells["kreis"]
    if ags_text:
        digits = re.sub(r"[\s.]", "", ags_text)
        if not digits.isdigit() or len(digits) not in (5, 8, 12):
            err(
                f"»{ags_text}« ist kein Gemeindeschlüssel (8 Ziffern) oder Kreisschlüssel (5 Ziffern).",
                line,
                "ags",
            )
            return None
        if len(digits) == 12:
            digits = digits[:5] + digits[9:]
        if not digits.startswith(LAND_PREFIX):
            err(
                f"Schlüssel {digits} gehört nicht zu Sachsen (sächsische Schlüssel beginnen mit {LAND_PREFIX}).",
                line,
                "ags",
            )
            return None
        if len(digits) == 5:
            if digits not in gaz.kreis_names:
                err(f"Kreisschlüssel {digits} ist unbekannt.", line, "ags")
                return None
            if digits in gaz.kreisfrei:
                return "gemeinde", digits + "000"  # kreisfreie Stadt
            return "landkreis", digits
        current = gaz.successor(digits)
        if current is None:
            err(
                f"Gemeindeschlüssel {digits} ist unbekannt (keine heutige sächsische Gemeinde, auch nicht über "
                "Gemeindefusionen).",
                line,
                "ags",
            )
            return None
        if current != digits:
            warnings.append(Issue(f"Schlüssel {digits} ist heute {gaz.label(current)}.", line, "ags", name))
        if gname and not _is_kreis_name(gname):
            by_name, _, _ = gaz.resolve_name(gname, kreis)
            base = name_keys(gname)[0]
            if by_name != current and base != name_keys(gaz.names[current])[0]:
                err(f"Schlüssel {digits} ist {gaz.label(current)}, nicht »{gname}«.", line, "gemeinde")
                return None
        return "gemeinde", current
    if not gname:
        err("Weder »ags« noch »gemeinde« angegeben.", line, "ags")
        return None
    if _is_kreis_name(gname):
        kreis_ags = gaz.resolve_kreis(re.sub(r"\(kreisebene\)", "", gname, flags=re.I))
        if kreis_ags is None:
            err(f"Landkreis »{gname}« ist unbekannt.", line, "gemeinde")
            return None
        return "landkreis", kreis_ags
    ags, error, notice = gaz.resolve_name(gname, kreis)
    if error:
        err(
            error + ("." if not error.endswith((".", "?")) else ""),
            line,
            "kreis" if error.startswith("Kreis") else "gemeinde",
        )
        return None
    if notice:
        warnings.append(Issue(notice + ".", line, "gemeinde", name))
    return "gemeinde", ags


def landkreis_name(kreis_name: str) -> str:
    """Name of a Landkreis-level participant: "Landkreis Görlitz (Kreisebene)"."""
    base = _strip_name(kreis_name)
    folded = vocab.fold(base)
    if not (folded.startswith("landkreis") or folded.endswith("kreis")):
        base = "Landkreis " + base
    return base + " (Kreisebene)"


def _is_kreis_name(text: str) -> bool:
    folded = vocab.fold(text)
    return folded.startswith("landkreis ") or folded.split(" ")[0].endswith("kreis") or "kreisebene" in folded


# --------------------------------------------------------------------------------------------------
# Export


def neutralise(text: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe."""
    return "'" + text if text and text[0] in "=+-@\t\r" else text


def _amount_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".replace(".", ",")


def export_rows(
    records: RecordSet, gemeinden: pd.DataFrame | Gazetteer | None = None
) -> list[dict[str, Any]]:
    """The records as import-format rows (a group milestone gives one row per member), sorted."""
    gaz = None if gemeinden is None else as_gazetteer(gemeinden)
    by_id = {p.id: p for p in records.participants}
    order = {b: i for i, b in enumerate(vocab.baustein_ids())}
    out = []
    for m in records.milestones:
        p = by_id[m.participant_id]
        base = {
            "baustein": m.baustein,
            "datum": m.datum,
            "problemfelder": ";".join(m.problemfelder),
            "betrag_eur": m.betrag_eur,
            "quelle": m.quelle,
            "bemerkung": m.bemerkung,
        }
        targets = p.members if p.kind == "gruppe" else (p.ags,)
        for ags in targets:
            gname = (gaz.names.get(ags, "") if gaz else "") if p.kind == "gruppe" else p.name
            if gaz is None:
                kreis = ""
            elif p.kind == "landkreis":
                kreis = gaz.kreis_names.get(ags, "")
            else:
                kreis = gaz.kreis_names.get(gaz.kreis_of.get(ags, ""), "")
            out.append(
                {
                    "ags": ags,
                    "gemeinde": gname,
                    "kreis": kreis,
                    **base,
                    "gruppe": p.name if p.kind == "gruppe" else "",
                }
            )
    out.sort(
        key=lambda r: (
            r["gruppe"] or r["gemeinde"],
            r["gruppe"],
            order.get(r["baustein"], 99),
            r["datum"],
            r["ags"],
        )
    )
    return out


def export(records: RecordSet, path: str | Path, gemeinden: pd.DataFrame | Gazetteer | None = None) -> int:
    """Write the records to CSV (``;``, UTF-8 with BOM, formulas neutralised) or XLSX; returns the row count."""
    path = Path(path)
    rows = export_rows(records, gemeinden)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _write_xlsx(rows, path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            writer.writerow(COLUMNS)
            for r in rows:
                writer.writerow(
                    [
                        neutralise(_amount_text(r[c]) if c == "betrag_eur" else str(r[c] or ""))
                        for c in COLUMNS
                    ]
                )
    return len(rows)


def _write_xlsx(rows: Iterable[Mapping[str, Any]], path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ASSKomm"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(COLUMNS, start=1):
            value = row[col]
            cell = ws.cell(row=r, column=c)
            if col == "betrag_eur":
                cell.value = value
            else:
                cell.value = str(value or "")
                cell.data_type = "s"  # text, never a formula
    ws.freeze_panes = "A2"
    wb.save(path)
