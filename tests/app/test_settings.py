"""app.settings: typed values with defaults, validated before they are stored."""

import pytest

from app import events, settings
from app.errors import NotFound, ValidationError
from app.models import AuditEvent, Setting
from tests.app.support import unchanged

# The shipped defaults this layer promises (other layers may register more settings).
PROMISED = {
    "currency": "CNY",
    "relay_host": "0.0.0.0",
    "relay_port": 8765,
    "log_retention_days": 90,
    "payment_retention_days": 365,
    "security_retention_days": 90,
    "default_max_tokens": 4096,
    "admin_ip_whitelist": ["127.0.0.1/32", "::1/128"],
    "language": "auto",
}


DEFAULTS = {key: spec.default for key, spec in settings.SPECS.items()}


def test_defaults(any_db):
    assert settings.all_settings() == DEFAULTS
    assert DEFAULTS.items() >= PROMISED.items()
    assert settings.get("log_retention_days") == 90
    assert settings.get("payment_retention_days") == 365
    assert Setting.select().count() == 0  # defaults are not written


@pytest.mark.parametrize(("key", "text", "value"), [
    ("log_retention_days", " 30 ", 30),
    ("payment_retention_days", "3650", 3650),
    ("relay_port", "1", 1),
    ("relay_port", 65535, 65535),
    ("currency", "usd", "USD"),
    ("language", "zh_CN", "zh_CN"),
    ("relay_host", "127.0.0.1", "127.0.0.1"),
    ("admin_ip_whitelist", "10.0.0.1, 192.168.0.0/16", ["10.0.0.1/32", "192.168.0.0/16"]),
    ("admin_ip_whitelist", ["::1"], ["::1/128"]),
    ("admin_ip_whitelist", "", []),
])
def test_set_parses_and_stores_typed_values(any_db, key, text, value):
    seen = []
    unsubscribe = events.subscribe(events.SETTINGS, lambda: seen.append(1))
    try:
        assert settings.set(key, text) == value
    finally:
        unsubscribe()
    assert settings.get(key) == value
    assert type(settings.get(key)) is type(value)
    assert settings.all_settings() == DEFAULTS | {key: value}
    assert seen == [1]
    assert AuditEvent.get(AuditEvent.action == "setting.set").target == key


def test_set_twice_keeps_one_row(any_db):
    settings.set("log_retention_days", "30")
    settings.set("log_retention_days", "60")
    assert settings.get("log_retention_days") == 60
    assert Setting.select().count() == 1


@pytest.mark.parametrize(("key", "text", "message"), [
    ("log_retention_days", "0", "between 1 and 3650"),
    ("log_retention_days", "3651", "between 1 and 3650"),
    ("log_retention_days", "ninety", "whole number"),
    ("log_retention_days", "1.5", "whole number"),
    ("relay_port", "65536", "65535"),
    ("currency", "YUAN", "3-letter"),
    ("currency", "C1Y", "3-letter"),
    ("language", "fr", "one of"),
    ("admin_ip_whitelist", "10.0.0.0/33", "not an IP address or network"),
])
def test_invalid_value_changes_nothing(any_db, key, text, message):
    """The message names the setting in words (its label), never by its key; ``param`` is the
    key, and the GUI gets the label as the ``field`` to translate."""
    settings.set("log_retention_days", "45")
    with unchanged(), pytest.raises(ValidationError, match=message) as info:
        settings.set(key, text)
    label = settings.SPECS[key].label
    assert info.value.param == key
    assert info.value.message.startswith(label) and key not in info.value.message
    assert info.value.values["field"] == label and "{field}" in info.value.template


def test_the_examples_from_issue_15_read_in_plain_words(any_db):
    with pytest.raises(ValidationError) as info:
        settings.set("admin_ip_whitelist", ["10.0.0.0/8", "office"])
    assert info.value.message == ("Admin IP allow-list: 'office' is not an IP address or network "
                                  "(such as 192.168.1.10 or 192.168.1.0/24)")


def test_unknown_key(any_db):
    with unchanged(), pytest.raises(NotFound, match="the settings are:"):
        settings.set("retention", "1")
    with pytest.raises(NotFound):
        settings.get("retention")
