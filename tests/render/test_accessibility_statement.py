"""The accessibility statement (/barrierefreiheit): its parts, and the contact configured in one place."""

from __future__ import annotations

import harness

from asskomm.render import accessibility

ENV = {
    "ASSKOMM_BARRIEREFREIHEIT_STELLE": "Landespräventionsrat Sachsen (Test)",
    "ASSKOMM_BARRIEREFREIHEIT_ANSCHRIFT": "Musterstraße 1, 01097 Dresden",
    "ASSKOMM_BARRIEREFREIHEIT_EMAIL": "barrierefrei@example.org",
    "ASSKOMM_BARRIEREFREIHEIT_TELEFON": "0351 000000",
    "ASSKOMM_BARRIEREFREIHEIT_DURCHSETZUNG": "Schlichtungsstelle (Test)",
}


def test_statement_has_the_parts_bitv_asks_for():
    headings = [h for h, _ in accessibility.sections({})]
    for needed in ("Stand der Vereinbarkeit", "Nicht barrierefreie Inhalte", "Feedback und Kontakt",
                   "Durchsetzungsverfahren", "Erstellung dieser Erklärung"):
        assert any(h.startswith(needed) for h in headings), needed
    text = dict(accessibility.sections({}))
    assert "teilweise vereinbar" in text["Stand der Vereinbarkeit mit den Anforderungen"]
    assert text["Nicht barrierefreie Inhalte"].count("\n- ") == len(accessibility.LIMITATIONS) - 1


def test_contact_placeholders_until_configured():
    assert not accessibility.is_configured({})
    assert "[E-Mail-Adresse" in dict(accessibility.sections({}))["Feedback und Kontakt"]
    assert accessibility.is_configured(ENV)
    contact = dict(accessibility.sections(ENV))["Feedback und Kontakt"]
    assert "barrierefrei@example.org" in contact and "[" not in contact
    # an empty variable keeps the placeholder
    assert accessibility.contact({"ASSKOMM_BARRIEREFREIHEIT_EMAIL": "  "})["email"].startswith("[")


def test_page_shows_statement_and_placeholder_warning(apptest):
    at = apptest("pages/barrierefreiheit.py", env=dict.fromkeys(ENV))
    harness.assert_no_exception(at)
    assert at.title[0].value == "Erklärung zur Barrierefreiheit"
    assert any("Platzhalter" in w.value for w in at.warning)
    assert [h.value for h in at.header][:2] == ["Geltungsbereich", "Stand der Vereinbarkeit mit den Anforderungen"]


def test_page_with_configured_contact(apptest):
    at = apptest("pages/barrierefreiheit.py", env=ENV)
    harness.assert_no_exception(at)
    assert not [w for w in at.warning if "Platzhalter" in w.value]
    assert any("barrierefrei@example.org" in m.value for m in at.markdown)
