"""The Ansprache page's parts: the ranked candidates (``asskomm.analysis.ansprache``) of the Kreise chosen, their
map, their table with the reasons for the first ten, the XLSX call list and how the points come about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm.analysis import ansprache
from asskomm.ui import boundaries, coverage, mapblock, views
from asskomm.ui.messages import md


def candidates(
    table: pd.DataFrame,
    kreise: Sequence[str],
    kreis_labels: Mapping[str, str],
    problemfeld_labels: Mapping[str, str],
) -> pd.DataFrame:
    """The Gemeinden not taking part at ``table``'s date in ``kreise`` (all if empty), ranked by their points."""
    nachbarn, centroids = boundaries.neighbours_and_centroids()
    return ansprache.candidates(
        table, boundaries.gemeinden_index(), coverage.population().einwohner, nachbarn, centroids, kreise=kreise,
        problemfeld_labels=problemfeld_labels, kreis_labels=kreis_labels,
    )


def candidate_map(
    table: pd.DataFrame, frame: pd.DataFrame, kreise: Sequence[str], top_n: int, problemfeld_labels: Mapping[str, str]
) -> None:
    """The status map of the Kreise chosen with the first ``top_n`` candidates outlined."""
    gem_index = boundaries.gemeinden_index()
    in_view = gem_index["kreis_ags"].astype(str).isin(kreise) if kreise else gem_index["ags"].notna()
    matched = table["ags"].astype(str).isin(set(gem_index.loc[in_view, "ags"].astype(str)))
    mapblock.status_map(table, matched, problemfeld_labels=problemfeld_labels, markers=("kpr",), height=460,
                        highlight=list(frame["ags"].head(top_n)), fit_kreise=tuple(kreise))


def candidate_table(frame: pd.DataFrame) -> None:
    """The ranked list with the points per reason, then why the first ten lead."""
    shown = ansprache.page_table(frame)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(shown), 560),
        column_config={
            "Rang": st.column_config.NumberColumn(width="small"),
            "Einwohner": st.column_config.NumberColumn(format="localized"),
            **{c: st.column_config.NumberColumn(format="%.1f", width="small")
               for c in ansprache.POINT_COLUMNS.values()},
        },
        key="ans_table",
    )
    st.markdown("**Warum die ersten zehn vorn liegen**")
    st.markdown("\n".join(
        f"{r.rang}. **{md(r.name)}** ({labels.fmt_num(r.punkte, 1)} Punkte): {md(r.begruendung)}"
        for r in frame.head(10).itertuples()
    ))


def call_list_download(frame: pd.DataFrame, today: dt.date, where: str) -> None:
    """The call list as XLSX, with the selection, the population source and the weights on its note sheet."""
    note = (f"ASSKomm-Ansprache, Stand {labels.fmt_date(today)}, Auswahl: {where}\n"
            f"{coverage.population().attribution()}\n" + ansprache.weights_text())
    st.download_button(
        "Anrufliste als Excel (XLSX)",
        data=views.xlsx_bytes(ansprache.call_list(frame), sheet="Ansprache", note=note),
        file_name=f"asskomm_ansprache_{today.isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="ans_xlsx",
    )


def weights_explanation() -> None:
    """Every weight of the points, in words."""
    st.markdown(ansprache.weights_text(markdown=True))
