"""app.adminauth: the operator's password, and the lockout that survives a restart."""

from datetime import timedelta

import pytest

from app import accounts, adminauth, db, passwords, runtime
from app.adminauth import LockedOut
from app.errors import Conflict, NotFound, ServiceError, ValidationError
from app.models import AuditEvent, User
from tests.app.support import unchanged

PASSWORD = "correct horse battery"
WRONG = "tr0ub4dor&3"


pytestmark = pytest.mark.usefixtures("cheap_bcrypt")


@pytest.fixture
def admin(any_db, fake_clock):
    return adminauth.create_admin(PASSWORD)


def events(*actions):
    query = AuditEvent.select().order_by(AuditEvent.id)
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    return [(e.action, e.actor, e.target, e.ip) for e in query]


def fail(times, fake_clock=None, step=None):
    for _ in range(times):
        assert adminauth.verify_admin(WRONG) is False
        if fake_clock is not None:
            fake_clock.advance(**step)


# --- creating -------------------------------------------------------------------------------


def test_first_run_creates_the_admin(any_db, fake_clock):
    assert adminauth.admin_exists() is False
    user = adminauth.create_admin(PASSWORD)
    assert adminauth.admin_exists() is True
    stored = User.get_by_id(user.id)
    assert (stored.username, stored.role, stored.status) == ("admin", "admin", "active")
    assert stored.password_hash.startswith("$2b$") and PASSWORD not in stored.password_hash
    assert passwords.verify_password(PASSWORD, stored.password_hash)
    assert events() == [("admin.create", "admin", "admin", None)]


def test_admin_with_another_name(any_db, fake_clock):
    adminauth.create_admin(PASSWORD, username="operator")
    assert User.get(User.role == "admin").username == "operator"
    assert adminauth.verify_admin(PASSWORD) is True
    assert events("admin.login") == [("admin.login", "admin", "operator", "gui")]


def test_a_second_admin_is_refused(admin):
    with unchanged(), pytest.raises(Conflict):
        adminauth.create_admin("second-admin-pw 7q")
    with unchanged(), pytest.raises(Conflict):
        adminauth.create_admin("second-admin-pw 7q", username="root")


def test_the_name_of_an_existing_user_is_refused(any_db, fake_clock):
    accounts.add_user("admin", "someone@example.com")
    with unchanged(), pytest.raises(Conflict):
        adminauth.create_admin(PASSWORD)
    assert adminauth.admin_exists() is False


@pytest.mark.parametrize(("password", "username"), [
    ("short", "admin"),
    ("é" * 37, "admin"),  # 74 bytes of UTF-8: bcrypt would silently cut it
    (PASSWORD, "bad name"),
])
def test_invalid_first_run_input_changes_nothing(any_db, fake_clock, password, username):
    with unchanged(), pytest.raises(ValidationError):
        adminauth.create_admin(password, username=username)


# --- verifying ------------------------------------------------------------------------------


def test_right_and_wrong_passwords_are_audited_without_the_password(admin):
    assert adminauth.verify_admin(PASSWORD, source="127.0.0.1") is True
    assert adminauth.verify_admin(WRONG) is False
    assert adminauth.verify_admin("x" * 100) is False  # over 72 bytes: never a match
    assert events("admin.login", "admin.login_failed") == [
        ("admin.login", "admin", "admin", "127.0.0.1"),
        ("admin.login_failed", "admin", "admin", "gui"),
        ("admin.login_failed", "admin", "admin", "gui")]
    for event in AuditEvent.select():
        assert PASSWORD not in repr(event.__data__) and WRONG not in repr(event.__data__)


def test_verifying_before_first_run_is_not_found(any_db, fake_clock):
    with unchanged(), pytest.raises(NotFound):
        adminauth.verify_admin(PASSWORD)


def test_five_failures_lock_out_even_the_right_password(admin, fake_clock):
    fail(4, fake_clock, {"minutes": 1})
    assert adminauth.locked_until() is None
    assert adminauth.verify_admin(WRONG) is False  # the fifth: still an answer, and the lock
    locked_at = fake_clock.current
    assert adminauth.locked_until() == locked_at + timedelta(minutes=15)
    (lock,) = AuditEvent.select().where(AuditEvent.action == "admin.lockout")
    assert (lock.actor, lock.target, lock.ip) == ("admin", "admin", "gui")
    assert lock.detail == {"failures": 5, "until": "2026-06-01T12:19:00"}
    before = events()
    fake_clock.advance(minutes=14, seconds=59)
    with pytest.raises(LockedOut) as caught:
        adminauth.verify_admin(PASSWORD)
    assert caught.value.until == locked_at + timedelta(minutes=15)
    assert isinstance(caught.value, ServiceError) and caught.value.code == "locked_out"
    assert "12:19:00" in caught.value.message
    with pytest.raises(LockedOut):
        adminauth.verify_admin(WRONG)
    assert events() == before  # refused attempts are not checked, so they do not count
    fake_clock.advance(seconds=1)
    assert adminauth.locked_until() is None
    assert adminauth.verify_admin(PASSWORD) is True


def test_after_a_lockout_the_count_starts_again(admin, fake_clock):
    fail(5)
    fake_clock.advance(minutes=15)
    fail(4)
    assert adminauth.locked_until() is None
    fail(1)
    assert adminauth.locked_until() == fake_clock.current + timedelta(minutes=15)


def test_only_failures_within_fifteen_minutes_count(admin, fake_clock):
    fail(4)  # at 12:00
    fake_clock.advance(minutes=15)
    fail(1)  # 12:15: the window is (12:00, 12:15], so this is the only failure in it
    assert adminauth.locked_until() is None
    fail(3)
    assert adminauth.locked_until() is None
    fail(1)  # the fifth within fifteen minutes
    assert adminauth.locked_until() == fake_clock.current + timedelta(minutes=15)


def test_a_success_resets_the_count(admin, fake_clock):
    fail(4)
    assert adminauth.verify_admin(PASSWORD) is True
    fail(4)
    assert adminauth.locked_until() is None
    fail(1)
    with pytest.raises(LockedOut):
        adminauth.verify_admin(PASSWORD)


def reopen(cfg):
    """Drop the connection and start the app again on the same database."""
    db.close_database()
    runtime.start(cfg.data_dir, environ={"DATABASE_URL": cfg.database_url}
                  if cfg.database_url else {})


def test_failures_and_lockout_survive_a_restart(any_db, admin, fake_clock):
    fail(3)
    reopen(any_db)
    fail(2)
    reopen(any_db)
    with pytest.raises(LockedOut) as caught:
        adminauth.verify_admin(PASSWORD)
    assert caught.value.until == fake_clock.current + timedelta(minutes=15)
    fake_clock.advance(minutes=15)
    reopen(any_db)
    assert adminauth.verify_admin(PASSWORD) is True


# --- changing the password ------------------------------------------------------------------


def test_change_password(admin, fake_clock):
    adminauth.change_admin_password(PASSWORD, "a brand new secret")
    assert adminauth.verify_admin("a brand new secret") is True
    assert adminauth.verify_admin(PASSWORD) is False
    assert events("admin.password_change") == [
        ("admin.password_change", "admin", "admin", "gui")]
    assert User.get_by_id(admin.id).updated_at == fake_clock.current


def test_change_with_wrong_old_password_counts_as_a_failure(admin, fake_clock):
    before_hash = User.get_by_id(admin.id).password_hash
    with pytest.raises(ValidationError):
        adminauth.change_admin_password(WRONG, "a brand new secret")
    assert User.get_by_id(admin.id).password_hash == before_hash
    assert events("admin.login_failed") == [("admin.login_failed", "admin", "admin", "gui")]
    fail(3)
    with pytest.raises(ValidationError):
        adminauth.change_admin_password(WRONG, "a brand new secret")
    with pytest.raises(LockedOut):
        adminauth.change_admin_password(PASSWORD, "a brand new secret")
    assert User.get_by_id(admin.id).password_hash == before_hash


def test_an_invalid_new_password_costs_no_attempt(admin):
    with unchanged(), pytest.raises(ValidationError):
        adminauth.change_admin_password(PASSWORD, "short")
    with unchanged(), pytest.raises(ValidationError):
        adminauth.change_admin_password(WRONG, "x" * 73)
