"""app.signins: each attempt recorded with its browser and OS, new devices told apart, the
history newest first, a per-account lockout after repeated wrong passwords, and the records
removed by retention and account deletion."""

import json
from datetime import timedelta

import pytest

from app import accounts, adminauth, export, privacy, retention, settings, signins
from app.errors import Conflict, ValidationError
from app.models import SignIn

PASSWORD = "correct horse battery"
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
FIREFOX_LINUX_NEWER = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/126.0.0.0 Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


pytestmark = pytest.mark.usefixtures("cheap_bcrypt")


@pytest.fixture
def ann(any_db, fake_clock):
    return accounts.add_user("ann", "ann@example.com", password=PASSWORD)


def attempt(password=PASSWORD, ua=FIREFOX_LINUX, name="ann"):
    return signins.sign_in(name, password, ip="10.0.0.9", user_agent=ua)


@pytest.mark.parametrize(("ua", "browser", "system"), [
    (FIREFOX_LINUX, "Firefox", "Linux"),
    (CHROME_WINDOWS, "Chrome", "Windows"),
    (SAFARI_IPHONE, "Mobile Safari", "iOS"),
    ("curl/8.5.0", "curl", "Other"),
    ("", "Other", "Other"),
    (None, "Other", "Other"),
])
def test_the_browser_and_os_are_parsed(ua, browser, system):
    assert signins.device(ua) == (browser, system)


def test_a_sign_in_is_recorded_with_time_address_browser_and_os(ann, fake_clock):
    user, record = attempt()
    assert user.id == ann.id
    row = SignIn.get_by_id(record.id)
    assert (row.user_id, row.ok, row.ip, row.browser, row.os, row.created_at) == (
        ann.id, True, "10.0.0.9", "Firefox", "Linux", fake_clock())
    assert row.user_agent == FIREFOX_LINUX


def test_a_wrong_password_and_an_unknown_name_are_refused_alike(ann):
    with pytest.raises(ValidationError) as wrong:
        attempt("not the password")
    with pytest.raises(ValidationError) as unknown:
        attempt(name="nobody")
    assert wrong.value.message == unknown.value.message == "wrong username or password"
    rows = list(SignIn.select().order_by(SignIn.id))
    assert [(r.user_id, r.ok) for r in rows] == [(ann.id, False), (None, False)]


def test_the_operator_cannot_sign_in_to_the_portal(any_db):
    adminauth.create_admin(PASSWORD)
    with pytest.raises(ValidationError, match="wrong username or password"):
        attempt(name="admin")


def test_a_disabled_account_is_refused(ann):
    accounts.set_status("ann", "disabled")
    with pytest.raises(Conflict, match="disabled"):
        attempt()
    with pytest.raises(ValidationError):
        attempt("not the password")


def test_a_new_device_is_a_browser_and_os_not_seen_before(ann):
    assert signins.is_new_device(ann, FIREFOX_LINUX)
    _, record = attempt()
    assert signins.is_new_device(ann, FIREFOX_LINUX, before=record)
    assert not signins.is_new_device(ann, FIREFOX_LINUX)
    assert not signins.is_new_device(ann, FIREFOX_LINUX_NEWER)  # an update is no new device
    assert signins.is_new_device(ann, CHROME_WINDOWS)
    with pytest.raises(ValidationError):
        attempt("not the password", ua=CHROME_WINDOWS)
    assert signins.is_new_device(ann, CHROME_WINDOWS)  # a failed attempt proves nothing
    bob = accounts.add_user("bob", "bob@example.com", password=PASSWORD)
    assert signins.is_new_device(bob, FIREFOX_LINUX)  # per user


def test_history_is_newest_first_and_limited(ann, fake_clock):
    for ua in (FIREFOX_LINUX, CHROME_WINDOWS, SAFARI_IPHONE):
        attempt(ua=ua)
        fake_clock.advance(minutes=1)
    assert [s.browser for s in signins.signin_history(ann, 2)] == ["Mobile Safari", "Chrome"]
    with pytest.raises(ValidationError):
        signins.signin_history(ann, 0)


def test_repeated_wrong_passwords_lock_the_account_for_a_while(ann, fake_clock):
    for _ in range(signins.MAX_FAILURES):
        with pytest.raises(ValidationError):
            attempt("not the password")
    with pytest.raises(adminauth.LockedOut) as info:
        attempt()  # even the right password: guessing must not stop at the first success
    assert info.value.until == fake_clock() + signins.LOCKOUT
    before = SignIn.select().count()
    fake_clock.advance(minutes=14)
    with pytest.raises(adminauth.LockedOut):
        attempt()
    assert SignIn.select().count() == before  # refused unchecked and unrecorded
    fake_clock.advance(minutes=1)
    user, _ = attempt()
    assert user.id == ann.id


def test_failures_spread_beyond_the_window_do_not_lock(ann, fake_clock):
    for _ in range(signins.MAX_FAILURES * 2):
        with pytest.raises(ValidationError):
            attempt("not the password")
        fake_clock.advance(minutes=4)
    assert attempt()[0].id == ann.id


def test_a_success_restarts_the_count(ann):
    for _ in range(signins.MAX_FAILURES - 1):
        with pytest.raises(ValidationError):
            attempt("not the password")
    attempt()
    for _ in range(signins.MAX_FAILURES - 1):
        with pytest.raises(ValidationError):
            attempt("not the password")
    assert attempt()[0].id == ann.id


def test_one_account_locked_leaves_another_alone(ann):
    accounts.add_user("bob", "bob@example.com", password=PASSWORD)
    for _ in range(signins.MAX_FAILURES):
        with pytest.raises(ValidationError):
            attempt("not the password")
    assert attempt(name="bob")[0].username == "bob"


def test_sign_in_records_fall_under_security_retention(ann, fake_clock):
    attempt()
    fake_clock.advance(days=settings.get("security_retention_days") + 1)
    _, kept = attempt()
    assert retention.plan().audit_events == 1
    result = retention.purge()
    assert result.audit_events == 1
    assert [s.id for s in SignIn.select()] == [kept.id]


def test_deleting_the_account_deletes_its_sign_in_records(ann):
    accounts.add_user("bob", "bob@example.com", password=PASSWORD)
    attempt()
    attempt(name="bob")
    privacy.delete_user("ann")
    assert [s.user.username for s in SignIn.select()] == ["bob"]


def test_the_lockout_window_is_counted_in_the_records_not_in_memory(ann, fake_clock):
    """A restart (a new process) sees the same lockout: nothing is kept but the rows."""
    for _ in range(signins.MAX_FAILURES):
        with pytest.raises(ValidationError):
            attempt("not the password")
    assert signins.locked_until(ann) == fake_clock() + signins.LOCKOUT
    assert signins.locked_until(ann, fake_clock() + timedelta(minutes=15)) is None


def test_the_users_export_holds_their_sign_ins_only(ann, tmp_path):
    accounts.add_user("bob", "bob@example.com", password=PASSWORD)
    attempt()
    with pytest.raises(ValidationError):
        attempt("not the password", ua=CHROME_WINDOWS)
    attempt(name="bob", ua=SAFARI_IPHONE)
    doc = json.loads(export.export_user("ann", tmp_path / "ann.json").path.read_text())
    assert [(s["ok"], s["ip"], s["browser"], s["os"]) for s in doc["sign_ins"]] == [
        (True, "10.0.0.9", "Firefox", "Linux"), (False, "10.0.0.9", "Chrome", "Windows")]
