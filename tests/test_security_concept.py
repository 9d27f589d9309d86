"""docs/sicherheitskonzept.md: every test it names exists, and every BSI requirement issue 25 names has a row."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONCEPT = ROOT / "docs" / "sicherheitskonzept.md"
REQUIREMENTS = (
    "CON.10.A1", "CON.10.A3", "CON.10.A5", "CON.10.A10", "CON.10.A12", "CON.10.A14",
    "APP.3.1.A4", "APP.3.1.A14", "APP.3.1.A21", "ORP.4.A8", "ORP.4.A13", "ORP.4.A22", "ORP.4.A23",
    "OPS.1.1.5.A3", "OPS.1.1.5.A4", "APP.4.3.A16", "CON.8.A5", "CON.8.A6", "CON.8.A20",
)


def test_every_named_test_exists():
    text = CONCEPT.read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text)
    assert len(named) >= 20
    for path, test in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert not test or re.search(rf"^def {test}\(", source, re.M), f"{path}::{test}"


def test_every_requirement_has_a_row_with_a_test_cell():
    rows = [line for line in CONCEPT.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    for requirement in REQUIREMENTS:
        row = next((r for r in rows if r.startswith(f"| {requirement} ")), None)
        assert row, requirement
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4 and cells[1] and cells[2], requirement
    assert "[Datenschutz](datenschutz.md)" in CONCEPT.read_text() and "(accessibility.md)" in CONCEPT.read_text()
