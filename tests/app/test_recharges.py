"""app.recharges: a recharge is an order plus a ledger entry; refunds never exceed what is left."""

import re

import pytest

from app import accounts, ledger, recharges
from app.errors import Conflict, InsufficientBalance, NotFound, ValidationError
from app.ledger import Kind
from app.models import AuditEvent, LedgerEntry, RechargeRecord, User
from tests.app.support import unchanged


@pytest.fixture
def alice(any_db, fake_clock):
    return accounts.add_user("alice", "alice@example.com")


def balance(name="alice"):
    return User.get(User.username == name).balance_micros


def test_recharge_creates_order_and_ledger_entry(alice, fake_clock):
    record = recharges.recharge("alice", 50_000_000, method="cash", note=" counter ")
    # RD + UTC timestamp of the fake clock + 8 random upper-case hex digits
    assert re.fullmatch(r"RD20260601120000[0-9A-F]{8}", record.order_no)
    stored = RechargeRecord.get(RechargeRecord.order_no == record.order_no)
    assert (stored.amount_micros, stored.method, stored.status, stored.note) == (
        50_000_000, "cash", "paid", "counter")
    assert stored.paid_at == stored.created_at == fake_clock.current
    assert stored.refunded_micros == 0
    entry = LedgerEntry.get(LedgerEntry.ref == record.order_no)
    assert (entry.kind, entry.amount_micros, entry.balance_after_micros, entry.reason) == (
        "recharge", 50_000_000, 50_000_000, "counter")
    assert balance() == 50_000_000
    audit = AuditEvent.get(AuditEvent.action == "recharge")
    assert audit.detail == {"order_no": record.order_no, "amount_micros": 50_000_000,
                            "method": "cash"}


def test_order_numbers_are_unique(alice):
    orders = {recharges.recharge("alice", 1).order_no for _ in range(20)}
    assert len(orders) == 20
    assert balance() == 20


@pytest.mark.parametrize(("username", "amount", "kwargs", "error"), [
    ("alice", 0, {}, ValidationError),
    ("alice", -5_000_000, {}, ValidationError),
    ("alice", 1, {"method": "bitcoin"}, ValidationError),
    ("alice", 1, {"note": "n" * 501}, ValidationError),
    ("ghost", 1, {}, NotFound),
])
def test_invalid_recharge_changes_nothing(alice, username, amount, kwargs, error):
    recharges.recharge("alice", 1_000)
    with unchanged(), pytest.raises(error):
        recharges.recharge(username, amount, **kwargs)


def test_partial_then_full_refund(alice, fake_clock):
    order = recharges.recharge("alice", 10_000_000).order_no
    fake_clock.advance(days=1)
    record = recharges.refund(order, 3_000_000, note="part")
    assert (record.status, record.refunded_micros, record.note) == (
        "partially_refunded", 3_000_000, "part")
    assert record.refunded_at == fake_clock.current
    assert balance() == 7_000_000
    record = recharges.refund(order)  # the rest
    assert (record.status, record.refunded_micros) == ("refunded", 10_000_000)
    assert balance() == 0
    refunds = [(e.kind, e.amount_micros, e.ref) for e in ledger.entries(alice.id)][:2]
    assert refunds == [("refund", -7_000_000, order), ("refund", -3_000_000, order)]
    assert ledger.mismatched_users() == []
    with unchanged(), pytest.raises(Conflict, match="refunded"):
        recharges.refund(order)
    with unchanged(), pytest.raises(Conflict):
        recharges.refund(order, 1)


def test_refund_beyond_the_remaining_amount_is_a_conflict(alice):
    order = recharges.recharge("alice", 10_000_000).order_no
    recharges.recharge("alice", 90_000_000)  # plenty of balance
    recharges.refund(order, 4_000_000)
    with unchanged(), pytest.raises(Conflict, match=r"6\.00"):
        recharges.refund(order, 6_000_001)
    assert recharges.refund(order, 6_000_000).status == "refunded"


def test_refund_more_than_the_balance_is_refused(alice):
    order = recharges.recharge("alice", 10_000_000).order_no
    ledger.post(alice.id, Kind.CHARGE, -8_000_000)  # spent most of it
    with unchanged(), pytest.raises(InsufficientBalance):
        recharges.refund(order)
    with unchanged(), pytest.raises(InsufficientBalance):
        recharges.refund(order, 2_000_001)
    assert recharges.refund(order, 2_000_000).status == "partially_refunded"
    assert balance() == 0


@pytest.mark.parametrize("amount", [0, -1])
def test_non_positive_refund_is_invalid(alice, amount):
    order = recharges.recharge("alice", 1_000).order_no
    with unchanged(), pytest.raises(ValidationError):
        recharges.refund(order, amount)


def test_unknown_order(alice):
    recharges.recharge("alice", 1_000)
    for order in ("RD000", "", "  "):
        with unchanged(), pytest.raises(NotFound):
            recharges.refund(order)
    with unchanged(), pytest.raises(ValidationError):  # the note is checked first
        recharges.refund("RD000", note="n" * 501)


def test_pending_recharge_cannot_be_refunded(alice):
    order = recharges.recharge("alice", 1_000).order_no
    RechargeRecord.update(status="pending").where(RechargeRecord.order_no == order).execute()
    with unchanged(), pytest.raises(Conflict, match="pending"):
        recharges.refund(order)


def test_get_and_list_recharges(alice):
    accounts.add_user("bob", "bob@example.com")
    a1 = recharges.recharge("alice", 1_000).order_no
    b1 = recharges.recharge("bob", 2_000).order_no
    a2 = recharges.recharge("alice", 3_000).order_no
    recharges.refund(a1)
    assert recharges.get_recharge(f" {b1} ").amount_micros == 2_000
    assert [r.order_no for r in recharges.list_recharges()] == [a2, b1, a1]
    assert [r.order_no for r in recharges.list_recharges("alice")] == [a2, a1]
    assert [r.order_no for r in recharges.list_recharges(status="refunded")] == [a1]
    assert [r.order_no for r in recharges.list_recharges(limit=1, offset=1)] == [b1]
    assert recharges.list_recharges()[0].user.username == "alice"
    with pytest.raises(NotFound):
        recharges.list_recharges("ghost")
