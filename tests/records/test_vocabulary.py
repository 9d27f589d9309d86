import re

from asskomm.labels import STATUS_ORDER
from asskomm.records import vocabulary as vocab


def test_bausteine_vocabulary_complete():
    ids = vocab.baustein_ids()
    for required in ("beratung", "kooperationsvereinbarung", "modellkommune", "kpr", "sicherheitsanalyse",
                     "coaching", "koordinierungsstelle", "foerderung", "sonstiges"):
        assert required in ids
    stufe = vocab.baustein_stufe()
    assert stufe["sonstiges"] == ""
    assert stufe["kooperationsvereinbarung"] == "kooperation"
    assert all(s in ("", *STATUS_ORDER) for s in stufe.values())


def test_problemfelder_start_with_the_ministry_four():
    labels = list(vocab.problemfelder()["label"])
    assert labels[:4] == ["Graffiti und Sachbeschädigung", "Vermüllung öffentlicher Plätze",
                          "Gewalt und Extremismus", "Drogenmissbrauch"]
    df = vocab.problemfelder()
    assert df["id"].is_unique and df["label"].is_unique
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in df["colour"])


def test_resolve_by_id_or_label_tolerantly():
    assert vocab.resolve_problemfeld("Vermüllung öffentlicher Plätze") == "vermuellung"
    assert vocab.resolve_problemfeld("  drogenmissbrauch ") == "drogenmissbrauch"
    assert vocab.resolve_problemfeld("VANDALISMUS") == "vandalismus"
    assert vocab.resolve_problemfeld("Falschparken") is None
    assert vocab.resolve_baustein("Kommunaler Präventionsrat") == "kpr"
    assert vocab.resolve_baustein("Förderung") == "foerderung"
