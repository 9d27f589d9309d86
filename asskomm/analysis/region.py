"""The filtered region: the Gemeinden the shares and the matching count against, and its German name.

The region is the set of Gemeinden of the Kreise in view (Kreis filter ∩ the Polizeidirektionen's Kreise),
narrowed by the size class; a further region filter (e.g. a Polizeidirektion) narrows it by passing its
Gemeinden as ``extra`` to :func:`region_ags`. Used by ``analysis.status`` (which Gemeinden match) and
``analysis.coverage`` (the shares).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from asskomm.analysis.filters import Filters
from asskomm.records.einwohner import SIZE_CLASSES, Population
from asskomm.records.einwohner import load as load_population


def region_ags(
    gemeinden: pd.DataFrame,
    filters: Filters,
    population: Population | None = None,
    extra: Iterable[Iterable[str]] = (),
) -> list[str]:
    """The Gemeinden of the filtered region, in the order of ``gemeinden``: the Kreise in view (Kreis filter ∩
    the Polizeidirektionen's Kreise, ``Filters.scope_kreise``) ∩ size class ∩ each set in ``extra``."""
    kreise = filters.scope_kreise()
    out = [str(a) for a, k in zip(gemeinden["ags"], gemeinden["kreis_ags"], strict=True)
           if kreise is None or str(k) in kreise]
    if filters.groesse:
        pop = population if population is not None else load_population()
        in_class = pop.in_class(filters.groesse)
        out = [a for a in out if a in in_class]
    for allowed in extra:
        keep = {str(a) for a in allowed}
        out = [a for a in out if a in keep]
    return out


def kreis_region_names(kreise: pd.DataFrame) -> dict[str, str]:
    """Kreis key → »im Landkreis Görlitz«, »im Erzgebirgskreis«, »in der Stadt Leipzig« (from the Kreis layer)."""
    out = {}
    for key, name, typ in zip(kreise["kreis_ags"].astype(str), kreise["name"].astype(str),
                              kreise.get("typ", pd.Series([""] * len(kreise))).astype(str), strict=True):
        if name.endswith("kreis"):
            out[key] = f"im {name}"
        elif typ == "Landkreis":
            out[key] = f"im Landkreis {name}"
        else:
            out[key] = f"in der Stadt {name}"
    return out


def region_label(
    filters: Filters,
    region_names: Mapping[str, str] | None = None,
    extra_label: str = "",
    *,
    pd_labels: Mapping[str, str] | None = None,
) -> str:
    """»im Landkreis Görlitz«, »im Bereich der PD Görlitz«, »in 2 Kreisen«, »in Sachsen« (+ size class): the
    whole the shares refer to. ``region_names``: Kreis key → »im Landkreis …« (``kreis_region_names``)."""
    region_names = region_names or {}
    pds = ", ".join((pd_labels or {}).get(p, p) for p in filters.polizeidirektionen)
    if len(filters.kreise) == 1:
        where = region_names.get(filters.kreise[0], f"im Kreis {filters.kreise[0]}")
    elif filters.kreise:
        where = f"in {len(filters.kreise)} Kreisen"
    elif pds:
        where = f"im Bereich der {pds}"
    else:
        where = "in Sachsen"
    if pds and filters.kreise:
        where += f" ({pds})"
    if extra_label:
        where += f", {extra_label}"
    if filters.groesse:
        where += f" mit {SIZE_CLASSES[filters.groesse][0]} Einwohnern"
    return where
