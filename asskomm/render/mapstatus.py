"""What changes on the map with filters and date (no Streamlit here): one ``folium.FeatureGroup`` holding a
compact state (status, match and flags per AGS, tooltip fragments, markers, names).

Passed to ``st_folium`` as ``feature_group_to_add``, it is evaluated inside the existing base map
(``mapbase.base_map``): the controller restyles the polygons in place and adds outlines and circle markers to the
feature group (removed with it on the next change). The polygons' geometry is drawn once, not on every change;
in the app it comes from a static file (``geometry_url``, see ``asskomm.geo.geometry_file``), because
streamlit-folium re-sends the whole map HTML with every rerun.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import folium
import pandas as pd
from jinja2 import Template

from asskomm import labels
from asskomm.records.dates import council_label, predates_programme
from asskomm.render.mapscript import DataLayer, script_json
from asskomm.render.maptext import esc, tooltip_body

MARKER_KINDS = ("kpr", "sicherheitsanalyse")


def map_state(
    table: pd.DataFrame,
    matched: pd.Series,
    *,
    problemfeld_labels: Mapping[str, str] | None = None,
    selected: str | None = None,
    markers: Iterable[str] = MARKER_KINDS,
    highlight: Iterable[str] = (),
    fit_kreise: Iterable[str] = (),
    summary: str = "",
) -> dict:
    """The compact per-AGS state the controller applies (plain JSON types).

    ``summary``: the sentence screen readers hear as the map's description (see :func:`maptext.map_summary`).
    With ``fit_kreise`` the state also names (``names``) the matching Gemeinden in those Kreise that take
    part (beraten or Kooperation): the map writes their names.

    ``highlight``: AGS drawn with a broad outline (the »Neu seit …« view); unknown keys are dropped.
    ``fit_kreise``: Kreis keys the map zooms to when this choice changes (empty: all of Saxony).
    """
    problemfeld_labels = problemfeld_labels or {}
    order = {s: i for i, s in enumerate(labels.STATUS_ORDER)}
    markers = [k for k in markers if k in MARKER_KINDS]
    known = set(table["ags"].astype(str))
    state: dict = {
        "s": {},
        "t": {},
        "model": [],
        "markers": [],
        "sel": selected or None,
        "hl": sorted(str(a) for a in set(highlight) if str(a) in known),
        "fit": sorted({str(k) for k in fit_kreise}),
        "summary": summary,
    }
    for row, ok in zip(table.to_dict("records"), matched.tolist(), strict=True):
        ags = str(row["ags"])
        model = bool(row.get("modellkommune"))
        state["s"][ags] = [order.get(row["status"], 0), 1 if ok else 0, 1 if model else 0]
        older = bool(row.get("kpr")) and predates_programme(str(row.get("kpr_seit") or ""))
        has_detail = row["status"] != "nicht_beteiligt" or model or bool(row.get("problemfelder")) or older
        if has_detail:
            state["t"][ags] = tooltip_body(row, problemfeld_labels)
        if model and ok:
            state["model"].append(ags)
        if ok and state["fit"] and ags[:5] in state["fit"] and row["status"] != "nicht_beteiligt":
            state.setdefault("names", []).append((-order.get(row["status"], 0), ags))
        if ok:
            for kind in markers:
                if row.get(kind):
                    text = council_label(str(row["kpr_seit"])) if kind == "kpr" and older else labels.MARKER_LABELS[kind]
                    state["markers"].append([ags, kind, esc(text)])
    if "names" in state:  # agreements first: they keep their names where names would overlap
        state["names"] = [ags for _, ags in sorted(state["names"])]
    return state


class _StatusUpdate(DataLayer):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.asskomm.apply({{ this.state }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, state: dict):
        super().__init__()
        self._name = "StatusUpdate"
        self.state = script_json(state)


def status_layers(table: pd.DataFrame, matched: pd.Series, **options: Any) -> list[folium.FeatureGroup]:
    """The changing layers, for ``st_folium(..., feature_group_to_add=...)``.

    ``options`` are those of :func:`map_state` (labels, selection, markers, ``highlight``, ``fit_kreise``):
    everything that changes is part of the state the controller applies – no second map, no remount.
    """
    return layers_for_state(map_state(table, matched, **options))


def layers_for_state(state: dict) -> list[folium.FeatureGroup]:
    """The changing layers for a state of :func:`map_state` (which a page may have computed once for all)."""
    group = folium.FeatureGroup(name="ASSKomm-Status", control=False)
    _StatusUpdate(state).add_to(group)
    return [group]


def standalone_html(m: folium.Map, layers: list[folium.FeatureGroup]) -> str:
    """A self-contained HTML page of base map + layers (for tests and exports outside Streamlit)."""
    for group in layers:
        group.add_to(m)
    return m.get_root().render()
