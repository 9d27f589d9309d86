"""Conversion of public-record additions (German columns) into seed rows of the import format.

Input columns: ``gemeinde``, ``kreis``, ``fakt``, ``datum``, ``problemfelder``, ``quelle_url``, ``paraphrase``,
``sicher``. Output: rows with the columns of ``asskomm.records.COLUMNS`` (the seed's format), merged with the
existing seed rows. The rules (README, »Zählregeln«) are small functions, each unit-tested:

- ``fakt`` → Baustein (``BAUSTEIN_OF_FAKT``); ``other`` rows whose paraphrase starts with »[Förderung]« are
  ``foerderung``, ``problemfeld`` and other ``other`` rows are ``sonstiges`` (they never change a status).
- ``sicher``: »ja …« = stated by the source (the bracket after »ja« is kept as a note); »unsicher: Grund« =
  the milestone is *unbestätigt* with that reason.
- ``datum`` (``convert_datum``): a date, month or year is kept with its precision. »vor 2021-05-18« (a
  passing mention) becomes the mention's date: the fact existed by then, its start is unknown, and we never
  claim it earlier. »ca. …« keeps the period it names (»ca. 2023« → 2023) with a note. A range of months
  »2021-07/08« counts from its last month (2021-08). Text after the date is kept as a note. Empty stays
  empty (undated: counts only for today).
- Groups: »Name (A, B, C)« names a group and its members; »Stadt (mit A, B)« a lead town and its partners
  (``split_name``). ``participants_for`` decides who gets the milestone, in this order:
  1. the seed already holds the same fact (same Baustein and source URL) for the members one by one → one
     by one again (e.g. Verwaltungsverband Wildenstein's agreement);
  2. an agreement or a grant of »Stadt (mit …)« → the lead town alone (only it signs or receives the
     grant; the partners go into the note);
  3. otherwise the group (the seed's group of that name, with the seed's members; a named town that is
     not a member of the seed's group gets its own row, noted as »gemeinsam mit …«).
- Präzisierung: a confirmed addition whose date lies inside the period of a seed milestone of the same
  participant and Baustein (``2021`` ⊃ ``2021-07-16``) makes that milestone more precise instead of adding
  a second one (date replaced, source appended). ``sonstiges`` and ``foerderung`` are never merged.
- Focus areas: the source's words are mapped onto the vocabulary by ``PROBLEMFELD_WORDS``; the original
  words stay in the note (»Stichworte laut Quelle: …«).
- Councils older than ASSKomm (a ``kpr`` dated before 06.02.2019: Dresden 1996, Chemnitz 1998, …) are kept
  with their own date; the note says so (``OLDER_COUNCIL_NOTE``). The views count them as existing councils,
  never as a success of the programme (``records.dates.older_council``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from asskomm.records import (
    COLUMNS,
    SOURCE_SEPARATOR,
    DateError,
    Gazetteer,
    group_key,
    normalise_datum,
    period_end,
    period_start,
)
from asskomm.records import vocabulary as vocab
from asskomm.records.dates import older_council

BAUSTEIN_OF_FAKT = {
    "beratung": "beratung",
    "sicherheitsanalyse": "sicherheitsanalyse",
    "kooperationsvereinbarung": "kooperationsvereinbarung",
    "kpr": "kpr",
    "problemfeld": "sonstiges",
    "other": "sonstiges",
}
FUNDING_MARK = "[Förderung]"
OLDER_COUNCIL_NOTE = (
    "Präventionsrat älter als ASSKomm (vor dem 06.02.2019 gegründet): zählt als bestehender Rat, "
    "nicht als Meilenstein des Programms"
)
# Facts of a »Stadt (mit …)« row that belong to the lead town alone (it signs, it receives the grant).
LEAD_ONLY = {"kooperationsvereinbarung", "foerderung"}
# Bausteine whose seed milestone may be made more precise by an addition (facts that happen once).
MERGEABLE = {"beratung", "kooperationsvereinbarung", "kpr", "sicherheitsanalyse", "modellkommune", "coaching"}

# Source words (folded, substring match) → vocabulary id. Order does not matter; one word may give several ids.
PROBLEMFELD_WORDS: dict[str, tuple[str, ...]] = {
    "graffiti": ("graffiti_sachbeschaedigung",),
    "schmiererei": ("graffiti_sachbeschaedigung",),
    "sachbeschaedigung": ("graffiti_sachbeschaedigung",),
    "vermuellung": ("vermuellung",),
    "muell": ("vermuellung",),
    "gewalt": ("gewalt_extremismus",),
    "extremismus": ("gewalt_extremismus",),
    "messer": ("gewalt_extremismus",),
    "bedrohung": ("gewalt_extremismus",),
    "drogen": ("drogenmissbrauch",),
    "sucht": ("drogenmissbrauch",),
    "rauschgift": ("drogenmissbrauch",),
    "alkohol": ("drogenmissbrauch",),
    "vandalismus": ("vandalismus",),
    "ordnung": ("ordnung_sauberkeit",),
    "sauber": ("ordnung_sauberkeit",),
    "hundekot": ("ordnung_sauberkeit",),
    "verwahrlos": ("ordnung_sauberkeit",),
    "verunreinig": ("ordnung_sauberkeit",),
    "aufkleber": ("graffiti_sachbeschaedigung",),
    "aggress": ("gewalt_extremismus",),
    "radikal": ("gewalt_extremismus",),
    "jugend": ("jugend",),
    "schul": ("jugend",),
    "senior": ("senioren",),
    "verkehr": ("verkehr_schulweg",),
    "schulweg": ("verkehr_schulweg",),
    "haeusliche gewalt": ("haeusliche_gewalt_kinderschutz",),
    "kinderschutz": ("haeusliche_gewalt_kinderschutz",),
    "laerm": ("laerm_oeffentlicher_raum",),
    "ruhestoerung": ("laerm_oeffentlicher_raum",),
    "nutzungskonflikt": ("laerm_oeffentlicher_raum",),
    "nachtleben": ("laerm_oeffentlicher_raum",),
    "demokrat": ("demokratiefoerderung",),
}
_EXCLUDE = {"haeusliche gewalt": "gewalt"}  # »häusliche Gewalt« is not the general »Gewalt«

_DATE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"


class ConversionError(ValueError):
    """A row that the rules cannot convert (German message naming the row)."""


def convert_datum(text: str) -> tuple[str, str]:
    """(ISO date with its precision, German note) for a ``datum`` of the additions.

    >>> convert_datum("vor 2021-05-18")
    ('2021-05-18', 'Datum der Quelle »vor 2021-05-18«: bestand spätestens am 18.05.2021, Beginn unbekannt')
    """
    raw = (text or "").strip()
    if not raw:
        return "", ""
    m = re.fullmatch(rf"(?P<vor>vor\s+)?(?P<ca>ca\.\s*)?(?P<date>{_DATE})(?:/(?P<to>\d{{2}}))?\s*(?P<rest>.*)", raw)
    if m is None:
        raise ConversionError(f"»{raw}« ist keine Datumsangabe der Ergänzungen (z. B. 2021-05-18, vor 2021-05, ca. 2023)")
    datum = m["date"]
    notes = []
    if m["to"]:
        parts = datum.split("-")
        if len(parts) != 2 or int(m["to"]) < int(parts[1]):
            raise ConversionError(f"»{raw}«: ein Zeitraum ist nur für Monate eines Jahres vorgesehen (2021-07/08)")
        notes.append(f"Zeitraum laut Quelle {parts[1]}–{m['to']}/{parts[0]}, gezählt ab dem letzten Monat")
        datum = f"{parts[0]}-{m['to']}"
    try:
        normalise_datum(datum)
    except DateError as exc:
        raise ConversionError(str(exc)) from None
    if m["vor"]:
        end = period_end(datum)
        notes.append(f"Datum der Quelle »{raw}«: bestand spätestens am {end:%d.%m.%Y}, Beginn unbekannt")
    if m["ca"]:
        notes.append(f"Datum ungefähr (»{raw}«)")
    rest = m["rest"].strip().strip("()").strip()
    if rest and not m["ca"]:
        notes.append(f"Datum laut Quelle: {raw}")
    return datum, "; ".join(notes)


def split_name(text: str) -> tuple[str, tuple[str, ...], bool]:
    """(name, members, lead) of a ``gemeinde`` cell: »VG X (A, B)« → ('VG X', ('A', 'B'), False);
    »Flöha (mit A, B)« → ('Flöha', ('A', 'B'), True); a plain name has no members."""
    m = re.fullmatch(r"\s*(?P<name>[^()]+?)\s*\((?P<mit>mit\s+)?(?P<members>[^()]+)\)\s*", text or "")
    if m is None:
        return (text or "").strip(), (), False
    members = tuple(p.strip() for p in m["members"].split(",") if p.strip())
    return m["name"], members, bool(m["mit"])


def doubt(sicher: str) -> tuple[str, str]:
    """(reason for doubt or "", note) from the ``sicher`` column."""
    text = (sicher or "").strip()
    folded = vocab.fold(text)
    if folded.startswith("unsicher"):
        reason = re.sub(r"^unsicher\s*:?\s*", "", text, flags=re.I).strip()
        return reason or "laut Erfassung unsicher", ""
    if folded.startswith("ja"):
        hint = re.sub(r"^ja\s*", "", text, flags=re.I).strip().strip("()").strip()
        return "", hint
    raise ConversionError(f"»{text}« in »sicher«: erwartet »ja …« oder »unsicher: Grund«")


def baustein_of(fakt: str, paraphrase: str) -> str:
    fakt = (fakt or "").strip().lower()
    if fakt not in BAUSTEIN_OF_FAKT:
        raise ConversionError(f"unbekannter Fakt »{fakt}«; erlaubt: {', '.join(BAUSTEIN_OF_FAKT)}")
    if fakt == "other" and (paraphrase or "").lstrip().startswith(FUNDING_MARK):
        return "foerderung"
    return BAUSTEIN_OF_FAKT[fakt]


def map_problemfelder(words: Iterable[str]) -> tuple[str, ...]:
    """Vocabulary ids for the source's words (vocabulary order, each once)."""
    found: set[str] = set()
    for word in words:
        folded = vocab.fold(word)
        for key, ids in PROBLEMFELD_WORDS.items():
            if key in folded and not (key in _EXCLUDE.values() and any(x in folded for x in _EXCLUDE)):
                found.update(ids)
    order = {p: i for i, p in enumerate(vocab.problemfeld_ids())}
    return tuple(sorted(found, key=lambda p: order.get(p, 999)))


def _within(new: str, old: str) -> bool:
    """Whether date ``new`` is more precise than ``old`` and lies inside ``old``'s period."""
    if not new or not old or len(new) <= len(old):
        return False
    return period_start(old) <= period_start(new) and period_end(new) <= period_end(old)


def _join(*parts: str, sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def participants_for(
    name: str,
    members: Sequence[str],
    lead: bool,
    baustein: str,
    url: str,
    seed: Sequence[Mapping[str, str]],
    resolve: Any,
) -> list[tuple[str, str, str]]:
    """[(ags, gruppe, note)] that receive a milestone of a group row (rules 1–3 of the module docstring)."""
    towns = ([name] if lead else []) + list(members)
    ags_of = {t: resolve(t) for t in towns}
    # 1. the seed holds the same fact for the members one by one
    same = {r["ags"] for r in seed if r["baustein"] == baustein and r["quelle"].split(SOURCE_SEPARATOR)[0] == url
            and not r["gruppe"]}
    if same and set(ags_of.values()) <= same | {ags_of.get(name)}:
        return [(ags_of[t], "", "") for t in towns]
    # 2. an agreement or a grant of a lead town with partners: only the lead signed / received it
    if lead and baustein in LEAD_ONLY:
        return [(ags_of[name], "", f"Partner im gemeinsamen Projekt: {', '.join(members)}")]
    # 3. the group (as the seed knows it)
    full = f"{name} ({'mit ' if lead else ''}{', '.join(members)})"
    seed_groups = {group_key(r["gruppe"]): r["gruppe"] for r in seed if r["gruppe"]}
    for candidate in (full, name):
        if group_key(candidate) in seed_groups:
            gname = seed_groups[group_key(candidate)]
            break
    else:
        gname = full if lead else name
    seed_members = {r["ags"] for r in seed if r["gruppe"] and group_key(r["gruppe"]) == group_key(gname)}
    out = []
    for t in towns:
        a = ags_of[t]
        if seed_members and a not in seed_members:
            out.append((a, "", f"gemeinsam mit: {gname}"))
        else:
            out.append((a, gname, ""))
    return out


def convert(
    additions: Sequence[Mapping[str, str]], seed: Sequence[Mapping[str, str]], gazetteer: Gazetteer
) -> tuple[list[dict[str, str]], dict[str, int]]:
    """The seed rows with the additions merged in, and counts (``neu``, ``praezisiert``, ``unbestaetigt``).

    Raises ConversionError (German, with the row number as a spreadsheet shows it) on a row it cannot convert.
    """
    rows = [{c: (r.get(c) or "") for c in COLUMNS} for r in seed]
    counts = {"neu": 0, "praezisiert": 0, "unbestaetigt": 0}
    for line, add in enumerate(additions, start=2):
        try:
            new_rows, merged = _convert_row(add, rows, gazetteer)
        except ConversionError as exc:
            raise ConversionError(f"Zeile {line}: {exc}") from None
        counts["praezisiert"] += merged
        counts["neu"] += 1 if new_rows and not merged else 0
        counts["unbestaetigt"] += 1 if new_rows and new_rows[0]["unbestaetigt"] else 0
        rows.extend(new_rows)
    return rows, counts


@dataclasses.dataclass(frozen=True)
class _Addition:
    """One addition row as the rules read it (before its participants are known)."""

    kreis: str
    baustein: str
    datum: str
    reason: str  # for doubt (»unbestätigt«), or ""
    url: str
    problemfelder: tuple[str, ...]
    note: str  # paraphrase, date note, hint, the source's words


def _convert_row(
    add: Mapping[str, str], rows: list[dict[str, str]], gaz: Gazetteer
) -> tuple[list[dict[str, str]], int]:
    """The new seed rows of one addition, and 1 if it made seed milestones more precise instead (else 0)."""
    addition = _read_addition(add)
    targets = _targets(add.get("gemeinde", ""), addition, rows, gaz)
    done = _make_precise(addition, targets, rows)
    out = [
        _seed_row(addition, ags, gruppe, note, gaz) for ags, gruppe, note in targets if (ags, gruppe) not in done
    ]
    return out, 1 if done else 0


def _read_addition(add: Mapping[str, str]) -> _Addition:
    """Apply the column rules to one row (ConversionError at the first one it breaks)."""
    kreis = (add.get("kreis") or "").strip()
    paraphrase = (add.get("paraphrase") or "").strip()
    baustein = baustein_of(add.get("fakt", ""), paraphrase)
    datum, date_note = convert_datum(add.get("datum", ""))
    reason, hint = doubt(add.get("sicher", ""))
    url = (add.get("quelle_url") or "").strip()
    if not url:
        raise ConversionError("Quelle fehlt")
    words = [w.strip() for w in (add.get("problemfelder") or "").split(";") if w.strip()]
    note = _join(
        paraphrase.removeprefix(FUNDING_MARK).strip(),
        OLDER_COUNCIL_NOTE if older_council(baustein, datum) else "",
        date_note,
        f"Hinweis: {hint}" if hint else "",
        f"Stichworte laut Quelle: {'; '.join(words)}" if words else "",
    )
    return _Addition(kreis, baustein, datum, reason, url, map_problemfelder(words), note)


def _targets(
    gemeinde: str, addition: _Addition, rows: list[dict[str, str]], gaz: Gazetteer
) -> list[tuple[str, str, str]]:
    """[(ags, gruppe, note)] that receive the milestone: the named town, or a group's by ``participants_for``."""

    def resolve(town: str) -> str:
        ags, error, _ = gaz.resolve_name(town, addition.kreis)
        if ags is None:
            raise ConversionError(error or f"Gemeinde »{town}« nicht gefunden")
        return ags

    name, members, lead = split_name(gemeinde)
    if members:
        return participants_for(name, members, lead, addition.baustein, addition.url, rows, resolve)
    return [(resolve(name), "", "")]


def _make_precise(
    addition: _Addition, targets: list[tuple[str, str, str]], rows: list[dict[str, str]]
) -> set[tuple[str, str]]:
    """Präzisierung: a confirmed fact makes a seed milestone of the same participant more precise.

    Returns the (ags, gruppe) of the targets served that way (they get no new row)."""
    done: set[tuple[str, str]] = set()
    if addition.reason or addition.baustein not in MERGEABLE:
        return done
    datum = addition.datum
    for ags, gruppe, _ in targets:
        for r in rows:
            if (r["ags"], r["gruppe"], r["baustein"]) == (ags, gruppe, addition.baustein) and (
                _within(datum, r["datum"]) or (r["datum"] == datum and datum)
            ) and not r["unbestaetigt"]:
                r["datum"] = datum
                if addition.url not in r["quelle"].split(SOURCE_SEPARATOR):
                    r["quelle"] = _join(r["quelle"], addition.url, sep=SOURCE_SEPARATOR)
                r["bemerkung"] = _join(r["bemerkung"], f"Präzisiert: {addition.note}")
                merged_pfs = set(filter(None, r["problemfelder"].split(";"))) | set(addition.problemfelder)
                r["problemfelder"] = ";".join(p for p in vocab.problemfeld_ids() if p in merged_pfs)
                done.add((ags, gruppe))
    return done


def _seed_row(addition: _Addition, ags: str, gruppe: str, note: str, gaz: Gazetteer) -> dict[str, str]:
    return {
        "ags": ags,
        "gemeinde": gaz.names[ags],
        "kreis": addition.kreis,
        "baustein": addition.baustein,
        "datum": addition.datum,
        "problemfelder": ";".join(addition.problemfelder),
        "betrag_eur": "",
        "quelle": addition.url,
        "bemerkung": _join(addition.note, note),
        "gruppe": gruppe,
        "unbestaetigt": addition.reason,
    }
