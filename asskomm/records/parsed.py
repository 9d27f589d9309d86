"""The result of parsing an import file: its rows, and the participants and milestones they describe."""

from __future__ import annotations

import dataclasses
from typing import Any

from asskomm.records import vocabulary as vocab
from asskomm.records.importformat import Issue


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
    unbestaetigt: str = ""

    @property
    def milestone_key(self) -> tuple[str, str, str]:
        return (self.participant_key, self.baustein, self.datum)

    def content(self) -> tuple:
        return (self.problemfelder, self.betrag_eur, self.quelle, self.bemerkung, self.unbestaetigt)


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
    unbestaetigt: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.participant_key, self.baustein, self.datum)

    def fields(self) -> dict[str, Any]:
        return {
            "problemfelder": list(self.problemfelder),
            "betrag_eur": self.betrag_eur,
            "quelle": self.quelle,
            "bemerkung": self.bemerkung,
            "unbestaetigt": self.unbestaetigt,
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
                    r.unbestaetigt,
                )
        return out

    def error_report(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def group_key(name: str) -> str:
    return "gruppe:" + vocab.fold(name)
