"""URL parameters cannot put a link or an image into the app's own markdown (issue 25, point 8).

Every page runs with every query parameter set to an attack (a phishing link, an external image, bare URLs,
backticks that try to close a code span, a blank line that tries to start a block), anonymously and signed in
as an admin. Every markdown text of every element then must hold the attack only inertly. While the pages run,
every parameter name they read is recorded: each one must have been given an attack.
"""

from __future__ import annotations

import re
from pathlib import Path

import harness
import pytest
from streamlit.runtime.state.query_params_proxy import QueryParamsProxy

from asskomm.analysis.filters import Filters
from asskomm.store import accounts as auth
from asskomm.store.database import Store
from asskomm.ui import auth as ui_auth
from asskomm.ui.messages import code_span, md

LINK = "[Sitzung abgelaufen – bitte hier neu anmelden](https://evil.example/login)"
MIXED = "``x` ![b](https://evil.example/x.png)\n\nwww.evil.example chef@evil.example :material/lock:"
PAYLOADS = (LINK, MIXED)
# Names no page reads today but that such pages would use (the review named them); harmless elsewhere.
EXTRA = ("seit", "gemeinde", "kommune", "suche", "q", "region", "stichtag", "von", "bis", "zurueck", "ags")
PAGES = sorted(p.as_posix() for p in Path(harness.REPO_ROOT, "pages").relative_to(harness.REPO_ROOT).glob("*.py"))
TEXT_FIELDS = ("body", "label", "help", "message", "caption", "placeholder")
PW = "Ein-gutes-Passwort-9"


def _filter_names() -> set[str]:
    """The names ``Filters.from_query`` asks its mapping for."""
    names: set[str] = set()

    class Asked(dict):
        def get(self, key, default=None):
            names.add(key)
            return default

    Filters.from_query(Asked(), kreise=(), problemfelder=(), bausteine=())
    return names


NAMES = tuple(sorted(_filter_names() | set(EXTRA) | {"ebenen", "praesentation", "unbestaetigt"}))

_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def live_links(markdown: str) -> list[str]:
    """What of a markdown text a renderer could turn into a link or an image pointing at evil.example: link
    and image syntax outside code spans, and URLs, www. and e-mail addresses in the text as the renderer sees
    it (Streamlit finds them after escapes are resolved, so ``https\\://`` is no protection)."""
    outside = _CODE_SPAN.sub(" ", markdown)
    text = re.sub(r"\\(.)", r"\1", outside)
    found = re.findall(r"(?<!\\)!?\[[^\]]*(?<!\\)\]\([^)]*\)", outside)
    found += re.findall(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|:material/\w+:", text, re.I)
    return [f for f in found if "evil" in f or "material/lock" in f]


def test_the_oracle_sees_what_the_browser_showed():
    """The old escaping (backslashes only) left autolinks live in Streamlit: the oracle must say so."""
    old = re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])", r"\\\1", LINK)
    assert live_links(old) and live_links(LINK) and live_links(f"`{LINK}") and not live_links(f"`{LINK}`")
    for payload in PAYLOADS:
        assert not live_links(md(payload)) and not live_links(md(f"Parameter »kreis={payload}« ignoriert."))
        assert not live_links(code_span(payload))


@pytest.mark.parametrize("value", ["a`b", "``x` y", "`", "x`", "a\n\nb", "x" * 500])
def test_code_span_holds_any_value_on_one_line(value):
    span = code_span(value)
    fence = re.match(r"`+", span).group(0)
    assert span.endswith(fence) and "\n" not in span
    inner = span[len(fence):-len(fence)]
    assert max((len(run) for run in re.findall("`+", inner)), default=0) < len(fence)  # cannot close early
    assert len(inner) <= 205


def _texts(at) -> list[tuple[str, str]]:
    """(element type, text) of every markdown-bearing string field of every element on the page."""
    out = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        for field, value in proto.ListFields():
            if field.name in TEXT_FIELDS and isinstance(value, str):
                out.append((getattr(node, "type", "?"), value))
    return out


@pytest.fixture
def read_names(monkeypatch):
    """Every query parameter name the app reads through ``st.query_params`` while the test runs."""
    names: set[str] = set()
    getitem, get_all = QueryParamsProxy.__getitem__, QueryParamsProxy.get_all

    def recorded_getitem(self, key):
        names.add(key)
        return getitem(self, key)

    def recorded_get_all(self, key):
        names.add(key)
        return get_all(self, key)

    monkeypatch.setattr(QueryParamsProxy, "__getitem__", recorded_getitem)
    monkeypatch.setattr(QueryParamsProxy, "get_all", recorded_get_all)
    return names


def _admin_session() -> str:
    store = Store.from_env()
    accounts = auth.Accounts(store)
    if accounts.get("anna") is None:
        accounts.add("anna", PW, "admin", actor="test")
    sid, _ = accounts.start_session(accounts.get("anna"))
    store.dispose()
    return sid


def _attacks(shift: int, **fixed: str) -> dict[str, str]:
    params = {name: PAYLOADS[(i + shift) % 2] for i, name in enumerate(NAMES)}
    return {**params, **fixed}


@pytest.mark.parametrize("signed_in", [False, True], ids=["besucher", "admin"])
@pytest.mark.parametrize("page", PAGES)
def test_no_url_parameter_becomes_a_link_or_image(apptest, tmp_db, read_names, page, signed_in):
    runs = [_attacks(0), _attacks(1)]
    if page == "pages/kommune.py":  # a valid town, so that the page goes on to read its other parameters
        runs += [_attacks(0, ags="14626110"), _attacks(1, ags="14626110")]
    echoed = 0
    for params in runs:
        at = apptest(page, query_params=params, run=False, timeout=90)
        if signed_in:
            at.session_state[ui_auth.K_SID] = _admin_session()
        at.run()
        harness.assert_no_exception(at)
        for kind, text in _texts(at):
            assert not live_links(text), (page, kind, text)
            echoed += "evil.example" in text
    asked = read_names - {ui_auth.K_SID}
    assert asked <= set(NAMES), f"{page} reads parameters the test does not attack: {asked - set(NAMES)}"
    if page in ("pages/karte.py", "pages/bericht.py", "pages/landkreise.py", "pages/kommune.py"):
        assert echoed, f"{page}: no notice echoed the attack, so nothing was tested"
