"""The record model: an immutable snapshot of participants, milestones, focus areas and contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asskomm.records.parsed import ParsedImport

import dataclasses

from asskomm.records.dates import older_council

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
    # Reason for doubt; "" = stated by the source. An unconfirmed milestone is shown with its reason but
    # left out of the KPIs and map colours unless the view includes unconfirmed facts (``confirmed_only``).
    unbestaetigt: str = ""

    @property
    def older_council(self) -> bool:
        """A Präventionsrat founded before ASSKomm (``records.dates.older_council``)."""
        return older_council(self.baustein, self.datum)


# The KPI cards an »amtliche Zahl« can stand beside: field of ``analysis.status.Kennzahlen`` → the card's label
# (``analysis.figures.KPI_RULES`` names the same fields).
OFFICIAL_KENNZAHLEN = {
    "beraten": "Beratene Kommunen",
    "vereinbarungen": "Kooperationsvereinbarungen",
    "modellkommunen": "Modellkommunen",
    "praeventionsraete": "Präventionsräte",
    "sicherheitsanalysen": "Sicherheitsanalysen",
}


@dataclasses.dataclass(frozen=True)
class OfficialFigure:
    """A current figure the ministry entered in the app (»amtliche Zahl«): it stands beside its KPI card,
    before any figure a newspaper reported. ``created_by`` stays on the admins' page (personal data)."""

    id: int
    kennzahl: str  # the KPI's field in ``analysis.status.Kennzahlen`` (``vereinbarungen``, ``beraten``, …)
    wert: int
    stand: str  # ISO date the figure refers to
    referenz: str  # internal reference, e.g. »LPR-Statistik 11/2026«
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
    official_figures: tuple[OfficialFigure, ...] = ()  # »amtliche Zahlen« entered by the ministry

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
                unbestaetigt=spec.unbestaetigt,
            )
            for i, spec in enumerate(parsed.milestones().values(), start=1)
        ]
        return cls(tuple(participants), tuple(milestones))

    def confirmed_only(self) -> RecordSet:
        """The same records without unconfirmed milestones (what KPIs and map colours count by default)."""
        if not any(m.unbestaetigt for m in self.milestones):
            return self
        return dataclasses.replace(self, milestones=tuple(m for m in self.milestones if not m.unbestaetigt))


# --------------------------------------------------------------------------------------------------
