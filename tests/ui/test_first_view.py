"""The start page's first view is computed once and shared (issue 18): ``ui.firstview.karte_table``,
``sources`` and ``warm``, and ``ui.data.published_figures``. Real SQLite database, seeded by one run of the app."""

from __future__ import annotations

import datetime as dt

import harness
import pandas as pd
import pytest
import streamlit as st

from asskomm.analysis.filters import Filters
from asskomm.ui import boundaries, data, firstview, views


@pytest.fixture
def seeded(apptest):
    harness.assert_no_exception(apptest())  # the app creates and seeds the database in ASSKOMM_DB
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _direct(filters: Filters) -> pd.DataFrame:
    """The table as the page built it before it was shared: every piece computed here, per visitor."""
    table = data.status_table(filters.stand)
    return views.karte_table(
        table,
        boundaries.gemeinden_index(),
        data.matched(filters, table),
        problemfeld_labels=data.vocab_labels()[0],
        kreis_labels=boundaries.kreis_labels(),
        sources=views.sources_by_ags(data.records(), filters.stand, table["ags"]),
    )


@pytest.mark.parametrize("kreise", [(), ("14626",)])
def test_shared_table_is_the_table_the_page_built(seeded, kreise) -> None:
    filters = Filters(dt.date.today(), kreise)
    shared = firstview.karte_table(filters)
    direct = _direct(filters)
    assert len(shared) == len(direct) > 0
    pd.testing.assert_frame_equal(shared, direct)
    if kreise:
        assert len(shared) < len(_direct(Filters(dt.date.today())))


def test_warm_fills_what_the_first_view_reads(seeded, monkeypatch) -> None:
    done = firstview.warm()
    assert done[0] == "geo" and done[1].startswith("records ")

    def must_not_run(*args, **kwargs):
        raise AssertionError("computed again although warm() had filled the cache")

    monkeypatch.setattr(views, "karte_table", must_not_run)
    monkeypatch.setattr(views, "sources_by_ags", must_not_run)
    today = dt.date.today()
    assert len(firstview.karte_table(Filters(today))) > 0
    assert isinstance(firstview.sources(today), dict)
    # another filter is not warmed: it is computed (and here refused)
    with pytest.raises(AssertionError, match="computed again"):
        firstview.karte_table(Filters(today, ("14626",)))


def test_published_figures_follow_the_date(seeded) -> None:
    early = data.published_figures(dt.date(2019, 1, 1))
    late = data.published_figures(dt.date.today())
    assert late and early != late  # one cache entry per date, not the first one for every date
    assert all(str(row["date"]) <= dt.date.today().isoformat() for row in late)
    assert all(str(row["date"]) <= "2019-01-01" for row in early)
