"""app.provider_network: proxy settings, extra headers and CA bundles are parsed strictly, with
errors that name the field."""

from pathlib import Path

import pytest

from app import tls
from app.errors import ValidationError
from app.provider_network import (
    MAX_HEADERS,
    ProxySetting,
    encode_credentials,
    parse_headers,
    parse_proxy,
    validate_ca_bundle,
)


@pytest.mark.parametrize(("text", "expected"), [
    (None, ProxySetting(None)),
    ("", ProxySetting(None)),
    ("  none ", ProxySetting(None)),
    ("NONE", ProxySetting(None)),
    ("system", ProxySetting("system")),
    ("System", ProxySetting("system")),
    ("http://127.0.0.1:7890", ProxySetting("http://127.0.0.1:7890")),
    ("http://127.0.0.1:7890/", ProxySetting("http://127.0.0.1:7890")),
    ("HTTP://Proxy.Corp:3128", ProxySetting("http://proxy.corp:3128")),
    # a missing port is the scheme's default, stored explicitly
    ("http://proxy.corp", ProxySetting("http://proxy.corp:80")),
    ("https://proxy.corp", ProxySetting("https://proxy.corp:443")),
    ("socks5://127.0.0.1", ProxySetting("socks5://127.0.0.1:1080")),
    ("socks5h://[::1]:9050", ProxySetting("socks5h://[::1]:9050")),
    ("http://alice:pw@h:1", ProxySetting("http://h:1", "alice", "pw")),
    ("http://alice@h:1", ProxySetting("http://h:1", "alice", None)),
    ("http://alice:@h:1", ProxySetting("http://h:1", "alice", "")),
    # percent-encoded or not: "@", "/" and ":" in a password are the operator's characters
    ("http://al%3Aice:p%40ss@h:1", ProxySetting("http://h:1", "al:ice", "p@ss")),
    ("http://alice:p@ss/w:rd@h:1", ProxySetting("http://h:1", "alice", "p@ss/w:rd")),
])
def test_proxy_forms(text, expected):
    assert parse_proxy(text) == expected


@pytest.mark.parametrize("text", [
    "127.0.0.1:7890", "ftp://h:21", "socks4://h:1080", "http://", "http://:3128", "http://h:",
    "http://h:99999", "http://h:0", "http://h:port", "http://h:1/path", "http://h:1?x=1",
    "http://h:1#f", "http://h 1:2", "http://:pw@h:1", "direct", "http://[::1:1",
])
def test_bad_proxies_name_the_proxy_field(text):
    with pytest.raises(ValidationError) as caught:
        parse_proxy(text)
    assert caught.value.param == "proxy"


def test_credentials_are_encoded_for_a_url():
    assert encode_credentials("al:ice", "p@ss/w rd%") == "al%3Aice:p%40ss%2Fw%20rd%25"
    assert encode_credentials("alice", None) == "alice"


def test_headers_from_lines_text_and_dict():
    expected = {"OpenAI-Organization": "org-1", "X-Title": "a: b"}
    assert parse_headers(["OpenAI-Organization: org-1", "  ", "X-Title:a: b  "]) == expected
    assert parse_headers("OpenAI-Organization: org-1\n\nX-Title: a: b\n") == expected
    assert parse_headers({" OpenAI-Organization ": "org-1", "X-Title": "a: b"}) == expected
    assert parse_headers(None) == parse_headers([]) == parse_headers({}) == {}
    assert parse_headers({"X-Empty": ""}) == {"X-Empty": ""}


@pytest.mark.parametrize("name", [
    "Host", "content-length", "Content-Type", "TRANSFER-ENCODING", "Connection",
    "authorization", "Proxy-Authorization", "Accept-Encoding"])
def test_headers_the_relay_sets_are_refused(name):
    with pytest.raises(ValidationError) as caught:
        parse_headers({name: "x"})
    assert caught.value.param == "headers"
    assert name in caught.value.message


@pytest.mark.parametrize("name", ["api-key", "X-API-Key", "x-goog-api-key"])
def test_headers_that_carry_a_key_are_refused(name):
    """A key belongs in the key field (the keyring), never in the database."""
    with pytest.raises(ValidationError) as caught:
        parse_headers({name: "sk-secret"})
    assert caught.value.param == "headers" and "API key field" in caught.value.message
    assert "sk-secret" not in caught.value.message


@pytest.mark.parametrize("value", [
    {"Bad Name": "x"}, {"": "x"}, {"X-Ünicode": "x"}, {"X(a)": "x"}, {"X-A": "a\r\nHost: evil"},
    {"X-A": "a\nb"}, {"X-A": "a\0"}, {"X-A": "x" * 5000}, {"X-A": "1", "x-a": "2"},
    {"X-A": 1}, ["no colon here"], [": value"]])
def test_bad_headers_name_the_headers_field(value):
    with pytest.raises(ValidationError) as caught:
        parse_headers(value)
    assert caught.value.param == "headers"


def test_at_most_twenty_headers():
    assert len(parse_headers({f"X-{i}": "v" for i in range(MAX_HEADERS)})) == MAX_HEADERS
    with pytest.raises(ValidationError, match="at most 20") as caught:
        parse_headers({f"X-{i}": "v" for i in range(MAX_HEADERS + 1)})
    assert caught.value.param == "headers"


def test_ca_bundle_must_load_as_pem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cert, _ = tls.ensure_self_signed(tmp_path / "ca", [], [])
    assert validate_ca_bundle(f"  {cert}  ") == str(cert)
    monkeypatch.chdir(tmp_path)
    assert validate_ca_bundle("ca/" + cert.name) == str(cert)  # stored absolute
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    for path in (str(junk), str(tmp_path / "missing.pem"), str(tmp_path), " "):
        with pytest.raises(ValidationError) as caught:
            validate_ca_bundle(path)
        assert caught.value.param == "ca_bundle"
