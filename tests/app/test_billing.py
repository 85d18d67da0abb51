"""app.billing: reserve before forwarding, settle exactly once, recover what a crash left held."""

from datetime import UTC, datetime, timedelta

import pytest

from app import accounts, audit, billing, ledger
from app.billing import Settlement
from app.clock import set_clock
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


def lapse(*request_ids):
    """Their leases end, as the lease clock (the database's, on PostgreSQL) sees it: a renewal
    that ended a second ago."""
    billing.extend_leases(list(request_ids), -1)


def assert_lease(row, seconds, before, after):
    """``row``'s lease runs ``seconds`` from when it was taken, between ``before`` and
    ``after`` on the lease clock (both the fake clock's now on SQLite)."""
    assert before + timedelta(seconds=seconds) <= row.lease_until
    assert row.lease_until <= after + timedelta(seconds=seconds)


def test_reserve_holds_money_with_a_lease(alice, fake_clock):
    before = billing.lease_now()
    reserve(alice, "r1", 4_000, lease=30)
    assert_lease(Reservation.get(Reservation.request_id == "r1"), 30, before, billing.lease_now())
    assert balance(alice) == 6_000
    assert billing.held_total(alice.id) == 4_000
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


def test_overrun_is_charged_up_to_the_hold_and_the_rest_written_off(alice):
    reserve(alice, "r1", 10_000)
    entry = log(alice, "r1", 12_500)
    entry["provider"] = "deepseek-1"
    billing.settle_many([Settlement("r1", alice.id, 12_500, True, entry)])
    assert balance(alice) == 0
    row = RequestLog.get(RequestLog.request_id == "r1")
    assert (row.overrun, row.cost_micros, row.written_off_micros) == (True, 10_000, 2_500)
    (event,) = audit.recent(action="billing.write_off")
    assert event.actor == "relay" and event.target == "deepseek-1"
    assert event.detail == {"request_id": "r1", "user_id": alice.id, "provider": "deepseek-1",
                            "model": "m", "held_micros": 10_000, "reported_cost_micros": 12_500,
                            "written_off_micros": 2_500}
    assert ledger.mismatched_users() == []


def test_split_cost_never_charges_beyond_the_hold():
    assert billing.split_cost(100, 40) == (40, 0)
    assert billing.split_cost(100, 100) == (100, 0)
    assert billing.split_cost(100, 250) == (100, 150)
    assert billing.split_cost(0, 7) == (0, 7)  # nothing held: nothing charged


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
    assert balance(alice) == 10_000 - 30  # the unreserved one held nothing: written off
    assert sorted(r.request_id for r in RequestLog.select()) == ["a", "b", "unreserved"]
    assert billing.settle_many([]) == 0


def test_reserve_many_takes_holds_in_order_per_user(alice):
    bob = accounts.add_user("bob", "bob@example.com")
    ledger.post(bob.id, Kind.RECHARGE, 1_000)
    holds = [billing.Hold(alice.id, None, "a1", "m", 6_000),
             billing.Hold(bob.id, None, "b1", "m", 400),
             billing.Hold(alice.id, None, "a2", "m", 5_000),  # does not fit after a1
             billing.Hold(bob.id, None, "b2", "m", 600),
             billing.Hold(alice.id, None, "a3", "m", 4_000),
             billing.Hold(10_000, None, "nobody", "m", 1)]
    results = billing.reserve_many(holds, 60)
    assert [type(r).__name__ if r else None for r in results] == [
        None, None, "InsufficientBalance", None, None, "NotFound"]
    assert (balance(alice), balance(bob)) == (0, 0)
    assert sorted(r.request_id for r in Reservation.select()) == ["a1", "a3", "b1", "b2"]
    holds_written = [(e.ref, e.balance_after_micros) for e in
                     LedgerEntry.select().where(LedgerEntry.kind == "hold")
                     .order_by(LedgerEntry.id)]
    assert holds_written == [("a1", 4_000), ("b1", 600), ("b2", 0), ("a3", 0)]
    assert ledger.mismatched_users() == []


def test_settle_many_chains_balances_across_users(alice):
    bob = accounts.add_user("bob", "bob@example.com")
    ledger.post(bob.id, Kind.RECHARGE, 1_000)
    reserve(alice, "a", 3_000)
    reserve(bob, "b", 1_000)
    items = [Settlement("a", alice.id, 100, True, log(alice, "a", 100)),
             Settlement("b", bob.id, 1_500, True, log(bob, "b", 1_500)),
             Settlement("a", alice.id, 100, True, log(alice, "a", 100))]  # a repeat: skipped
    assert billing.settle_many(items) == 2
    assert (balance(alice), balance(bob)) == (9_900, 0)
    running: dict[int, int] = {}
    for entry in LedgerEntry.select().order_by(LedgerEntry.id):
        running[entry.user_id] = running.get(entry.user_id, 0) + entry.amount_micros
        assert entry.balance_after_micros == running[entry.user_id]
    assert RequestLog.get(RequestLog.request_id == "b").overrun is True
    assert RequestLog.select().count() == 2


def test_recover_expired_bills_the_checkpoint(alice, fake_clock):
    reserve(alice, "crashed", 5_000, lease=30)
    reserve(alice, "alive", 1_000, lease=30)
    billing.extend_leases(["crashed"], 30, delivered={"crashed": 700})
    lapse("crashed")
    billing.extend_leases(["alive"], 60)
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
    billing.extend_leases(["r"], -1, delivered={"r": 9_999})
    assert billing.recover_expired() == 1
    assert balance(alice) == 8_000


def test_recover_with_nothing_delivered_returns_everything(alice, fake_clock):
    reserve(alice, "r", 2_000, lease=1)
    lapse("r")
    assert billing.recover_expired(limit=10) == 1
    assert balance(alice) == 10_000
    assert LedgerEntry.select().where(LedgerEntry.kind == "charge").count() == 0


def test_lease_exactly_now_is_not_expired(sqlite_db, fake_clock):
    """(SQLite: the lease clock is this machine's, which the test moves.)"""
    alice = accounts.add_user("alice", "alice@example.com")
    ledger.post(alice.id, Kind.RECHARGE, 10_000)
    reserve(alice, "r", 2_000, lease=10)
    fake_clock.advance(seconds=10)
    with unchanged():
        assert billing.recover_expired() == 0


def test_odd_sized_batches_write_every_row_once(alice):
    """Rows go out in power-of-two INSERTs and padded DELETEs on SQLite: 37 holds, 37
    settlements (one of them repeated) must still be 37 of everything."""
    holds = [billing.Hold(alice.id, None, f"r{i}", "m", 100) for i in range(37)]
    assert billing.reserve_many(holds, 60) == [None] * 37
    assert Reservation.select().count() == 37
    items = [Settlement(f"r{i}", alice.id, 10, True, log(alice, f"r{i}", 10)) for i in range(37)]
    assert billing.settle_many(items + items[:1]) == 37
    assert Reservation.select().count() == 0
    assert RequestLog.select().count() == 37
    assert balance(alice) == 10_000 - 370
    assert ledger.mismatched_users() == []


@pytest.mark.parametrize("count", [0, 1, 2, 3, billing.ROWS_PER_INSERT - 1,
                                   billing.ROWS_PER_INSERT, billing.ROWS_PER_INSERT + 1, 1000])
def test_batches_of_any_size_write_every_row_once(alice, count):
    """Batches go out in several multi-row statements: whatever the size, every hold and every
    settlement is written exactly once."""
    holds = [billing.Hold(alice.id, None, f"r{i}", "m", 1) for i in range(count)]
    assert billing.reserve_many(holds, 60) == [None] * count
    assert sorted(r.request_id for r in Reservation.select()) == sorted(f"r{i}"
                                                                        for i in range(count))
    assert LedgerEntry.select().where(LedgerEntry.kind == "hold").count() == count
    items = [Settlement(f"r{i}", alice.id, 1, True, log(alice, f"r{i}", 1)) for i in range(count)]
    assert billing.settle_many(items) == count
    assert Reservation.select().count() == 0
    assert sorted(r.request_id for r in RequestLog.select()) == sorted(f"r{i}"
                                                                       for i in range(count))
    assert balance(alice) == 10_000 - count
    assert ledger.mismatched_users() == []


@pytest.mark.parametrize("micros", [0, 123_456])
def test_batch_times_read_back_exactly(alice, fake_clock, micros):
    """Holds and settlements format their time once per batch (app.sql.timestamp); what
    peewee reads back, and compares against, is the same instant either way."""
    fake_clock.current = fake_clock.current.replace(microsecond=micros)
    start = fake_clock.current
    before = billing.lease_now()
    reserve(alice, "r1", 4_000, lease=30)
    row = Reservation.get(Reservation.request_id == "r1")
    assert row.created_at == start
    assert_lease(row, 30, before, billing.lease_now())
    assert Reservation.select().where(Reservation.lease_until < before).count() == 0
    fake_clock.advance(seconds=1)
    billing.settle_many([Settlement("r1", alice.id, 1_500, True, log(alice, "r1", 1_500))])
    times = {e.kind: e.created_at for e in LedgerEntry.select()}
    assert times["hold"] == start
    assert times["release"] == times["charge"] == start + timedelta(seconds=1)
    assert LedgerEntry.select().where(LedgerEntry.created_at > start).count() == 2


def test_settle_each_says_which_were_applied(alice):
    """The relay's settle-before-answering (relay/settler.py) learns which requests recovery
    billed already: those are refused, the rest applied in the same transaction."""
    reserve(alice, "live", 1_000)
    reserve(alice, "settled", 1_000)
    billing.settle_many([Settlement("settled", alice.id, 10, True, log(alice, "settled", 10))])
    results = billing.settle_each([
        Settlement("settled", alice.id, 10, True, log(alice, "settled", 10)),
        Settlement("live", alice.id, 20, True, log(alice, "live", 20)),
        Settlement("never", alice.id, 30, True, log(alice, "never", 30))])
    assert [type(r).__name__ if r else None for r in results] == ["NotFound", None, "NotFound"]
    assert balance(alice) == 10_000 - 30
    assert sorted(r.request_id for r in RequestLog.select()) == ["live", "settled"]
    assert ledger.mismatched_users() == []


def test_recovery_bills_the_checkpoint_logged_as_interrupted(alice):
    reserve(alice, "cut", 5_000)
    billing.extend_leases(["cut"], 60, delivered={"cut": 300})
    lapse("cut")
    assert billing.recover_expired() == 1
    assert balance(alice) == 10_000 - 300
    cut = RequestLog.get(RequestLog.request_id == "cut")
    assert (cut.status, cut.error_code, cut.estimated, cut.cost_micros) == (
        500, "relay_interrupted", True, 300)
    assert billing.settle_many([Settlement("cut", alice.id, 1_234, True,
                                           log(alice, "cut", 1_234))]) == 0  # never twice
    assert billing.recover_expired() == 0
    assert ledger.mismatched_users() == []


@pytest.mark.parametrize("any_db", ["postgres"], indirect=True)
def test_on_postgres_a_relay_with_a_wrong_clock_recovers_no_live_lease(alice, fake_clock):
    """Leases run on the database's clock: one relay's clock months behind (the fake clock's
    date) takes a 60 s lease; neither a relay with the right clock nor one hours ahead may
    take it for expired."""
    reserve(alice, "live", 1_000, lease=60)
    billing.extend_leases(["live"], 60)
    fake_clock.current = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=5)
    assert billing.recover_expired() == 0
    set_clock(None)
    assert billing.recover_expired() == 0
    assert [r.request_id for r in Reservation.select()] == ["live"]
