"""app.apikeys: keys are shown once, stored as a SHA-256, and carry their restrictions."""

import hashlib
import re
from datetime import date, datetime

import pytest

from app import accounts, apikeys, clock, events, settings
from app.errors import Conflict, NotFound, ValidationError
from app.models import ApiKey, AuditEvent
from tests.app.support import dump, files_containing, unchanged


@pytest.fixture
def alice(any_db, fake_clock):
    return accounts.add_user("alice", "alice@example.com")


def test_plaintext_is_never_stored(alice, any_db):
    key, plaintext = apikeys.create_key("alice", name="laptop")
    assert re.fullmatch(r"sk-rd-[A-Za-z0-9_\-]{43}", plaintext)
    row = ApiKey.get_by_id(key.id)
    assert row.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert row.prefix == f"sk-…{plaintext[-4:]}"
    assert row.name == "laptop"
    assert plaintext not in repr(dump())  # no column of any table holds it
    assert plaintext[6:] not in repr(dump())
    if any_db.is_sqlite:  # nor any byte of the database files (WAL included)
        assert files_containing(any_db.data_dir, plaintext[6:].encode()) == []
        assert files_containing(any_db.data_dir, row.key_hash.encode()) != []  # control
    event = AuditEvent.get(AuditEvent.action == "key.create")
    assert event.detail == {"key_id": key.id, "prefix": row.prefix}


def test_keys_are_unique(alice):
    keys = {apikeys.create_key("alice")[1] for _ in range(5)}
    assert len(keys) == 5


def test_lookup(alice):
    key, plaintext = apikeys.create_key("alice")
    info = apikeys.lookup(plaintext)
    assert (info.key_id, info.user_id, info.username) == (key.id, alice.id, "alice")
    assert info.user_active and info.key_active
    assert info.expires_at is None
    assert info.allowed_models is None and info.allowed_cidrs is None
    assert info.allows_model("anything") and info.allows_ip("203.0.113.9")
    assert apikeys.lookup(plaintext + "x") is None
    assert apikeys.lookup(plaintext[:-1]) is None
    assert apikeys.lookup("") is None
    assert apikeys.lookup("sk-rd-" + "a" * 300) is None


def test_revoked_key_fails(alice, fake_clock):
    key, plaintext = apikeys.create_key("alice")
    seen = []
    unsubscribe = events.subscribe(events.KEYS, lambda: seen.append(1))
    try:
        revoked = apikeys.revoke_key(key.id)
    finally:
        unsubscribe()
    assert (revoked.status, revoked.revoked_at) == ("revoked", fake_clock.current)
    assert apikeys.lookup(plaintext).key_active is False
    assert seen == [1]
    with unchanged():  # revoking again is a no-op
        apikeys.revoke_key(key.id)
    with unchanged(), pytest.raises(NotFound):
        apikeys.revoke_key(key.id + 1000)


def test_disabled_user_key_fails(alice):
    _, plaintext = apikeys.create_key("alice")
    accounts.set_status("alice", "disabled")
    info = apikeys.lookup(plaintext)
    assert info.key_active and not info.user_active


def test_expiry_lasts_through_the_named_day(alice, fake_clock):
    # the fake clock starts at 2026-06-01 12:00 UTC
    key, plaintext = apikeys.create_key("alice", expires="2026-06-10")
    assert ApiKey.get_by_id(key.id).expires_at == datetime(2026, 6, 11)
    info = apikeys.lookup(plaintext)
    assert not info.expired(clock.now())
    fake_clock.current = datetime(2026, 6, 10, 23, 59, 59, 999_999)
    assert not info.expired(clock.now())
    fake_clock.current = datetime(2026, 6, 11)
    assert info.expired(clock.now())
    assert apikeys.lookup(plaintext).expired(clock.now())


def test_expiry_today_is_allowed_and_past_is_not(alice):
    key, _ = apikeys.create_key("alice", expires=date(2026, 6, 1))
    assert key.expires_at == datetime(2026, 6, 2)
    for past in ("2026-05-31", date(2020, 1, 1)):
        with unchanged(), pytest.raises(ValidationError, match="past"):
            apikeys.create_key("alice", expires=past)


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow", "01/07/2026", "2026-06-31"])
def test_bad_expiry_format(alice, bad):
    with unchanged(), pytest.raises(ValidationError, match="YYYY-MM-DD"):
        apikeys.create_key("alice", expires=bad)


def test_cidr_restrictions(alice):
    key, plaintext = apikeys.create_key(
        "alice", cidrs=["10.1.2.3/8", " 192.168.1.5 ", "2001:db8::/32"])
    assert ApiKey.get_by_id(key.id).allowed_cidrs == [
        "10.0.0.0/8", "192.168.1.5/32", "2001:db8::/32"]
    info = apikeys.lookup(plaintext)
    assert info.allows_ip("10.200.0.1")
    assert info.allows_ip("192.168.1.5")
    assert not info.allows_ip("192.168.1.6")
    assert info.allows_ip("2001:db8:1::5")
    assert info.allows_ip("::ffff:10.9.9.9")  # IPv4-mapped IPv6 is the IPv4 address
    assert not info.allows_ip("2001:db9::1")
    assert not info.allows_ip("11.0.0.1")
    assert not info.allows_ip(None)
    assert not info.allows_ip("")
    assert not info.allows_ip("not-an-ip")


def test_ipv6_zone_is_ignored(alice):
    _, plaintext = apikeys.create_key("alice", cidrs=["fe80::/10"])
    assert apikeys.lookup(plaintext).allows_ip("fe80::1%eth0")


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "300.1.1.1", "example.com", "10.0.0.0/8/8"])
def test_bad_cidr_creates_no_key(alice, bad):
    refusal = r"^Allowed addresses: .* is not an IP address or network"
    with unchanged(), pytest.raises(ValidationError, match=refusal) as info:
        apikeys.create_key("alice", cidrs=["10.0.0.0/8", bad])
    assert info.value.param == "allowed_cidrs"


def test_model_restrictions(alice):
    key, plaintext = apikeys.create_key("alice", models=[" deepseek-chat ", "", "glm-4"])
    assert ApiKey.get_by_id(key.id).allowed_models == ["deepseek-chat", "glm-4"]
    info = apikeys.lookup(plaintext)
    assert info.allowed_models == frozenset({"deepseek-chat", "glm-4"})
    assert info.allows_model("glm-4")
    assert not info.allows_model("gpt-4o")


@pytest.mark.parametrize("models", [["has space"], ["x" * 129]])
def test_bad_model_creates_no_key(alice, models):
    with unchanged(), pytest.raises(ValidationError):
        apikeys.create_key("alice", models=models)


def test_empty_name_means_default(alice):
    assert apikeys.create_key("alice", name="")[0].name == "default"


@pytest.mark.parametrize("name", ["   ", "n" * 65])
def test_bad_name_creates_no_key(alice, name):
    with unchanged(), pytest.raises(ValidationError, match=r"^Name must be 1-64 characters"):
        apikeys.create_key("alice", name=name)


def test_unknown_user(any_db):
    with unchanged(), pytest.raises(NotFound):
        apikeys.create_key("ghost")


def test_list_keys(alice):
    accounts.add_user("bob", "bob@example.com")
    a1, _ = apikeys.create_key("alice")
    b1, _ = apikeys.create_key("bob")
    a2, _ = apikeys.create_key("alice", name="second")
    apikeys.revoke_key(a1.id)
    assert [k.id for k in apikeys.list_keys()] == [a1.id, b1.id, a2.id]
    assert [k.id for k in apikeys.list_keys("alice")] == [a1.id, a2.id]
    assert [k.id for k in apikeys.list_keys("alice", include_revoked=False)] == [a2.id]
    assert apikeys.list_keys()[1].user.username == "bob"
    with pytest.raises(NotFound):
        apikeys.list_keys("ghost")


def test_update_key(alice):
    key, plaintext = apikeys.create_key("alice", models=["a"], cidrs=["10.0.0.0/8"],
                                        expires="2026-07-01")
    apikeys.update_key(key.id, models=["b", "c"], cidrs=[])
    info = apikeys.lookup(plaintext)
    assert info.allowed_models == frozenset({"b", "c"})
    assert info.allowed_cidrs is None  # an empty list lifts the restriction
    assert info.expires_at == datetime(2026, 7, 2)
    assert apikeys.update_key(key.id, clear_expiry=True).expires_at is None
    assert apikeys.update_key(key.id, expires="2026-08-01").expires_at == datetime(2026, 8, 2)
    with unchanged():
        apikeys.update_key(key.id)
    with unchanged(), pytest.raises(ValidationError):
        apikeys.update_key(key.id, models=["ok"], cidrs=["bad"])


def test_touch_last_used(alice, fake_clock):
    k1, _ = apikeys.create_key("alice")
    k2, _ = apikeys.create_key("alice")
    apikeys.touch_last_used({k1.id: datetime(2026, 6, 1, 13), k2.id: datetime(2026, 6, 1, 14)})
    assert apikeys.get_key(k1.id).last_used_at == datetime(2026, 6, 1, 13)
    assert apikeys.get_key(k2.id).last_used_at == datetime(2026, 6, 1, 14)
    with unchanged():
        apikeys.touch_last_used({})


def test_rate_limits_default_to_the_operator_setting(alice):
    key, plaintext = apikeys.create_key("alice")
    assert (key.rpm_limit, key.tpm_limit, key.concurrency_limit) == (None, None, None)
    info = apikeys.lookup(plaintext)
    assert (info.rpm_limit, info.tpm_limit, info.concurrency_limit) == (None, None, None)
    assert AuditEvent.get(AuditEvent.action == "key.create").detail == {
        "key_id": key.id, "prefix": key.prefix}


def test_rate_limits_on_create_and_lookup(alice):
    key, plaintext = apikeys.create_key("alice", rpm=60, tpm="100000", concurrency=0)
    row = ApiKey.get_by_id(key.id)
    assert (row.rpm_limit, row.tpm_limit, row.concurrency_limit) == (60, 100_000, 0)
    info = apikeys.lookup(plaintext)
    assert (info.rpm_limit, info.tpm_limit, info.concurrency_limit) == (60, 100_000, 0)
    event = AuditEvent.get(AuditEvent.action == "key.create")
    assert event.detail["limits"] == {"rpm_limit": 60, "tpm_limit": 100_000,
                                      "concurrency_limit": 0}


def test_update_rate_limits_and_reset_to_default(alice):
    key, plaintext = apikeys.create_key("alice", rpm=10)
    seen = []
    unsubscribe = events.subscribe(events.KEYS, lambda: seen.append(1))
    try:
        apikeys.update_key(key.id, tpm=5000, concurrency=3)  # rpm untouched
    finally:
        unsubscribe()
    assert seen == [1]  # the relay's key cache drops the old limits at once
    info = apikeys.lookup(plaintext)
    assert (info.rpm_limit, info.tpm_limit, info.concurrency_limit) == (10, 5000, 3)
    event = AuditEvent.select().where(AuditEvent.action == "key.update").get()
    assert event.detail == {"fields": ["concurrency_limit", "tpm_limit"],
                            "limits": {"tpm_limit": 5000, "concurrency_limit": 3}}
    updated = apikeys.update_key(key.id, rpm=apikeys.DEFAULT, tpm=0)
    assert (updated.rpm_limit, updated.tpm_limit, updated.concurrency_limit) == (None, 0, 3)
    with unchanged():
        apikeys.update_key(key.id, rpm=None, tpm=None, concurrency=None)


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("rpm", -1, "between 0"),
    ("rpm", 1_000_001, "between 0"),
    ("tpm", 1_000_000_001, "between 0"),
    ("concurrency", 10_001, "between 0"),
    ("concurrency", "two", "whole number"),
    ("rpm", 1.5, "whole number"),
    ("tpm", True, "whole number"),
])
def test_bad_rate_limits_are_refused(alice, field, value, needle):
    with unchanged(), pytest.raises(ValidationError, match=needle) as info:
        apikeys.create_key("alice", **{field: value})
    assert info.value.param == field
    key, _ = apikeys.create_key("alice")
    with unchanged(), pytest.raises(ValidationError, match=needle):
        apikeys.update_key(key.id, models=["ok"], **{field: value})


# A user's own keys (the portal).

def test_lookup_id_reads_what_lookup_reads(alice):
    key, plaintext = apikeys.create_key("alice", models=["m1"], rpm=5)
    assert apikeys.lookup_id(key.id) == apikeys.lookup(plaintext)
    assert apikeys.lookup_id(key.id + 1000) is None


def test_another_users_key_is_not_found(alice):
    accounts.add_user("bob", "bob@example.com")
    bobs, _ = apikeys.create_key("bob")
    with pytest.raises(NotFound):
        apikeys.own_key(alice.id, bobs.id)
    with pytest.raises(NotFound):
        apikeys.revoke_own_key(alice.id, bobs.id)
    with pytest.raises(NotFound):
        apikeys.update_own_key(alice.id, bobs.id, name="mine", rpm="", tpm="", concurrency="")
    assert apikeys.get_key(bobs.id).status == "active"


def test_own_limits_stay_within_the_operators(alice):
    settings.set("rate_limit_concurrency", 4)
    for too_much in ("5", "0"):
        with pytest.raises(ValidationError) as caught:
            apikeys.create_own_key(alice.id, name="k", concurrency=too_much)
        assert caught.value.param == "concurrency"
    key, _ = apikeys.create_own_key(alice.id, name="k", concurrency="4", rpm="0")
    assert (key.concurrency_limit, key.rpm_limit) == (4, 0)  # the operator's RPM: unlimited
    key = apikeys.update_own_key(alice.id, key.id, name="renamed", rpm="", tpm="",
                                 concurrency="")
    assert (key.name, key.rpm_limit, key.concurrency_limit) == ("renamed", None, None)


def test_the_playground_key_is_made_once_and_replaced_when_revoked(alice):
    first = apikeys.playground_key(alice.id)
    assert apikeys.playground_key(alice.id) == first
    assert apikeys.get_key(first).name == apikeys.PLAYGROUND_KEY
    apikeys.revoke_key(first)
    second = apikeys.playground_key(alice.id)
    assert second != first and apikeys.get_key(second).status == "active"


@pytest.mark.parametrize("last_day", ["9999-12-31", date(9999, 12, 31)])
def test_an_expiry_with_no_next_day_is_refused_clearly(alice, last_day):
    """The key would stop at the start of the next day, which no datetime can hold."""
    with unchanged(), pytest.raises(ValidationError, match="too far in the future") as caught:
        apikeys.create_key("alice", expires=last_day)
    assert caught.value.param == "expires"
    key, _ = apikeys.create_key("alice", expires="9999-12-30")
    assert key.expires_at == datetime(9999, 12, 31)


def test_limits_the_operator_sets_lock_them_against_the_user(alice):
    """The operator's limits are a ceiling: the user can neither clear nor raise them, but may
    still rename the key; clearing them all (the operator) unlocks."""
    key, _ = apikeys.create_key("alice", rpm=5)
    assert key.limits_locked
    for change in ({"rpm": ""}, {"rpm": "500"}, {"tpm": "100"}, {"rpm": "4"}):
        with unchanged(), pytest.raises(Conflict, match="operator set this key's limits") as c:
            apikeys.update_own_key(alice.id, key.id, name=key.name, **change)
        assert c.value.param == next(iter(change))
    # The same values (the page's read-only limits, sent back) and a new name are fine.
    key = apikeys.update_own_key(alice.id, key.id, name="renamed", rpm="5", tpm="")
    assert (key.name, key.rpm_limit, key.limits_locked) == ("renamed", 5, True)
    apikeys.update_key(key.id, rpm=apikeys.DEFAULT)
    assert not apikeys.get_key(key.id).limits_locked
    key = apikeys.update_own_key(alice.id, key.id, name="renamed", rpm="50")
    assert (key.rpm_limit, key.limits_locked) == (50, False)  # the user's own: not locked
    apikeys.update_key(key.id, concurrency=2)  # the operator again
    assert apikeys.get_key(key.id).limits_locked


def test_limits_the_user_sets_stay_theirs(alice):
    key, _ = apikeys.create_own_key(alice.id, name="k", rpm="7")
    assert not key.limits_locked
    key = apikeys.update_own_key(alice.id, key.id, name="k", rpm="", tpm="", concurrency="")
    assert key.rpm_limit is None
    plain, _ = apikeys.create_key("alice")  # an operator key without limits: nothing to lock
    assert not plain.limits_locked
