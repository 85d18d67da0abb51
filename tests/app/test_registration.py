"""app.registration: the operator's mode decides who may register; a weak password, a missing
consent or a bad invite writes nothing; a new user has consent recorded and the default group."""

import functools
import threading

import pytest

from app import audit, groups, invites, passwords, policy, privacy, registration, settings
from app.errors import Conflict, ValidationError
from app.models import Invite, User
from tests.app.support import race, unchanged

PASSWORD = "correct horse battery"


pytestmark = pytest.mark.usefixtures("cheap_bcrypt")


@pytest.fixture
def open_mode(any_db):
    settings.set("registration_mode", "open")


def register(name="ann", email=None, password=PASSWORD, **kwargs):
    kwargs.setdefault("consent_version", privacy.POLICY_VERSION)
    return registration.register(name, email or f"{name}@example.com", password,
                                 ip=kwargs.pop("ip", "10.0.0.9"),
                                 user_agent=kwargs.pop("user_agent", "Firefox"), **kwargs)


def test_registration_is_closed_by_default(any_db):
    assert settings.get("registration_mode") == "closed"
    with unchanged(), pytest.raises(Conflict, match="closed"):
        register()


def test_the_mode_is_a_checked_setting(any_db):
    with pytest.raises(ValidationError) as info:
        settings.set("registration_mode", "everyone")
    assert info.value.param == "registration_mode"
    assert info.value.message.startswith("Registration")


def test_open_registration_creates_a_consenting_user_in_the_default_group(open_mode,
                                                                           fake_clock):
    user = register(phone="+86 138 0000 0000")
    stored = User.get_by_id(user.id)
    assert (stored.username, stored.email, stored.phone, stored.role, stored.status) == (
        "ann", "ann@example.com", "+86 138 0000 0000", "user", "active")
    assert passwords.verify_password(PASSWORD, stored.password_hash)
    assert (stored.consent_version, stored.consent_at) == (privacy.POLICY_VERSION, fake_clock())
    assert not policy.needs_consent(stored)
    assert groups.group_name(stored) == "default"
    event = audit.recent(1, "user.register")[0]
    assert (event.target, event.ip, event.detail["mode"]) == ("ann", "10.0.0.9", "open")
    assert PASSWORD not in str([e.detail for e in audit.recent(20)])


@pytest.mark.parametrize("password", ["short", "password123", "PASSWORD123", "ann-smith",
                                      "ann-smith@example.com", "Ann-Smith"])
def test_weak_passwords_are_refused(open_mode, password):
    with unchanged(), pytest.raises(ValidationError) as info:
        register("ann-smith", password=password)
    assert info.value.param == "password"


def test_consent_to_the_current_policy_is_required(open_mode):
    settings.set("policy_version", "2026-09-01")
    for version in ("", privacy.POLICY_VERSION):
        with unchanged(), pytest.raises(ValidationError, match="2026-09-01") as info:
            register(consent_version=version)
        assert info.value.param == "consent_version"
    assert register(consent_version="2026-09-01").consent_version == "2026-09-01"


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"name": "a"}, "username"), ({"email": "not-an-email"}, "email"),
    ({"phone": "call me"}, "phone"),
])
def test_bad_profile_input_writes_nothing(open_mode, kwargs, param):
    with unchanged(), pytest.raises(ValidationError) as info:
        register(**kwargs)
    assert info.value.param == param


def test_a_taken_username_or_email_is_refused(open_mode):
    register("ann")
    with unchanged(), pytest.raises(Conflict) as info:
        register("ann", email="other@example.com")
    assert info.value.param == "username"
    with unchanged(), pytest.raises(Conflict) as info:
        register("bob", email="ANN@example.com")
    assert info.value.param == "email"


def test_invite_mode_needs_a_code(any_db):
    settings.set("registration_mode", "invite")
    with unchanged(), pytest.raises(ValidationError) as info:
        register()
    assert info.value.param == "invite_code"
    with unchanged(), pytest.raises(ValidationError):
        register(invite_code="inv-made-up")


def test_a_refused_registration_gives_the_invite_use_back(any_db):
    settings.set("registration_mode", "invite")
    code, row = invites.create_invite(max_uses=2)
    register("ann", invite_code=code)
    with pytest.raises(Conflict):
        register("ann", email="second@example.com", invite_code=code)
    assert Invite.get_by_id(row.id).uses == 1
    register("bob", invite_code=code)
    assert Invite.get_by_id(row.id).uses == 2


def test_open_mode_ignores_an_invite_code(open_mode):
    code, row = invites.create_invite(max_uses=1)
    register("ann", invite_code=code)
    assert Invite.get_by_id(row.id).uses == 0


def test_a_username_in_another_letter_case_is_taken(open_mode):
    register("alice")
    with unchanged(), pytest.raises(Conflict) as info:
        register("ALICE", email="other@example.com")
    assert info.value.param == "username"
    assert info.value.message == "a user named 'alice' already exists"


@pytest.mark.parametrize(("mode", "kwargs", "param"), [
    ("open", {"name": "bob", "email": "ANN@example.com"}, "email"),
    ("open", {"name": "Ann", "email": "other@example.com"}, "username"),
    ("invite", {"name": "bob", "email": "bob@example.com", "invite_code": "inv-made-up"},
     "invite_code"),
])
def test_a_refusal_that_can_be_known_costs_no_password_hash(any_db, monkeypatch, mode, kwargs,
                                                             param):
    """bcrypt is the slow step: a registration that is refused anyway must not reach it."""
    settings.set("registration_mode", "open")
    register("ann")
    settings.set("registration_mode", mode)
    hashed: list[str] = []
    monkeypatch.setattr(passwords, "hash_password", hashed.append)
    with unchanged(), pytest.raises((Conflict, ValidationError)) as info:
        register(**kwargs)
    assert info.value.param == param and hashed == []


def test_two_registrations_with_one_email_at_once_make_one_account(open_mode, monkeypatch):
    """Both pass the early checks before either writes (a barrier after hashing makes sure);
    the write transactions are serialised, so the second sees the first's account."""

    hash_password = passwords.hash_password
    threads = 2
    barrier = threading.Barrier(threads)

    def hash_then_wait(password: str) -> str:
        hashed = hash_password(password)
        barrier.wait(timeout=30)
        return hashed

    monkeypatch.setattr(passwords, "hash_password", hash_then_wait)
    # they meet at the barrier after hashing, not before starting
    results = race([functools.partial(register, f"user{i}", email="same@example.com")
                    for i in range(threads)], barrier=False)
    assert sorted(results, key=str) == [True, "an account with that email already exists"]
    assert User.select().where(User.email == "same@example.com").count() == 1
