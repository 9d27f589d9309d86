"""What a change reports: refused changes (conflict, duplicate, import refused) and the result of an import."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from asskomm import records as rec


class ConflictError(RuntimeError):
    """A record was changed by someone else since it was read (optimistic locking)."""

    def __init__(self, message: str, current: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = dict(current) if current else None


class DuplicateError(ValueError):
    """A change would create a second milestone with the same participant, Baustein and date."""


class ImportRefused(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class Change:
    """One effect an import has (or would have)."""

    kind: str  # neuer_teilnehmer | neue_mitglieder | neuer_meilenstein | geaenderter_meilenstein
    participant: str
    rows: tuple[int, ...] = ()
    baustein: str = ""
    datum: str = ""
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None

    def __str__(self) -> str:
        where = (
            f"Zeile {', '.join(map(str, self.rows[:5]))}{' …' if len(self.rows) > 5 else ''}: "
            if self.rows
            else ""
        )
        what = f"{self.baustein} {self.datum or '(ohne Datum)'}".strip()
        if self.kind == "neuer_teilnehmer":
            return f"{where}neuer Teilnehmer »{self.participant}«"
        if self.kind == "neue_mitglieder":
            return f"{where}»{self.participant}«: neue Mitglieder {', '.join(self.after['members'])}"
        if self.kind == "neuer_meilenstein":
            return f"{where}»{self.participant}«: neuer Meilenstein {what}"
        diffs = "; ".join(
            f"{k}: »{_show(self.before.get(k))}« → »{_show(self.after.get(k))}«"
            for k in self.after
            if self.before.get(k) != self.after.get(k)
        )
        return f"{where}»{self.participant}«: Meilenstein {what} würde geändert ({diffs})"


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ";".join(map(str, value))
    return "" if value is None else str(value)


@dataclasses.dataclass(frozen=True)
class ImportResult:
    source: str
    applied: bool
    dry_run: bool
    changes: tuple[Change, ...] = ()
    unchanged: int = 0
    errors: tuple[rec.Issue, ...] = ()
    warnings: tuple[rec.Issue, ...] = ()
    data_version: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self, limit: int = 50) -> str:
        """German summary for the CLI and the import preview."""
        lines = []
        if self.errors:
            n = len(self.errors)
            lines.append(f"Import abgelehnt, nichts wurde geändert ({n} {'Problem' if n == 1 else 'Probleme'}):")
            lines += [f"  - {e}" for e in self.errors[:limit]]
            if len(self.errors) > limit:
                lines.append(f"  … und {len(self.errors) - limit} weitere")
            return "\n".join(lines)
        verb = "würde" if self.dry_run or not self.applied else "wurde"
        head = "Probelauf (nichts gespeichert)" if self.dry_run else "Import gespeichert"
        lines.append(
            f"{head}: {self.count('neuer_meilenstein')} neue Meilensteine, "
            f"{self.count('geaenderter_meilenstein')} geänderte, {self.unchanged} unverändert, "
            f"{self.count('neuer_teilnehmer')} neue Teilnehmer, {self.count('neue_mitglieder')} Gruppen mit neuen "
            f"Mitgliedern ({verb} übernommen)."
        )
        shown = [c for c in self.changes if c.kind == "geaenderter_meilenstein"] + [
            c for c in self.changes if c.kind != "geaenderter_meilenstein"
        ]
        lines += [f"  - {c}" for c in shown[:limit]]
        if len(shown) > limit:
            lines.append(f"  … und {len(shown) - limit} weitere")
        lines += [f"  Hinweis: {w}" for w in self.warnings[:limit]]
        return "\n".join(lines)
