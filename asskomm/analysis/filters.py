"""The view filters (Kreis, Problemfeld, Baustein, Stand) and their URL form.

``Filters.from_query`` never raises: a malformed parameter is dropped and reported as a German notice,
so a shared link with a typo still opens a map.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping

PROGRAMME_START = dt.date(2019, 2, 6)
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

    def to_query(self, today: dt.date | None = None) -> dict[str, list[str] | str]:
        """Query parameters for this view (the date is left out when it is today)."""
        query: dict[str, list[str] | str] = {}
        if self.kreise:
            query["kreis"] = list(self.kreise)
        if self.problemfelder:
            query["problemfeld"] = list(self.problemfelder)
        if self.baustein:
            query["baustein"] = self.baustein
        if self.polizeidirektionen:
            query["polizeidirektion"] = list(self.polizeidirektionen)
        if self.groesse:
            query["groesse"] = self.groesse
        if self.unbestaetigt:
            query["unbestaetigt"] = "1"
        if self.stand != (today or dt.date.today()):
            query["stand"] = self.stand.isoformat()
        return query

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

        def values(name: str) -> list[str]:
            raw = params.get(name)
            if raw is None:
                return []
            items = [raw] if isinstance(raw, str) else list(raw)
            out: list[str] = []
            for item in items:
                out.extend(part.strip() for part in str(item).split(",") if part.strip())
            return out

        chosen_kreise = []
        for key in values("kreis"):
            if _KREIS_KEY.match(key) and key in known_kreise:
                if key not in chosen_kreise:
                    chosen_kreise.append(key)
            else:
                notices.append(f"Parameter »kreis={key}« ignoriert: kein sächsischer Kreisschlüssel (5 Ziffern).")

        chosen_pf = []
        for key in values("problemfeld"):
            if key in known_pf:
                if key not in chosen_pf:
                    chosen_pf.append(key)
            else:
                notices.append(f"Parameter »problemfeld={key}« ignoriert: unbekanntes Problemfeld.")

        from asskomm.records.einwohner import SIZE_CLASSES

        def one_of(name: str, known: Iterable[str], what: str) -> str | None:
            for key in values(name)[:1]:
                if key in known:
                    return key
                notices.append(f"Parameter »{name}={key}« ignoriert: {what}.")
            return None

        baustein = one_of("baustein", known_bs, "unbekannter Baustein")
        groesse = one_of("groesse", SIZE_CLASSES, "unbekannte Größenklasse")
        unbestaetigt = any(v in ("1", "ja", "true") for v in values("unbestaetigt"))

        stand = today
        for raw in values("stand")[:1]:
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

        chosen_pd = []
        raw_pd = values("polizeidirektion")
        if raw_pd:
            if polizeidirektionen is None:
                from asskomm.geo import polizei

                polizeidirektionen = polizei.polizeidirektionen()
            known_pd = set(polizeidirektionen)
            for key in raw_pd:
                if key in known_pd:
                    if key not in chosen_pd:
                        chosen_pd.append(key)
                else:
                    notices.append(
                        f"Parameter »polizeidirektion={key}« ignoriert: unbekannte Polizeidirektion "
                        f"(bekannt: {', '.join(sorted(known_pd))})."
                    )

        return cls(stand, tuple(chosen_kreise), tuple(chosen_pf), baustein, tuple(chosen_pd), groesse,
                   unbestaetigt), notices


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
