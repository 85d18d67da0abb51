"""app.billing: reserve before forwarding, settle exactly once, recover what a crash left held."""

from datetime import timedelta

import pytest

from app import accounts, billing, ledger
from app.billing import Settlement
from app.errors import InsufficientBalance
from app.ledger import Kind
from app.models import LedgerEntry, RequestLog, Reservation, User
from tests.app.support import unchanged


@pytest.fixture
def alice(any_db, fake_clock):
    user = accounts.add_user("alice", "alice@example.com")
    ledger.post(user.id, Kind.RECHARGE, 10_000)
    return user


def balance(user):
    return User.get_by_id(user.id).balance_micros


def reserve(user, request_id, amount, lease=60):
    billing.reserve(user_id=user.id, key_id=None, request_id=request_id, model="m",
                    amount_micros=amount, lease_seconds=lease)


def log(user, request_id, cost):
    return {"request_id": request_id, "user": user.id, "username": user.username, "model": "m",
            "cost_micros": cost, "prompt_tokens": 10, "completion_tokens": 5}


def test_reserve_holds_money_with_a_lease(alice, fake_clock):
    reserve(alice, "r1", 4_000, lease=30)
    assert balance(alice) == 6_000
    assert billing.held_total(alice.id) == 4_000
    row = Reservation.get(Reservation.request_id == "r1")
    assert row.lease_until == fake_clock.current + timedelta(seconds=30)
    hold = LedgerEntry.get(LedgerEntry.kind == "hold")
    assert (hold.amount_micros, hold.ref, hold.actor) == (-4_000, "r1", "relay")


def test_reserve_beyond_balance_changes_nothing(alice):
    with unchanged(), pytest.raises(InsufficientBalance):
        reserve(alice, "r1", 10_001)


def test_settle_releases_hold_and_charges_cost(alice):
    reserve(alice, "r1", 4_000)
    item = Settlement("r1", alice.id, 1_234, True, log(alice, "r1", 1_234))
    assert billing.settle_many([item]) == 1
    assert balance(alice) == 10_000 - 1_234
    assert billing.held_total(alice.id) == 0
    kinds = [(e.kind, e.amount_micros) for e in ledger.entries(alice.id)]
    assert kinds[:3] == [("charge", -1_234), ("release", 4_000), ("hold", -4_000)]
    row = RequestLog.get(RequestLog.request_id == "r1")
    assert (row.cost_micros, row.overrun, row.estimated) == (1_234, False, False)
    assert ledger.mismatched_users() == []


def test_settle_is_exactly_once(alice):
    reserve(alice, "r1", 4_000)
    item = Settlement("r1", alice.id, 100, True, log(alice, "r1", 100))
    assert billing.settle_many([item]) == 1
    with unchanged():
        assert billing.settle_many([Settlement("r1", alice.id, 100, True,
                                               log(alice, "r1", 100))]) == 0
    assert balance(alice) == 9_900


def test_overrun_is_charged_in_full_and_marked(alice):
    reserve(alice, "r1", 10_000)
    billing.settle_many([Settlement("r1", alice.id, 12_500, True, log(alice, "r1", 12_500))])
    assert balance(alice) == -2_500
    assert RequestLog.get(RequestLog.request_id == "r1").overrun is True
    assert ledger.mismatched_users() == []


def test_zero_cost_writes_no_charge(alice):
    reserve(alice, "r1", 500)
    billing.settle_many([Settlement("r1", alice.id, 0, True, None)])
    assert balance(alice) == 10_000
    assert LedgerEntry.select().where(LedgerEntry.kind == "charge").count() == 0
    assert RequestLog.select().count() == 0


def test_batch_is_one_transaction_and_counts_applied(alice):
    reserve(alice, "a", 1_000)
    reserve(alice, "b", 1_000)
    items = [Settlement("a", alice.id, 10, True, log(alice, "a", 10)),
             Settlement("gone", alice.id, 10, True, log(alice, "gone", 10)),
             Settlement("b", alice.id, 20, True, log(alice, "b", 20)),
             Settlement("unreserved", alice.id, 5, False, log(alice, "unreserved", 5))]
    assert billing.settle_many(items) == 3
    assert balance(alice) == 10_000 - 35
    assert sorted(r.request_id for r in RequestLog.select()) == ["a", "b", "unreserved"]
    assert billing.settle_many([]) == 0


def test_recover_expired_bills_the_checkpoint(alice, fake_clock):
    reserve(alice, "crashed", 5_000, lease=30)
    reserve(alice, "alive", 1_000, lease=30)
    billing.extend_leases(["crashed"], 30, delivered={"crashed": 700})
    fake_clock.advance(seconds=20)
    billing.extend_leases(["alive"], 60)
    fake_clock.advance(seconds=15)  # crashed lease lapsed 5 s ago; alive runs 45 s more
    assert billing.recover_expired() == 1
    assert balance(alice) == 10_000 - 700 - 1_000
    assert [r.request_id for r in Reservation.select()] == ["alive"]
    row = RequestLog.get(RequestLog.request_id == "crashed")
    assert (row.cost_micros, row.estimated, row.error_code, row.username) == (
        700, True, "relay_interrupted", "alice")
    # the process that owned it comes back: it must not bill a second time
    assert billing.settle_many([Settlement("crashed", alice.id, 900, True, None)]) == 0
    assert billing.recover_expired() == 0
    assert ledger.mismatched_users() == []


def test_recovery_never_bills_more_than_the_hold(alice, fake_clock):
    reserve(alice, "r", 2_000, lease=1)
    billing.extend_leases(["r"], 1, delivered={"r": 9_999})
    fake_clock.advance(seconds=2)
    assert billing.recover_expired() == 1
    assert balance(alice) == 8_000


def test_recover_with_nothing_delivered_returns_everything(alice, fake_clock):
    reserve(alice, "r", 2_000, lease=1)
    fake_clock.advance(seconds=2)
    assert billing.recover_expired(limit=10) == 1
    assert balance(alice) == 10_000
    assert LedgerEntry.select().where(LedgerEntry.kind == "charge").count() == 0


def test_lease_exactly_now_is_not_expired(alice, fake_clock):
    reserve(alice, "r", 2_000, lease=10)
    fake_clock.advance(seconds=10)
    with unchanged():
        assert billing.recover_expired() == 0
