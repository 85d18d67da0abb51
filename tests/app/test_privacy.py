"""app.privacy: consent is recorded and withdrawn; deletion erases the person, keeps the books."""

import pytest

from app import accounts, apikeys, audit, billing, events, ledger, privacy, recharges
from app.errors import Conflict, NotFound, ValidationError
from app.models import ApiKey, AuditEvent, LedgerEntry, RechargeRecord, RequestLog, User
from tests.app.support import dump, unchanged
from tests.app.test_export import populate

PERSONAL = ("alice", "alice@example.com", "13800000000", "192.168.1.9", "192.168.1.66",
            "OpenAI/Python")


@pytest.fixture
def key_events():
    """How many times the relay's key cache was told to drop its entries."""
    calls: list[None] = []
    unsubscribe = events.subscribe(events.KEYS, lambda: calls.append(None))
    yield calls
    unsubscribe()


def test_delete_erases_profile_keys_and_login_history(any_db, fake_clock, key_events):
    facts = populate()
    key_events.clear()
    privacy.delete_user("alice")
    row = User.get_by_id(facts.user.id)
    assert row.username == privacy.tombstone_name(facts.user.id) == f"deleted:{facts.user.id}"
    assert (row.email, row.phone, row.password_hash, row.status) == (None, None, None, "deleted")
    assert (row.consent_version, row.consent_at) == (None, None)
    assert not ApiKey.select().where(ApiKey.user == facts.user.id).exists()
    assert apikeys.lookup(facts.plaintext) is None
    assert [(e.action, e.target) for e in AuditEvent.select().where(
        AuditEvent.action.startswith("login")).order_by(AuditEvent.id)] == [("login", "bob")]
    with pytest.raises(NotFound):
        accounts.get_user("alice")
    assert [u.username for u in accounts.list_users()] == ["bob"]
    assert key_events == [None]


def test_nothing_personal_is_left_anywhere(any_db):
    facts = populate()
    privacy.delete_user("alice")
    everything = repr(dump())  # every row of every table
    for needle in (*PERSONAL, facts.password_hash, facts.key_hash):
        assert needle not in everything, needle
    assert "bob@example.com" in everything  # the neighbour is untouched


def test_delete_keeps_deidentified_logs_and_payments(any_db):
    facts = populate()
    uid = facts.user.id
    logs = [(r.id, r.request_id, r.cost_micros, r.prompt_tokens) for r in
            RequestLog.select().where(RequestLog.user == uid).order_by(RequestLog.id)]
    payments = list(RechargeRecord.select().where(RechargeRecord.user == uid).tuples())
    entries = list(LedgerEntry.select().where(LedgerEntry.user == uid).tuples())
    balance = User.get_by_id(uid).balance_micros
    privacy.delete_user("alice")
    kept = list(RequestLog.select().where(RequestLog.user == uid).order_by(RequestLog.id))
    assert [(r.id, r.request_id, r.cost_micros, r.prompt_tokens) for r in kept] == logs
    assert {(r.username, r.client_ip, r.user_agent, r.api_key_id) for r in kept} == {
        (None, None, None, None)}
    assert list(RechargeRecord.select().where(RechargeRecord.user == uid).tuples()) == payments
    assert list(LedgerEntry.select().where(LedgerEntry.user == uid).tuples()) == entries
    assert User.get_by_id(uid).balance_micros == balance == ledger.ledger_sum(uid)
    assert ledger.mismatched_users() == []


def test_payments_stay_usable_after_deletion(any_db):
    facts = populate()
    privacy.delete_user("alice")
    refunded = recharges.refund(facts.order_no, 1_000_000)  # a later refund still works
    assert refunded.refunded_micros == 6_000_000
    assert ledger.mismatched_users() == []
    assert AuditEvent.select().order_by(AuditEvent.id.desc()).get().target == \
        privacy.tombstone_name(facts.user.id)


def test_the_name_is_free_for_a_new_user(any_db):
    facts = populate()
    privacy.delete_user("alice")
    fresh = accounts.add_user("alice", "new-alice@example.com")
    assert fresh.id != facts.user.id and fresh.balance_micros == 0
    assert accounts.get_user("alice").email == "new-alice@example.com"
    assert [u.username for u in accounts.list_users()] == ["alice", "bob"]
    assert ledger.mismatched_users() == []


def test_audit_event_records_the_deletion_not_the_data(any_db):
    facts = populate()
    privacy.delete_user("alice", actor="operator")
    event = AuditEvent.get(AuditEvent.action == "user.delete")
    tombstone = privacy.tombstone_name(facts.user.id)
    assert (event.actor, event.target) == ("operator", tombstone)
    assert event.detail == {"user_id": facts.user.id, "api_keys_deleted": 2,
                            "request_logs_deidentified": 3, "login_events_deleted": 2}
    assert "alice" not in repr(event.detail)
    # the older trail still says what happened, to the tombstone
    assert {e.target for e in AuditEvent.select().where(
        AuditEvent.action.in_(["user.add", "recharge", "refund"]))} == {tombstone, "bob"}


def test_audit_events_about_other_things_keep_their_target(any_db):
    populate()
    audit.record("provider.update", target="alice")  # a provider that shares the name
    audit.record("key.revoke", target="alice")
    privacy.delete_user("alice")
    assert [e.target for e in AuditEvent.select().where(AuditEvent.action.in_(
        ["provider.update", "key.revoke"])).order_by(AuditEvent.id)][-2:] == ["alice", "alice"]


def test_deleting_a_user_called_admin_keeps_the_operator_trail(any_db):
    admin = accounts.add_user("admin", "root@example.com", role="admin")
    recharges.recharge("admin", 1_000_000)  # done by the actor "admin", the program's operator
    privacy.delete_user("admin")
    events = {e.action: (e.actor, e.target) for e in AuditEvent.select()}
    tombstone = privacy.tombstone_name(admin.id)
    assert events == {"user.add": ("admin", tombstone), "recharge": ("admin", tombstone),
                      "user.delete": ("admin", tombstone)}


def test_delete_is_refused_while_requests_are_in_flight(any_db):
    facts = populate()
    billing.reserve(user_id=facts.user.id, key_id=None, request_id="live", model="deepseek-chat",
                    amount_micros=1_000_000, lease_seconds=60)
    with unchanged(), pytest.raises(Conflict, match="requests in progress"):
        privacy.delete_user("alice")
    billing.settle_many([billing.Settlement("live", facts.user.id, 0, reserved=True)])
    privacy.delete_user("alice")
    assert ledger.mismatched_users() == []


def test_delete_unknown_or_deleted_user(any_db):
    populate()
    with unchanged(), pytest.raises(NotFound):
        privacy.delete_user("ghost")
    privacy.delete_user("bob")
    with unchanged(), pytest.raises(NotFound):
        privacy.delete_user("bob")


def test_self_deletion_does_not_keep_the_name_as_actor(any_db):
    facts = populate()
    privacy.delete_user("alice", actor="alice")
    event = AuditEvent.get(AuditEvent.action == "user.delete")
    assert event.actor == privacy.tombstone_name(facts.user.id)


def test_withdraw_consent_stops_the_service(any_db, fake_clock, key_events):
    facts = populate()
    key_events.clear()
    before = {k: v for k, v in dump().items() if k not in ("user", "api_key", "audit_event")}
    user = privacy.withdraw_consent("alice")
    assert (user.status, user.consent_version, user.consent_at) == ("disabled", None, None)
    assert user.email == "alice@example.com"  # data follows retention rules; nothing deleted
    info = apikeys.lookup(facts.plaintext)
    assert info is not None and not info.key_active and not info.user_active
    assert {(k.status, k.revoked_at is not None) for k in ApiKey.select().where(
        ApiKey.user == facts.user.id)} == {("revoked", True)}
    assert {k: v for k, v in dump().items() if k in before} == before
    event = AuditEvent.get(AuditEvent.action == "consent.withdraw")
    assert (event.target, event.detail) == ("alice", {"version": privacy.POLICY_VERSION,
                                                      "api_keys_revoked": 1})
    assert key_events == [None]
    assert accounts.get_user("bob").status == "active"


def test_withdraw_consent_of_unknown_user(any_db):
    with unchanged(), pytest.raises(NotFound):
        privacy.withdraw_consent("ghost")


def test_record_consent(any_db, fake_clock):
    accounts.add_user("alice", "alice@example.com")
    fake_clock.advance(days=2)
    user = privacy.record_consent("alice", privacy.POLICY_VERSION)
    assert (user.consent_version, user.consent_at) == ("2026-06-03", fake_clock.current)
    event = AuditEvent.get(AuditEvent.action == "consent.record")
    assert (event.target, event.detail) == ("alice", {"version": "2026-06-03"})
    fake_clock.advance(days=1)
    assert privacy.record_consent("alice").consent_at == fake_clock.current  # default: current


@pytest.mark.parametrize("version", ["", "   ", "x" * 33])
def test_record_consent_refuses_a_bad_version(any_db, version):
    accounts.add_user("alice", "alice@example.com")
    with unchanged(), pytest.raises(ValidationError) as info:
        privacy.record_consent("alice", version)
    assert info.value.param == "version"


def test_consent_after_withdrawal_does_not_reenable(any_db):
    accounts.add_user("alice", "alice@example.com")
    privacy.withdraw_consent("alice")
    user = privacy.record_consent("alice")
    assert (user.status, user.consent_version) == ("disabled", privacy.POLICY_VERSION)


def test_login_history_filter(any_db):
    accounts.add_user("alice", "alice@example.com")
    for action, target in (("login", "alice"), ("login.failed", "alice"), ("login", "bob"),
                           ("user.update", "alice"), ("key.create", "alice")):
        audit.record(action, target=target)
    assert [e.action for e in AuditEvent.select().where(privacy.login_history("alice"))
            .order_by(AuditEvent.id)] == ["login", "login.failed"]
