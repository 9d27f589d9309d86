import datetime as dt

from asskomm.analysis import figures


def test_reported_figures_loaded_with_sources():
    df = figures.reported_figures()
    assert len(df) >= 60
    assert df["source"].str.startswith("http").all()
    assert set(figures.COMPARABLE) <= set(df["metric"])


def test_latest_respects_date_precision():
    assert figures.latest("cooperation_agreements").value >= 60
    f = figures.latest("cooperation_agreements", until=dt.date(2021, 12, 1))
    assert (f.date, f.value) == ("2021-12-01", 30)
    f = figures.latest("cooperation_agreements", until=dt.date(2021, 11, 29))
    assert f.value == 21  # "2021-11" counts only from 30.11.2021
    assert figures.latest("cooperation_agreements", until=dt.date(2019, 1, 1)) is None
    assert f.label == "Kooperationsvereinbarungen"
    assert figures.metric_label("unbekannt_x") == "unbekannt x"
