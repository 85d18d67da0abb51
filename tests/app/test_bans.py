"""app.bans: temporary bans of client addresses, lifting them, and the security-event view."""

import functools
from datetime import timedelta

import pytest

from app import (
    accounts,
    adminauth,
    admintokens,
    bans,
    events,
    passwords,
    privacy,
    recharges,
    settings,
)
from app.errors import NotFound, ValidationError
from app.models import AuditEvent, IpBan
from app.money import parse_amount
from tests.app.support import unchanged


def trail(*actions: str) -> list[tuple]:
    query = AuditEvent.select().order_by(AuditEvent.id)
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    return [(e.action, e.actor, e.target, e.ip) for e in query]


def test_ban_creates_a_row_and_an_audit_event(any_db, fake_clock) -> None:
    seen = []
    unsubscribe = events.subscribe(events.BANS, lambda: seen.append(1))
    try:
        row = bans.ban("::ffff:192.168.1.50", reason="invalid_api_key", failures=10, minutes=20)
    finally:
        unsubscribe()
    assert seen == [1]
    stored = IpBan.get_by_id(row.id)
    assert stored.ip == "192.168.1.50" and stored.reason == "invalid_api_key"
    assert stored.failures == 10 and stored.created_at == fake_clock.current
    assert stored.until == fake_clock.current + timedelta(minutes=20)
    assert stored.lifted_at is None
    (event,) = AuditEvent.select().where(AuditEvent.action == bans.BANNED)
    assert (event.actor, event.target, event.ip) == ("relay", "192.168.1.50", "192.168.1.50")
    assert event.detail == {"reason": "invalid_api_key", "failures": 10, "minutes": 20,
                            "ban_id": row.id}


def test_ban_length_defaults_to_the_setting(any_db, fake_clock) -> None:
    assert bans.ban("10.0.0.1", reason="login").until == fake_clock.current + timedelta(minutes=15)
    settings.set("ban_minutes", 60)
    assert bans.ban("10.0.0.2", reason="login").until == fake_clock.current + timedelta(minutes=60)


def test_ban_of_a_banned_address_returns_the_running_ban(any_db, fake_clock) -> None:
    first = bans.ban("10.0.0.1", reason="invalid_api_key", minutes=10)
    fake_clock.advance(minutes=5)
    with unchanged():
        again = bans.ban("10.0.0.1", reason="login", minutes=60)
    assert again.id == first.id and again.until == first.until  # extends nothing


def test_ban_expires_by_time(any_db, fake_clock) -> None:
    row = bans.ban("10.0.0.1", reason="invalid_api_key", minutes=10)
    fake_clock.advance(minutes=9, seconds=59)
    assert [b.id for b in bans.active_bans()] == [row.id]
    fake_clock.advance(seconds=1)
    assert bans.active_bans() == [] and bans.banned_until() == {}
    with pytest.raises(NotFound):
        bans.unban("10.0.0.1")  # nothing running to lift
    fresh = bans.ban("10.0.0.1", reason="invalid_api_key", minutes=10)  # a new ban starts
    assert fresh.id != row.id and fresh.until == fake_clock.current + timedelta(minutes=10)


def test_unban_lifts_and_audits(any_db, fake_clock) -> None:
    row = bans.ban("2001:db8::7", reason="invalid_api_key")
    bans.ban("10.0.0.9", reason="invalid_api_key")
    fake_clock.advance(minutes=1)
    seen = []
    unsubscribe = events.subscribe(events.BANS, lambda: seen.append(1))
    try:
        assert bans.unban("2001:DB8:0::7", actor="token:ops") == 1
    finally:
        unsubscribe()
    assert seen == [1]
    lifted = IpBan.get_by_id(row.id)
    assert lifted.lifted_at == fake_clock.current and lifted.lifted_by == "token:ops"
    assert [b.ip for b in bans.active_bans()] == ["10.0.0.9"]
    assert trail(bans.UNBANNED) == [(bans.UNBANNED, "token:ops", "2001:db8::/64",
                                     "2001:db8::/64")]
    with unchanged(), pytest.raises(NotFound):
        bans.unban("2001:db8::7")
    with unchanged(), pytest.raises(NotFound):
        bans.unban("10.0.0.10")


@pytest.mark.parametrize("ip", ["", "nonsense", "10.0.0.0/8", "1.2.3.4:80"])
def test_invalid_address_is_a_validation_error(any_db, ip: str) -> None:
    with unchanged(), pytest.raises(ValidationError) as err:
        bans.ban(ip, reason="manual", actor="admin")
    assert err.value.param == "ip"
    with unchanged(), pytest.raises(ValidationError):
        bans.unban(ip)


def test_ban_lasts_at_least_a_minute(any_db) -> None:
    with unchanged(), pytest.raises(ValidationError):
        bans.ban("10.0.0.1", reason="manual", minutes=0)


def test_banned_until_maps_running_bans(any_db, fake_clock) -> None:
    start = fake_clock.current
    bans.ban("10.0.0.1", reason="invalid_api_key", minutes=5)
    bans.ban("10.0.0.2", reason="invalid_api_key", minutes=30)
    bans.ban("10.0.0.3", reason="invalid_api_key", minutes=1)
    bans.unban("10.0.0.3")
    assert bans.banned_until() == {"10.0.0.1": start + timedelta(minutes=5),
                                   "10.0.0.2": start + timedelta(minutes=30)}
    # a second relay process raced and wrote a longer ban: the longest one wins
    IpBan.create(ip="10.0.0.1", reason="invalid_api_key", until=start + timedelta(minutes=50))
    assert bans.banned_until()["10.0.0.1"] == start + timedelta(minutes=50)
    fake_clock.advance(minutes=31)
    assert bans.banned_until() == {"10.0.0.1": start + timedelta(minutes=50)}


def test_security_events_pick_security_actions_only(any_db, fake_clock, monkeypatch) -> None:
    # bcrypt cost 4 instead of 12: same checks, a millisecond instead of 0.2 s
    monkeypatch.setattr(passwords, "hash_password",
                        functools.partial(passwords.hash_password, rounds=4))
    accounts.add_user("bob", "bob@example.com")
    recharges.recharge("bob", parse_amount("5"))  # money, not security
    settings.set("currency", "USD")  # a setting, but not a security one
    settings.set("admin_ip_whitelist", ["192.168.1.0/24"])
    settings.set("relay_allowed_cidrs", "10.0.0.0/8")
    adminauth.create_admin("correct horse battery")
    assert adminauth.verify_admin("wrong password", source="10.0.0.4") is False
    assert adminauth.verify_admin("correct horse battery", source="10.0.0.4") is True
    admintokens.create_token("ops")
    bans.ban("10.0.0.66", reason="invalid_api_key")
    bans.unban("10.0.0.66")
    assert bans.note_admin_access("10.0.0.4", actor="token:ops")
    privacy.delete_user("bob")
    found = [(e.action, e.target) for e in bans.security_events()]
    actions = [a for a, _ in found]
    assert actions == ["user.delete", bans.ADMIN_NEW_ADDRESS, bans.UNBANNED, bans.BANNED,
                       "admin_token.create", "admin.login", "admin.login_failed",
                       "setting.set", "setting.set"]
    assert [t for a, t in found if a == "setting.set"] == ["relay_allowed_cidrs",
                                                           "admin_ip_whitelist"]
    everything = {e.action for e in AuditEvent.select()}
    assert {"recharge", "user.add", "admin.create"} <= everything  # present, yet excluded
    # paging: newest first, strictly before the given id
    newest = bans.security_events(limit=2)
    assert [e.action for e in newest] == actions[:2]
    older = bans.security_events(limit=3, before_id=newest[-1].id)
    assert [e.action for e in older] == actions[2:5]


def test_note_admin_access_audits_only_the_first_time(any_db, fake_clock) -> None:
    assert bans.note_admin_access("192.168.1.20", actor="token:ops") is True
    with unchanged():
        assert bans.note_admin_access("192.168.1.20", actor="token:other") is False
        assert bans.note_admin_access("::ffff:192.168.1.20", actor="token:ops") is False
        assert bans.note_admin_access(None, actor="token:ops") is False
        assert bans.note_admin_access("", actor="token:ops") is False
    assert bans.note_admin_access("192.168.1.21", actor="admin") is True
    assert trail(bans.ADMIN_NEW_ADDRESS) == [
        (bans.ADMIN_NEW_ADDRESS, "token:ops", "192.168.1.20", "192.168.1.20"),
        (bans.ADMIN_NEW_ADDRESS, "admin", "192.168.1.21", "192.168.1.21")]


def test_an_ipv6_ban_covers_the_whole_slash_64(any_db) -> None:
    """An IPv6 host can take any address of its /64, so that is what a ban covers; another
    address of the same /64 lifts it, as does the network text the ban list shows."""
    row = bans.ban("2001:db8:1:2:aaaa::1", reason="invalid_api_key", failures=10)
    assert row.ip == "2001:db8:1:2::/64"
    assert bans.ban("2001:db8:1:2:ffff::9", reason="invalid_api_key").id == row.id  # same ban
    assert set(bans.banned_until()) == {"2001:db8:1:2::/64"}
    assert bans.unban("2001:db8:1:2:1234::5") == 1
    bans.ban("2001:db8:1:2::77", reason="admin_auth")
    assert bans.unban("2001:db8:1:2::/64") == 1
    assert bans.ban("192.0.2.5", reason="admin_auth").ip == "192.0.2.5"  # IPv4: the address
    with pytest.raises(ValidationError):
        bans.ban("2001:db8::/32", reason="manual")  # wider than one host's /64
