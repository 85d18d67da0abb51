"""app.websessions: tokens stored only hashed, idle and absolute expiry on the clock, last-seen
written at most once a minute, rotation at sign-in, CSRF per session, and every way an account
stops (password change, disabling, withdrawal, deletion) ending its sessions."""

import hashlib

import pytest

from app import accounts, privacy, settings, websessions
from app.models import WebSession
from tests.app.support import files_containing

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


pytestmark = pytest.mark.usefixtures("cheap_bcrypt")


@pytest.fixture
def ann(any_db, fake_clock):
    return accounts.add_user("ann", "ann@example.com", password="correct horse battery")


def start(user):
    return websessions.start_session(user, "10.0.0.9", UA)


def test_a_session_is_found_by_its_token_which_is_stored_only_hashed(ann, sqlite_or_pg_dir):
    token, session = start(ann)
    found = websessions.check_session(token)
    assert found is not None and found.id == session.id and found.user.username == "ann"
    row = WebSession.get_by_id(session.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.ip, row.user_agent) == ("10.0.0.9", UA)
    assert websessions.check_session(token + "x") is None
    assert websessions.check_session("") is None and websessions.check_session(None) is None
    if sqlite_or_pg_dir is not None:
        assert files_containing(sqlite_or_pg_dir, token.encode()) == []


@pytest.fixture
def sqlite_or_pg_dir(any_db):
    """The data folder when the database is a file in it (SQLite), else None."""
    return None if any_db.database_url else any_db.data_dir


def test_an_idle_session_expires(ann, fake_clock):
    token, _ = start(ann)
    fake_clock.advance(minutes=119)
    assert websessions.check_session(token) is not None  # use restarts the idle period
    fake_clock.advance(minutes=119)
    assert websessions.check_session(token) is not None
    fake_clock.advance(minutes=120)
    assert websessions.check_session(token) is None
    assert WebSession.select().count() == 0  # and is deleted


def test_the_idle_limit_is_a_setting(ann, fake_clock):
    settings.set("session_idle_minutes", 10)
    token, _ = start(ann)
    fake_clock.advance(minutes=10)
    assert websessions.check_session(token) is None


def test_a_session_in_constant_use_still_ends_at_its_absolute_expiry(ann, fake_clock):
    token, _ = start(ann)
    for _ in range(7 * 24 - 1):
        fake_clock.advance(hours=1)
        assert websessions.check_session(token) is not None
    fake_clock.advance(hours=1)
    assert websessions.check_session(token) is None


def test_last_seen_is_written_at_most_once_a_minute(ann, fake_clock):
    token, session = start(ann)
    started = session.last_seen_at
    fake_clock.advance(seconds=59)
    assert websessions.check_session(token).last_seen_at == started
    assert WebSession.get_by_id(session.id).last_seen_at == started
    fake_clock.advance(seconds=1)
    assert websessions.check_session(token).last_seen_at == fake_clock()
    assert WebSession.get_by_id(session.id).last_seen_at == fake_clock()


def test_signing_in_again_rotates_the_token(ann):
    old, _ = start(ann)
    new, _ = websessions.start_session(ann, "10.0.0.9", UA, previous_token=old)
    assert new != old
    assert websessions.check_session(old) is None
    assert websessions.check_session(new) is not None


def test_end_session_signs_out_that_session_only(ann):
    first, _ = start(ann)
    second, _ = start(ann)
    assert websessions.end_session(first) is True
    assert websessions.end_session(first) is False
    assert websessions.check_session(first) is None
    assert websessions.check_session(second) is not None


def test_csrf_token_belongs_to_its_session(ann):
    token, session = start(ann)
    _, other = start(ann)
    csrf = session.csrf_token
    assert websessions.check_csrf(session, csrf)
    assert websessions.check_session(token).csrf_token == csrf  # rendered again on every page
    assert not websessions.check_csrf(other, csrf)
    assert not websessions.check_csrf(session, other.csrf_token)
    assert not websessions.check_csrf(session, "")
    assert not websessions.check_csrf(session, None)
    assert csrf not in WebSession.get_by_id(session.id).csrf_hash


def _two_sessions(user):
    return [start(user)[0] for _ in range(2)]


@pytest.mark.parametrize("ending", [
    lambda: accounts.update_user("ann", password="a new long password"),
    lambda: accounts.set_status("ann", "disabled"),
    lambda: privacy.withdraw_consent("ann"),
    lambda: privacy.delete_user("ann"),
], ids=["password", "disable", "withdraw", "delete"])
def test_an_account_change_ends_every_session(ann, ending):
    bob = accounts.add_user("bob", "bob@example.com")
    tokens = _two_sessions(ann)
    bobs, _ = start(bob)
    ending()
    assert WebSession.select().where(WebSession.user == ann.id).count() == 0
    assert [websessions.check_session(t) for t in tokens] == [None, None]
    assert websessions.check_session(bobs) is not None


def test_a_profile_edit_without_a_password_keeps_the_sessions(ann):
    token, _ = start(ann)
    accounts.update_user("ann", email="new@example.com")
    assert websessions.check_session(token) is not None


def test_a_session_of_a_user_disabled_meanwhile_is_refused(ann):
    """Belt and braces: even a status change that ended no sessions stops them being used."""
    token, _ = start(ann)
    ann.status = "disabled"
    ann.save()
    assert websessions.check_session(token) is None


def test_end_all_sessions_counts(ann):
    _two_sessions(ann)
    assert websessions.end_all_sessions(ann) == 2
    assert websessions.end_all_sessions(ann.id) == 0


def test_purge_expired_deletes_only_expired_sessions(ann, fake_clock):
    start(ann)
    fake_clock.advance(minutes=121)
    fresh, _ = start(ann)
    assert websessions.purge_expired() == 1
    assert websessions.check_session(fresh) is not None


def test_live_sessions_are_the_users_unexpired_ones_most_recent_first(ann, fake_clock):
    bob = accounts.add_user("bob", "bob@example.com")
    _, stale = start(ann)
    fake_clock.advance(minutes=settings.get("session_idle_minutes") - 1)
    _, fresh = start(ann)
    start(bob)
    assert [s.id for s in websessions.live_sessions(ann)] == [fresh.id, stale.id]
    fake_clock.advance(minutes=2)  # the first is idle too long now
    assert [s.id for s in websessions.live_sessions(ann.id)] == [fresh.id]
