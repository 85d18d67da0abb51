"""app.accounts and app.passwords: users are validated before anything is written."""

import pytest

from app import accounts, passwords
from app.errors import Conflict, NotFound, ValidationError
from app.models import AuditEvent, User
from tests.app.support import unchanged


def test_add_user_stores_the_profile(any_db, fake_clock):
    user = accounts.add_user("  alice  ", " alice@example.com ", phone="+86 138-0000-0000",
                             consent_version="2026-01")
    stored = User.get_by_id(user.id)
    assert (stored.username, stored.email, stored.phone) == (
        "alice", "alice@example.com", "+86 138-0000-0000")
    assert (stored.role, stored.status, stored.balance_micros) == ("user", "active", 0)
    assert stored.password_hash is None
    assert stored.created_at == stored.consent_at == fake_clock.current
    event = AuditEvent.get(AuditEvent.action == "user.add")
    assert (event.actor, event.target) == ("admin", "alice")


def test_admin_role(any_db):
    assert accounts.add_user("root", "root@example.com", role="admin").role == "admin"


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"username": "a"}, "username"),  # too short
    ({"username": "x" * 65}, "username"),
    ({"username": "-leading"}, "username"),
    ({"username": "has space"}, "username"),
    ({"username": "semi;colon"}, "username"),
    ({"username": ""}, "username"),
    ({"email": None}, "email"),
    ({"email": ""}, "email"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "a@b"}, "email"),
    ({"email": "two@@example.com"}, "email"),
    ({"phone": "12"}, "phone"),
    ({"phone": "call me"}, "phone"),
    ({"role": "root"}, "role"),
    ({"password": "short"}, "password"),
])
def test_invalid_input_changes_nothing(any_db, kwargs, param):
    args = {"username": "valid.name", "email": "v@example.com"} | kwargs
    with unchanged(), pytest.raises(ValidationError) as info:
        accounts.add_user(args.pop("username"), args.pop("email"), **args)
    assert info.value.param == param


def test_username_is_unique(any_db):
    accounts.add_user("alice", "a@example.com")
    with unchanged(), pytest.raises(Conflict, match="already exists"):
        accounts.add_user("alice", "other@example.com")
    with unchanged(), pytest.raises(Conflict):
        accounts.add_user(" alice ", "other@example.com")


def test_password_is_bcrypt_and_verifies(sqlite_db):
    user = accounts.add_user("alice", "a@example.com", password="correct horse")
    hashed = User.get_by_id(user.id).password_hash
    assert hashed.startswith("$2b$12$") and len(hashed) == 60
    assert "correct horse" not in hashed
    assert passwords.verify_password("correct horse", hashed)
    assert not passwords.verify_password("correct horsE", hashed)
    assert not passwords.verify_password("correct horse", None)
    assert not passwords.verify_password("correct horse", "not a hash")


def test_password_of_exactly_72_bytes_is_fine():
    password = "é" * 36  # 72 bytes of UTF-8
    hashed = passwords.hash_password(password, rounds=4)
    assert passwords.verify_password(password, hashed)


@pytest.mark.parametrize("password", ["x" * 73, "é" * 37, "密" * 25])
def test_password_over_72_bytes_is_refused(any_db, password):
    # "é" * 37 is only 37 characters but 74 bytes: bcrypt would silently drop the tail
    with unchanged(), pytest.raises(ValidationError, match="72") as info:
        accounts.add_user("alice", "a@example.com", password=password)
    assert info.value.param == "password"
    assert not passwords.verify_password(password, passwords.hash_password("x" * 72, rounds=4))


def test_short_password_refused():
    with pytest.raises(ValidationError, match="at least 8"):
        passwords.hash_password("1234567")


async def test_async_variants():
    hashed = await passwords.hash_password_async("async pass")
    assert await passwords.verify_password_async("async pass", hashed)
    assert not await passwords.verify_password_async("other pass", hashed)


def test_get_user(any_db):
    user = accounts.add_user("alice", "a@example.com")
    assert accounts.get_user(" alice ").id == user.id
    assert accounts.get_user_by_id(user.id).username == "alice"
    with pytest.raises(NotFound, match="bob"):
        accounts.get_user("bob")
    with pytest.raises(NotFound):
        accounts.get_user_by_id(user.id + 100)


def test_deleted_users_are_hidden(any_db):
    accounts.add_user("alice", "a@example.com")
    accounts.add_user("gone", "g@example.com")
    User.update(status="deleted").where(User.username == "gone").execute()
    with pytest.raises(NotFound):
        accounts.get_user("gone")
    assert [u.username for u in accounts.list_users()] == ["alice"]
    assert [u.username for u in accounts.list_users(include_deleted=True)] == ["alice", "gone"]


def test_list_users_search(any_db):
    accounts.add_user("zoe", "zoe@corp.example")
    accounts.add_user("adam", "adam@home.example", phone="+1 555 0100")
    accounts.add_user("bea", "bea@CORP.example")
    assert [u.username for u in accounts.list_users()] == ["adam", "bea", "zoe"]
    assert [u.username for u in accounts.list_users("corp")] == ["bea", "zoe"]
    assert [u.username for u in accounts.list_users("555")] == ["adam"]
    assert [u.username for u in accounts.list_users("ZO")] == ["zoe"]
    assert accounts.list_users("nobody") == []


def test_update_user(any_db, fake_clock):
    accounts.add_user("alice", "a@example.com", phone="+861380000")
    fake_clock.advance(hours=1)
    user = accounts.update_user("alice", email="new@example.com")
    assert (user.email, user.phone) == ("new@example.com", "+861380000")
    assert user.updated_at == fake_clock.current
    assert accounts.update_user("alice", phone="").phone is None
    assert AuditEvent.select().where(AuditEvent.action == "user.update").count() == 2


def test_update_without_changes_writes_nothing(any_db):
    accounts.add_user("alice", "a@example.com")
    with unchanged():
        assert accounts.update_user("alice").username == "alice"


@pytest.mark.parametrize("kwargs", [{"email": "broken"}, {"email": ""}, {"phone": "x"},
                                    {"password": "short"}, {"password": "p" * 73}])
def test_invalid_update_changes_nothing(any_db, kwargs):
    accounts.add_user("alice", "a@example.com")
    with unchanged(), pytest.raises(ValidationError):
        accounts.update_user("alice", **kwargs)


def test_update_password(sqlite_db):
    accounts.add_user("alice", "a@example.com")
    user = accounts.update_user("alice", password="brand new pw")
    assert passwords.verify_password("brand new pw", user.password_hash)


def test_update_unknown_user(any_db):
    with unchanged(), pytest.raises(NotFound):
        accounts.update_user("ghost", email="g@example.com")


def test_disable_and_enable(any_db):
    accounts.add_user("alice", "a@example.com")
    assert accounts.set_status("alice", "disabled").status == "disabled"
    assert accounts.get_user("alice").status == "disabled"  # still found, just disabled
    assert accounts.set_status("alice", "active").status == "active"
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions == ["user.add", "user.disable", "user.enable"]


def test_invalid_status_changes_nothing(any_db):
    accounts.add_user("alice", "a@example.com")
    for status in ("deleted", "frozen", ""):
        with unchanged(), pytest.raises(ValidationError):
            accounts.set_status("alice", status)
    with unchanged(), pytest.raises(NotFound):
        accounts.set_status("ghost", "disabled")


# --- a portal user's own changes ------------------------------------------------------------

OWN_PASSWORD = "correct horse battery"


@pytest.fixture
def own(any_db, cheap_bcrypt):
    user = accounts.add_user("amy", "amy@example.com", password=OWN_PASSWORD)
    accounts.add_user("ben", "Ben@Example.com")
    return user


def test_own_phone_changes_with_the_password_and_is_audited(own):
    user = accounts.change_own_contact(own.id, email="amy@example.com", phone="+1 555 0100",
                                       current_password=OWN_PASSWORD, ip="10.0.0.5")
    assert user.phone == "+1 555 0100" and user.email == "amy@example.com"
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.actor, event.ip) == ("user.update", "amy", "10.0.0.5")
    assert event.detail == {"fields": ["phone"], "via": "portal"}
    with unchanged():  # the same values again: nothing to write, nothing audited
        accounts.change_own_contact(own.id, email="amy@example.com", phone="+1 555 0100")


@pytest.mark.parametrize(("email", "phone", "current", "param"), [
    ("new@example.com", "", None, "current_password"),
    ("new@example.com", "", "wrong password", "current_password"),
    ("BEN@example.com", "", OWN_PASSWORD, "email"),  # another live account's
    ("not an email", "", OWN_PASSWORD, "email"),
    ("amy@example.com", "<b>1</b>", None, "phone"),
    # a borrowed session cannot move the phone either
    ("amy@example.com", "+1 555 0100", None, "current_password"),
    ("amy@example.com", "+1 555 0100", "wrong password", "current_password"),
])
def test_own_contact_refusals_change_nothing(own, email, phone, current, param):
    with unchanged(), pytest.raises((ValidationError, Conflict)) as caught:
        accounts.change_own_contact(own.id, email=email, phone=phone, current_password=current)
    assert caught.value.param == param


def test_own_email_changes_with_the_password_and_may_take_a_deleted_accounts(own):
    User.update(status="deleted").where(User.username == "ben").execute()
    user = accounts.change_own_contact(own.id, email="ben@example.com", phone="",
                                       current_password=OWN_PASSWORD)
    assert user.email == "ben@example.com"


def test_own_password_change_ends_every_session(own):
    from app import websessions

    tokens = [websessions.start_session(own, None, None)[0] for _ in range(2)]
    accounts.change_own_password(own.id, OWN_PASSWORD, "a much better passphrase",
                                 ip="10.0.0.5")
    assert passwords.verify_password("a much better passphrase",
                                     User.get_by_id(own.id).password_hash)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.actor, event.ip) == ("user.password_change", "amy", "10.0.0.5")
    assert event.detail == {"sessions_ended": 2, "via": "portal"}
    assert [websessions.check_session(token) for token in tokens] == [None, None]


@pytest.mark.parametrize(("current", "new", "param"), [
    ("wrong password", "a much better passphrase", "current_password"),
    (OWN_PASSWORD, "short", "password"),
    (OWN_PASSWORD, "12345678", "password"),
    (OWN_PASSWORD, "amy@example.com", "password"),
])
def test_own_password_refusals_change_nothing(own, current, new, param):
    with unchanged(), pytest.raises(ValidationError) as caught:
        accounts.change_own_password(own.id, current, new)
    assert caught.value.param == param
