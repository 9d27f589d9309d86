"""The view filters (Kreis, Problemfeld, Baustein, Stand) and their URL form.

``Filters.from_query`` never raises: a malformed parameter is dropped and reported as a German notice,
so a shared link with a typo still opens a map.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping

from asskomm.records.dates import PROGRAMME_START

_KREIS_KEY = re.compile(r"^\d{5}$")


@dataclasses.dataclass(frozen=True)
class Filters:
    stand: dt.date
    kreise: tuple[str, ...] = ()
    problemfelder: tuple[str, ...] = ()
    baustein: str | None = None
    polizeidirektionen: tuple[str, ...] = ()  # PD ids (asskomm.geo.polizei): Gemeinden in these PDs' Kreise
    groesse: str | None = None  # size class id (``asskomm.records.einwohner.SIZE_CLASSES``)
    unbestaetigt: bool = False  # include unconfirmed milestones in figures and colours

    @property
    def is_default(self) -> bool:
        return not (self.kreise or self.problemfelder or self.baustein or self.polizeidirektionen
                    or self.groesse)

    def scope_kreise(self) -> set[str] | None:
        """The Kreise in view: the Kreis filter intersected with the PDs' Kreise; None = no restriction."""
        scope = set(self.kreise) if self.kreise else None
        if self.polizeidirektionen:
            from asskomm.geo import polizei

            covered = polizei.kreise_of(self.polizeidirektionen)
            scope = covered if scope is None else scope & covered
        return scope

    def cache_key(self) -> tuple:
        """The filter values as plain hashable values (keys of shared caches; ``unbestaetigt`` is in the
        data version those caches are also keyed on)."""
        return (self.stand.isoformat(), self.kreise, self.problemfelder, self.baustein, self.polizeidirektionen,
                self.groesse)

    @classmethod
    def from_cache_key(cls, key: tuple, *, unbestaetigt: bool = False) -> Filters:
        stand_iso, kreise, problemfelder, baustein, pds, groesse = key
        return cls(dt.date.fromisoformat(stand_iso), kreise, problemfelder, baustein, pds, groesse, unbestaetigt)

    def to_query(self, today: dt.date | None = None) -> dict[str, list[str] | str]:
        """Query parameters for this view (the date is left out when it is today)."""
        stand = self.stand.isoformat() if self.stand != (today or dt.date.today()) else None
        return as_query(
            self.kreise, self.problemfelder, self.baustein, self.polizeidirektionen, stand,
            groesse=self.groesse, unbestaetigt=self.unbestaetigt,
        )

    @classmethod
    def from_query(
        cls,
        params: Mapping[str, str | Iterable[str]],
        *,
        kreise: Iterable[str],
        problemfelder: Iterable[str],
        bausteine: Iterable[str],
        today: dt.date | None = None,
        polizeidirektionen: Iterable[str] | None = None,
    ) -> tuple[Filters, list[str]]:
        """Parse URL parameters; returns the filters and German notices for what was ignored.

        ``polizeidirektionen``: the valid PD ids (default: those of ``data/polizeidirektionen.csv``).
        """
        today = today or dt.date.today()
        notices: list[str] = []
        known_kreise, known_pf, known_bs = set(kreise), set(problemfelder), set(bausteine)
        chosen_kreise = _chosen(
            _values(params, "kreis"),
            lambda key: bool(_KREIS_KEY.match(key)) and key in known_kreise,
            "kreis",
            "kein sächsischer Kreisschlüssel (5 Ziffern).",
            notices,
        )
        chosen_pf = _chosen(
            _values(params, "problemfeld"), known_pf.__contains__, "problemfeld", "unbekanntes Problemfeld.", notices
        )
        from asskomm.records.einwohner import SIZE_CLASSES

        bs = _chosen(
            _values(params, "baustein")[:1], known_bs.__contains__, "baustein", "unbekannter Baustein.", notices
        )
        size = _chosen(
            _values(params, "groesse")[:1], SIZE_CLASSES.__contains__, "groesse", "unbekannte Größenklasse.", notices
        )
        unbestaetigt = any(v in ("1", "ja", "true") for v in _values(params, "unbestaetigt"))
        stand = _stand(_values(params, "stand")[:1], today, notices)
        chosen_pd = _chosen_pd(_values(params, "polizeidirektion"), polizeidirektionen, notices)
        filters = cls(
            stand, chosen_kreise, chosen_pf, bs[0] if bs else None, chosen_pd, size[0] if size else None, unbestaetigt
        )
        return filters, notices


def as_query(
    kreise: Iterable[str] | None,
    problemfelder: Iterable[str] | None,
    baustein: str | None,
    polizeidirektionen: Iterable[str] | None,
    stand: str | None,
    *,
    groesse: str | None = None,
    unbestaetigt: bool = False,
) -> dict[str, list[str] | str]:
    """The query parameters of these filter values (left out when empty), in the order of the URL."""
    query: dict[str, list[str] | str] = {}
    if kreise:
        query["kreis"] = list(kreise)
    if problemfelder:
        query["problemfeld"] = list(problemfelder)
    if baustein:
        query["baustein"] = baustein
    if polizeidirektionen:
        query["polizeidirektion"] = list(polizeidirektionen)
    if groesse:
        query["groesse"] = groesse
    if unbestaetigt:
        query["unbestaetigt"] = "1"
    if stand:
        query["stand"] = stand
    return query


def _values(params: Mapping[str, str | Iterable[str]], name: str) -> list[str]:
    """The values of one parameter: repeated and/or comma-separated, stripped, empty parts dropped."""
    raw = params.get(name)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def _chosen(
    keys: Iterable[str], valid: Callable[[str], bool], name: str, reason: str, notices: list[str]
) -> tuple[str, ...]:
    """The valid keys once each, in order; a German notice for each invalid one."""
    chosen: list[str] = []
    for key in keys:
        if valid(key):
            if key not in chosen:
                chosen.append(key)
        else:
            notices.append(f"Parameter »{name}={key}« ignoriert: {reason}")
    return tuple(chosen)


def _stand(raw_values: list[str], today: dt.date, notices: list[str]) -> dt.date:
    """The first valid date between the programme start and today; today when there is none."""
    stand = today
    for raw in raw_values:
        try:
            parsed = dt.date.fromisoformat(raw)
        except ValueError:
            notices.append(f"Parameter »stand={raw}« ignoriert: kein Datum im Format JJJJ-MM-TT.")
            continue
        if parsed < PROGRAMME_START or parsed > today:
            notices.append(
                f"Parameter »stand={raw}« ignoriert: liegt außerhalb von "
                f"{PROGRAMME_START:%d.%m.%Y} bis {today:%d.%m.%Y}."
            )
            continue
        stand = parsed
    return stand


def _chosen_pd(raw_pd: list[str], polizeidirektionen: Iterable[str] | None, notices: list[str]) -> tuple[str, ...]:
    """Polizeidirektion ids (the known ones load only when the parameter is given)."""
    if not raw_pd:
        return ()
    if polizeidirektionen is None:
        from asskomm.geo import polizei

        polizeidirektionen = polizei.polizeidirektionen()
    known_pd = set(polizeidirektionen)
    reason = f"unbekannte Polizeidirektion (bekannt: {', '.join(sorted(known_pd))})."
    return _chosen(raw_pd, known_pd.__contains__, "polizeidirektion", reason, notices)


def describe(
    filters: Filters,
    kreis_labels: Mapping[str, str] | None = None,
    problemfeld_labels: Mapping[str, str] | None = None,
    baustein_labels: Mapping[str, str] | None = None,
    *,
    unfiltered: str = "ganz Sachsen, ohne Filter",
    pd_labels: Mapping[str, str] | None = None,
) -> str:
    """German one-liner of the active filters, e.g. »Kreis: Görlitz · Problemfeld: Vandalismus«."""
    kreis_labels, problemfeld_labels = kreis_labels or {}, problemfeld_labels or {}
    baustein_labels = baustein_labels or {}
    parts = []
    if filters.kreise:
        names = ", ".join(kreis_labels.get(k, k) for k in filters.kreise)
        parts.append(("Kreise: " if len(filters.kreise) > 1 else "Kreis: ") + names)
    if filters.problemfelder:
        names = ", ".join(problemfeld_labels.get(p, p) for p in filters.problemfelder)
        parts.append(("Problemfelder: " if len(filters.problemfelder) > 1 else "Problemfeld: ") + names)
    if filters.baustein:
        parts.append("Baustein: " + baustein_labels.get(filters.baustein, filters.baustein))
    if filters.polizeidirektionen:
        if pd_labels is None:
            from asskomm.geo import polizei

            pd_labels = polizei.labels()
        parts.append(", ".join(pd_labels.get(p, p) for p in filters.polizeidirektionen))
    if filters.groesse:
        from asskomm.records.einwohner import SIZE_CLASSES

        parts.append("Einwohner: " + SIZE_CLASSES.get(filters.groesse, (filters.groesse,))[0])
    if filters.unbestaetigt:
        parts.append("mit unbestätigten Angaben")
    return " · ".join(parts) if parts else unfiltered
