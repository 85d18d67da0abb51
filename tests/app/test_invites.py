"""app.invites: codes shown once and stored hashed, limited uses and expiry, revocation, and
the last use won by exactly one of two racing registrations."""

import functools
from datetime import timedelta

import pytest

from app import audit, invites, privacy, registration, settings
from app.errors import NotFound, ValidationError
from app.models import Invite, User
from tests.app.support import race

PASSWORD = "correct horse battery"


pytestmark = pytest.mark.usefixtures("cheap_bcrypt")


@pytest.fixture
def invite_mode(any_db):
    settings.set("registration_mode", "invite")


def join(name, code):
    return registration.register(name, f"{name}@example.com", PASSWORD, invite_code=code,
                                 consent_version=privacy.POLICY_VERSION, ip="10.0.0.9",
                                 user_agent="test")


def test_a_code_is_shown_once_and_only_its_hash_is_stored(any_db):
    code, row = invites.create_invite(max_uses=3, note="for the lab")
    assert code.startswith(invites.CODE_PREFIX) and len(code) > 20
    stored = Invite.get_by_id(row.id)
    assert stored.code_hash == invites.hash_code(code) and code not in stored.code_hash
    assert stored.prefix.endswith(code[-4:]) and code not in stored.prefix
    assert [i.id for i in invites.list_invites()] == [row.id]
    assert audit.recent(1, "invite.create")[0].target == str(row.id)
    assert code not in str(audit.recent(1, "invite.create")[0].detail)


def test_a_code_is_used_up_after_its_uses(invite_mode):
    code, row = invites.create_invite(max_uses=2)
    join("ann", code)
    join("bob", code)
    with pytest.raises(ValidationError, match="used up") as info:
        join("cat", code)
    assert info.value.param == "invite_code"
    assert Invite.get_by_id(row.id).uses == 2
    assert not User.select().where(User.username == "cat").exists()


def test_an_unlimited_code_keeps_working(invite_mode):
    code, _ = invites.create_invite(max_uses=None)
    for name in ("ann", "bob", "cat"):
        join(name, code)
    assert User.select().where(User.role == "user").count() == 3


def test_an_expired_code_is_refused(invite_mode, fake_clock):
    code, _ = invites.create_invite(expires_at=fake_clock() + timedelta(hours=1))
    fake_clock.advance(hours=1)
    with pytest.raises(ValidationError, match="expired"):
        join("ann", code)


def test_a_revoked_code_is_refused_and_left_out_of_the_list(invite_mode):
    code, row = invites.create_invite()
    invites.revoke_invite(row.id)
    assert invites.list_invites() == []
    assert [i.status for i in invites.list_invites(include_revoked=True)] == ["revoked"]
    with pytest.raises(ValidationError):
        join("ann", code)
    with pytest.raises(NotFound):
        invites.revoke_invite(row.id + 100)


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"max_uses": 0}, "max_uses"),
    ({"max_uses": True}, "max_uses"),
    ({"note": "x" * 201}, "note"),
])
def test_bad_invite_input_is_refused(any_db, kwargs, param):
    with pytest.raises(ValidationError) as info:
        invites.create_invite(**kwargs)
    assert info.value.param == param
    assert Invite.select().count() == 0


def test_a_past_expiry_is_refused(any_db, fake_clock):
    with pytest.raises(ValidationError, match="past"):
        invites.create_invite(expires_at=fake_clock() - timedelta(seconds=1))


def test_two_registrations_racing_for_the_last_use_one_wins(invite_mode):
    code, row = invites.create_invite(max_uses=1)
    threads = 6
    results = race([functools.partial(join, f"user{i}", code) for i in range(threads)])
    assert results.count(True) == 1, results
    assert sorted(r for r in results if r is not True) == [
        "that invite code is not valid, expired or used up"] * (threads - 1)
    assert Invite.get_by_id(row.id).uses == 1
    assert User.select().where(User.role == "user").count() == 1
