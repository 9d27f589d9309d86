"""AppTest: the Ansprache page (role check, Kreis filter from the URL, points per reason, the top ten's reasons)."""

import harness
import pytest
import test_page_kommune as kommune_page

from asskomm.analysis import ansprache

db = kommune_page.db  # the fixture: a seeded database with the accounts berta (Bearbeiter) and viktor


def _page(who=None, query=None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(harness.REPO_ROOT / "pages/ansprache.py"), default_timeout=60)
    if who:
        kommune_page._as(at, who)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize("who", [None, "viktor"])
def test_ansprache_needs_an_editor(db, who):
    at = _page(who)
    harness.assert_no_exception(at)
    assert at.warning and not at.dataframe and not at.get("download_button")


def test_ansprache_page_for_an_editor_with_kreis_filter(db):
    at = _page("berta", {"kreis": "14626"})
    harness.assert_no_exception(at)
    assert at.title[0].value == "Ansprache"
    frame = at.dataframe[0].value
    assert len(frame) > 10 and set(frame["Kreis"]) == {"Görlitz"}
    assert frame["Punkte"].is_monotonic_decreasing
    parts = frame.iloc[0][list(ansprache.POINT_COLUMNS.values())]
    assert abs(parts.sum() - frame.iloc[0]["Punkte"]) < 0.3
    reasons = next(m.value for m in at.markdown if m.value.startswith("1. **"))
    assert reasons.splitlines()[0].count("+") == 5 and len(reasons.splitlines()) == 10
    participating = {"Görlitz", "Zittau", "Niesky"}
    assert not participating & set(frame["Gemeinde"])
    assert at.get("download_button")


