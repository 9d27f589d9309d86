"""Issue 19.11: one source per colour. Baustein colours come from data/bausteine.csv, and the map, the
legend and the exports take them from ``labels`` (which reads that file)."""

from __future__ import annotations

import re

import pytest

from asskomm import labels
from asskomm.records import vocabulary as vocab
from asskomm.render import mapcontroller


def test_status_marker_and_outline_colours_are_the_bausteine_csv_colours():
    csv_colours = dict(zip(vocab.bausteine()["id"], vocab.bausteine()["colour"].str.upper(), strict=True))
    assert labels.STATUS_COLOURS["beraten"] == csv_colours["beratung"]
    assert labels.STATUS_COLOURS["kooperation"] == csv_colours["kooperationsvereinbarung"]
    assert csv_colours["modellkommune"] == labels.MODEL_OUTLINE_COLOUR
    assert {"kpr": csv_colours["kpr"], "sicherheitsanalyse": csv_colours["sicherheitsanalyse"]} == labels.MARKER_COLOURS
    config = mapcontroller.controller_config()
    assert config["colours"] == [labels.STATUS_COLOURS[s] for s in labels.STATUS_ORDER]
    assert config["modelStyle"]["color"] == csv_colours["modellkommune"]


def test_an_edited_csv_gives_the_new_colour(tmp_path):
    text = labels.BAUSTEINE_FILE.read_text(encoding="utf-8")
    edited = tmp_path / "bausteine.csv"
    edited.write_text(
        re.sub(r"(?m)^(kooperationsvereinbarung,[^,]*,)#[0-9A-Fa-f]{6}", r"\1#123abc", text), encoding="utf-8"
    )
    assert labels.baustein_colours(edited)["kooperationsvereinbarung"] == "#123ABC"


def test_a_bad_colour_is_refused_with_file_row_and_column(tmp_path):
    bad = tmp_path / "bausteine.csv"
    bad.write_text("id,label,colour,stufe,description\nberatung,Beratung,#8CC8EC,beraten,x\nkpr,KPR,orange,beraten,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bausteine.csv, Zeile 3, Spalte »colour«: ungültige Farbe »orange« bei »kpr«"):
        labels.baustein_colours(bad)
