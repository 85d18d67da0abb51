"""app.admintokens: admin API tokens are shown once, stored only as a hash, and revocable."""

import hashlib
import json

import pytest

from app import admintokens, events
from app.errors import NotFound, ValidationError
from app.models import AdminToken, AuditEvent
from tests.app.support import unchanged


def audit_trail() -> list[AuditEvent]:
    return list(AuditEvent.select().order_by(AuditEvent.id))


def test_create_shows_plaintext_once_and_stores_only_its_hash(any_db, fake_clock) -> None:
    token, plaintext = admintokens.create_token("  laptop  ", actor="admin")
    assert plaintext.startswith("rdadm-") and len(plaintext) >= len("rdadm-") + 40
    row = AdminToken.get_by_id(token.id)
    assert row.name == "laptop" and row.status == "active" and row.created_by == "admin"
    assert row.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert row.prefix == f"rdadm-…{plaintext[-4:]}"
    secret = plaintext[len("rdadm-"):]
    for column, value in row.__data__.items():
        assert secret not in str(value), column
        assert secret[:-4] not in str(value), column  # the prefix shows the last 4, no more
    # nothing can give the plaintext back
    assert all(secret not in str(t.__data__) for t in admintokens.list_tokens())
    _, other = admintokens.create_token("laptop")  # names need not be unique, secrets are
    assert other != plaintext


def test_verify_accepts_the_token_and_notes_its_use(any_db, fake_clock) -> None:
    token, plaintext = admintokens.create_token("ci")
    assert AdminToken.get_by_id(token.id).last_used_at is None
    fake_clock.advance(minutes=5)
    info = admintokens.verify(plaintext, ip="192.168.1.20")
    assert info == admintokens.TokenInfo(token_id=token.id, name="ci")
    assert info.actor == "token:ci"
    row = AdminToken.get_by_id(token.id)
    assert row.last_used_at == fake_clock.current and row.last_used_ip == "192.168.1.20"
    fake_clock.advance(minutes=1)
    assert admintokens.verify(plaintext) is not None
    row = AdminToken.get_by_id(token.id)
    assert row.last_used_at == fake_clock.current and row.last_used_ip is None


def test_revoked_token_no_longer_verifies(any_db, fake_clock) -> None:
    token, plaintext = admintokens.create_token("old")
    seen = []
    unsubscribe = events.subscribe(events.ADMIN_TOKENS, lambda: seen.append(1))
    try:
        revoked = admintokens.revoke_token(token.id, actor="admin")
    finally:
        unsubscribe()
    assert revoked.status == "revoked" and revoked.revoked_at == fake_clock.current
    assert seen == [1]
    assert admintokens.verify(plaintext, ip="10.0.0.1") is None
    assert AdminToken.get_by_id(token.id).last_used_ip is None
    assert [t.id for t in admintokens.list_tokens(include_revoked=False)] == []
    assert [t.id for t in admintokens.list_tokens()] == [token.id]
    # revoking twice changes nothing and records nothing
    with unchanged():
        assert admintokens.revoke_token(token.id).status == "revoked"


def test_wrong_tokens_are_refused(any_db, fake_clock) -> None:
    _, plaintext = admintokens.create_token("ci")
    body = plaintext[len("rdadm-"):]
    with unchanged():
        for guess in (None, "", "rdadm-", plaintext[:-1], plaintext + "x", plaintext.upper(),
                      " " + plaintext, "sk-" + body, body, "rdadm-" + "A" * 43,
                      plaintext + "x" * 300, "rdadm-" + "x" * 500):
            assert admintokens.verify(guess, ip="10.0.0.1") is None, guess


def test_token_of_another_kind_with_same_secret_is_refused(any_db) -> None:
    """Only the rdadm- prefix is a token, even if its hash happened to be stored."""
    _, plaintext = admintokens.create_token("ci")
    other = "rdadmx" + plaintext[len("rdadm-"):]
    AdminToken.create(name="forged", token_hash=admintokens.hash_token(other), prefix="x")
    assert admintokens.verify(other) is None


def test_audit_events_name_the_token_but_hold_no_secret(any_db, fake_clock) -> None:
    token, plaintext = admintokens.create_token("ops", actor="admin")
    admintokens.verify(plaintext, ip="10.0.0.9")
    admintokens.revoke_token(token.id, actor="token:other")
    trail = [(e.action, e.actor, e.target) for e in audit_trail()]
    assert trail == [("admin_token.create", "admin", "ops"),
                     ("admin_token.revoke", "token:other", "ops")]
    secret = plaintext[len("rdadm-"):]
    for event in audit_trail():
        assert event.detail["token_id"] == token.id
        text = json.dumps(event.detail, ensure_ascii=False)
        assert secret[:-4] not in text and token.token_hash not in text


@pytest.mark.parametrize("name", ["", "   ", None, "x" * 65])
def test_name_is_validated(any_db, name) -> None:
    with unchanged(), pytest.raises(ValidationError) as err:
        admintokens.create_token(name)
    assert err.value.param == "name"


def test_name_of_64_characters_is_fine(any_db) -> None:
    token, _ = admintokens.create_token("n" * 64)
    assert AdminToken.get_by_id(token.id).name == "n" * 64


def test_unknown_token_id(any_db) -> None:
    with pytest.raises(NotFound):
        admintokens.get_token(999)
    with unchanged(), pytest.raises(NotFound):
        admintokens.revoke_token(999)
