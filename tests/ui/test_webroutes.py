"""The sign-in cookie's signature (the routes themselves are exercised in tests/test_browser_session.py)."""

from asskomm.ui import webroutes


def test_signed_cookie_round_trip_and_tampering():
    token = "AbC_-123" * 5
    value = webroutes.sign(token)
    assert value.startswith(token + ".") and webroutes.unsign(value) == token
    mac = value.rsplit(".", 1)[1]
    assert webroutes.unsign(f"{token}x.{mac}") is None  # another token with the old signature
    for i in (0, len(mac) // 2, len(mac) - 1):  # one character of the signature changed
        other = "B" if mac[i] == "A" else "A"
        assert webroutes.unsign(f"{token}.{mac[:i]}{other}{mac[i + 1:]}") is None
    for bad in (None, "", "ohne-punkt", "ä.ö", "x" * 400):
        assert webroutes.unsign(bad) is None
