"""Tolerant matching of municipality and Kreis names and keys to today's AGS."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

import pandas as pd

from asskomm.geo import layers as geo
from asskomm.records import vocabulary as vocab

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
    """Today's Saxon Gemeinden from ``asskomm.geo.layers`` as a plain DataFrame (replaceable in tests)."""
    return pd.DataFrame(geo.gemeinden().drop(columns="geometry", errors="ignore"))


def load_gazetteer() -> Gazetteer:
    """The gazetteer of today's Saxon Gemeinden, with the succession of merged keys if ``asskomm.geo.layers`` has it."""
    gemeinden = load_gemeinden()
    succession = current = None
    try:
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
