"""The status palette and map outlines against WCAG 2.1 AA (issue 13): contrast of text ≥ 4.5:1, of outlines,
markers and legend swatches ≥ 3:1 against what they sit on; neighbouring status stages ≥ 3:1 apart, also as
seen with protanopia and deuteranopia (simulated with the Machado et al. matrices in tests/a11y.py)."""

from __future__ import annotations

import itertools

import a11y
import pytest

from asskomm import labels
from asskomm.render import mapcontroller

WHITE = "#FFFFFF"
FILLS = [labels.STATUS_COLOURS[s] for s in labels.STATUS_ORDER]
GRAPHICS = 3.0
TEXT = 4.5


def test_contrast_ratio_matches_known_values():
    assert labels.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert labels.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    # WCAG's own example of the lightest grey that passes 4.5:1 on white
    assert labels.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert labels.contrast_ratio("#777777", "#FFFFFF") < TEXT
    with pytest.raises(ValueError):
        labels.relative_luminance("#FFF")


@pytest.mark.parametrize("vision", ["normal", *a11y.CVD_MATRICES])
def test_neighbouring_status_stages_differ_by_3_to_1(vision):
    fills = FILLS if vision == "normal" else [a11y.simulate_hex(c, vision) for c in FILLS]
    for lower, higher in itertools.pairwise(fills):
        ratio = labels.contrast_ratio(lower, higher)
        assert ratio >= GRAPHICS, f"{vision}: {lower} / {higher} only {ratio:.2f}:1"


def test_simulation_changes_reds_and_keeps_greys():
    # the check above must be able to fail: the simulation really moves a red, and keeps a grey
    assert a11y.simulate_hex("#D55E00", "deuteranopie") != "#D55E00"
    assert a11y.simulate_hex("#808080", "protanopie") == "#808080"


@pytest.mark.parametrize(
    "name, colour",
    [
        ("Kreisgrenze", labels.KREIS_BORDER_COLOUR),
        ("Gemeindegrenze", labels.GEMEINDE_BORDER_COLOUR),
        ("Grenze außerhalb der Filter", labels.FILTERED_OUT_BORDER_COLOUR),
        ("Modellkommune", labels.MODEL_OUTLINE_COLOUR),
        ("Sicherheitsanalyse", labels.MARKER_COLOURS["sicherheitsanalyse"]),
        ("Rand Präventionsrat", labels.MARKER_RIM_COLOUR),
        ("Rand der Legendenfelder", labels.SWATCH_BORDER_COLOUR),
        ("Kernlinie »Neu seit«", mapcontroller.HIGHLIGHT_CORE_COLOUR),
    ],
)
def test_outlines_stand_out_from_the_white_background(name, colour):
    assert labels.contrast_ratio(colour, WHITE) >= GRAPHICS, name


@pytest.mark.parametrize(
    "name, colour",
    [
        ("Kreisgrenze", labels.KREIS_BORDER_COLOUR),
        ("Modellkommune", labels.MODEL_OUTLINE_COLOUR),
        ("Sicherheitsanalyse", labels.MARKER_COLOURS["sicherheitsanalyse"]),
    ],
)
def test_outlines_with_their_casing_stand_out_on_every_status_fill(name, colour):
    # the line or its white casing: one of them reaches 3:1 on every fill the line can cross
    for fill in FILLS:
        best = max(labels.contrast_ratio(colour, fill), labels.contrast_ratio(labels.CASING_COLOUR, fill))
        assert best >= GRAPHICS, f"{name} on {fill}: {best:.2f}:1"


def test_praeventionsrat_dot_stands_out_everywhere():
    for ground in [WHITE, *FILLS]:
        best = max(
            labels.contrast_ratio(labels.MARKER_COLOURS["kpr"], ground),
            labels.contrast_ratio(labels.MARKER_RIM_COLOUR, ground),
        )
        assert best >= GRAPHICS, f"dot on {ground}: {best:.2f}:1"


def test_the_map_draws_casings_and_rims_from_the_palette():
    cfg = mapcontroller.controller_config()
    assert cfg["casingColour"] == labels.CASING_COLOUR
    assert cfg["border"] == labels.GEMEINDE_BORDER_COLOUR
    assert cfg["markerStyles"]["kpr"]["color"] == labels.MARKER_RIM_COLOUR
    assert cfg["markerCasing"]["sicherheitsanalyse"]["color"] == labels.CASING_COLOUR
    assert cfg["colours"] == FILLS


@pytest.mark.parametrize("colour", ["#555555", labels.STATUS_COLOURS["kooperation"]])
def test_text_colours_of_the_app_reach_4_5_to_1(colour):
    # .asskomm-source (source lines) and the skip link's text, on white
    assert labels.contrast_ratio(colour, WHITE) >= TEXT
