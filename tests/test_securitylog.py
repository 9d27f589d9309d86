"""The security event log: one JSON object per line on standard error, with the fields the ISB asked for."""

import json
import re
import socket

import pytest

from asskomm import securitylog


def _lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_one_json_line_with_all_fields(capsys):
    securitylog.record("sign_in_failed", "denied", user="x" * 100, role=None, client="10.0.0.7", detail="falsch")
    (entry,) = _lines(capsys.readouterr().err)
    assert list(entry) == ["ts", "event", "outcome", "user", "role", "client", "server", "detail"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["ts"])
    assert entry["event"] == "sign_in_failed" and entry["outcome"] == "denied"
    assert entry["user"] == "x" * 64
    assert entry["client"] == "10.0.0.7" and entry["server"] == socket.gethostname()


def test_bound_actor_fills_what_a_call_leaves_out(capsys):
    with securitylog.bind(user="anna", role="bearbeiter", client="10.1.2.3"):
        securitylog.record("export", detail="CSV, Kreis 14626")
        securitylog.record("sign_out", user="bert")
    securitylog.record("backup")
    first, second, third = _lines(capsys.readouterr().err)
    assert (first["user"], first["role"], first["client"]) == ("anna", "bearbeiter", "10.1.2.3")
    assert second["user"] == "bert" and second["role"] == "bearbeiter"
    assert third["user"] is None and third["client"] is None


def test_unknown_event_or_outcome_is_a_programming_error():
    with pytest.raises(ValueError):
        securitylog.record("login")
    with pytest.raises(ValueError):
        securitylog.record("sign_in", "maybe")


def test_detail_is_one_short_line(capsys):
    securitylog.record("import", detail="a\nb" + "c" * 1000)
    (entry,) = _lines(capsys.readouterr().err)
    assert "\n" not in entry["detail"] and len(entry["detail"]) == securitylog.MAX_DETAIL


@pytest.mark.parametrize(
    ("trusted", "peer", "xff", "expected"),
    [
        (None, "127.0.0.1", "203.0.113.9", "127.0.0.1"),  # no proxy configured: the header is ignored
        ("127.0.0.1", "127.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the proxy's last hop
        ("127.0.0.1", "10.9.9.9", "203.0.113.9", "10.9.9.9"),  # not from the proxy: ignored
        ("127.0.0.1", "127.0.0.1", "nonsense", "127.0.0.1"),  # not an address: ignored
    ],
)
def test_forwarded_for_only_from_the_trusted_proxy(monkeypatch, trusted, peer, xff, expected):
    if trusted:
        monkeypatch.setenv(securitylog.TRUSTED_PROXY_ENV, trusted)
    else:
        monkeypatch.delenv(securitylog.TRUSTED_PROXY_ENV, raising=False)
    assert securitylog.client_address(peer, xff) == expected
