"""app.ledger: every balance change is an entry; the balance is their sum; debits never overdraw."""

import threading

import pytest

from app import accounts, ledger
from app.db import database
from app.errors import InsufficientBalance, NotFound, ValidationError
from app.ledger import Kind
from app.models import LedgerEntry, User
from tests.app.support import unchanged


@pytest.fixture
def alice(any_db):
    return accounts.add_user("alice", "alice@example.com")


def balance(user):
    return User.get_by_id(user.id).balance_micros


def test_post_updates_balance_and_records_entry(alice):
    entry = ledger.post(alice.id, Kind.RECHARGE, 5_000_000, ref="RD1", actor="admin",
                        reason="cash")
    assert balance(alice) == 5_000_000
    stored = LedgerEntry.get_by_id(entry.id)
    assert (stored.kind, stored.amount_micros, stored.balance_after_micros) == (
        "recharge", 5_000_000, 5_000_000)
    assert (stored.ref, stored.actor, stored.reason) == ("RD1", "admin", "cash")
    ledger.post(alice.id, Kind.HOLD, -2_000_000)
    assert balance(alice) == 3_000_000
    assert ledger.ledger_sum(alice.id) == 3_000_000
    assert [e.balance_after_micros for e in ledger.entries(alice.id)] == [3_000_000, 5_000_000]


def test_debit_to_exactly_zero_is_allowed(alice):
    ledger.post(alice.id, Kind.RECHARGE, 1_000)
    ledger.post(alice.id, Kind.HOLD, -1_000)
    assert balance(alice) == 0


def test_overdraw_is_refused_and_changes_nothing(alice):
    ledger.post(alice.id, Kind.RECHARGE, 1_000)
    with unchanged(), pytest.raises(InsufficientBalance, match=r"0\.001"):
        ledger.post(alice.id, Kind.HOLD, -1_001)
    assert balance(alice) == 1_000


def test_an_overdraw_says_what_the_balance_was_and_what_was_asked(alice):
    with pytest.raises(InsufficientBalance) as caught:
        ledger.adjust(alice.id, -2, "correction")
    assert caught.value.message == "the balance (0.00) cannot cover this charge of 0.000002"
    assert caught.value.balance_micros == 0


def test_allow_negative_bills_in_full(alice):
    ledger.post(alice.id, Kind.RECHARGE, 1_000)
    entry = ledger.post(alice.id, Kind.CHARGE, -1_500, allow_negative=True)
    assert entry.balance_after_micros == -500
    assert balance(alice) == -500
    assert ledger.mismatched_users() == []
    # a negative balance cannot be debited further without allow_negative
    with unchanged(), pytest.raises(InsufficientBalance):
        ledger.post(alice.id, Kind.HOLD, -1)


@pytest.mark.parametrize("amount", [1.5, 1.0, True, "100", None])
def test_amount_must_be_an_int(alice, amount):
    with unchanged(), pytest.raises(ValidationError, match="whole number of micro-units"):
        ledger.post(alice.id, Kind.RECHARGE, amount)


def test_unknown_user_is_not_found(any_db):
    with unchanged(), pytest.raises(NotFound):
        ledger.post(987_654, Kind.RECHARGE, 10)
    with unchanged(), pytest.raises(NotFound):
        ledger.post(987_654, Kind.HOLD, -10)


def test_adjust_needs_a_reason(alice):
    for reason in ("", "   ", None):
        with unchanged(), pytest.raises(ValidationError, match=r"^Reason is required"):
            ledger.adjust(alice.id, 1_000, reason)
    with unchanged(), pytest.raises(ValidationError, match="zero"):
        ledger.adjust(alice.id, 0, "typo")


def test_adjust_both_directions(alice):
    ledger.adjust(alice.id, 3_000_000, "  goodwill credit  ")
    entry = ledger.adjust(alice.id, -1_000_000, "double charge", actor="bob")
    assert (entry.kind, entry.reason, entry.actor) == ("adjustment", "double charge", "bob")
    assert balance(alice) == 2_000_000
    assert ledger.entries(alice.id)[-1].reason == "goodwill credit"
    with unchanged(), pytest.raises(InsufficientBalance):
        ledger.adjust(alice.id, -2_000_001, "too much")


def test_entries_newest_first_with_paging(alice):
    for amount in range(1, 6):
        ledger.post(alice.id, Kind.RECHARGE, amount)
    assert [e.amount_micros for e in ledger.entries(alice.id)] == [5, 4, 3, 2, 1]
    assert [e.amount_micros for e in ledger.entries(alice.id, limit=2, offset=1)] == [4, 3]
    assert len(ledger.entries(alice.id, limit=None)) == 5


def test_entries_and_sum_are_per_user(alice):
    bob = accounts.add_user("bob", "bob@example.com")
    ledger.post(alice.id, Kind.RECHARGE, 100)
    ledger.post(bob.id, Kind.RECHARGE, 7)
    assert ledger.ledger_sum(alice.id) == 100
    assert ledger.ledger_sum(bob.id) == 7
    assert [e.amount_micros for e in ledger.entries(bob.id)] == [7]


def test_mismatched_users_detects_a_tampered_balance(alice):
    bob = accounts.add_user("bob", "bob@example.com")
    ledger.post(alice.id, Kind.RECHARGE, 100)
    assert ledger.mismatched_users() == []
    User.update(balance_micros=User.balance_micros + 1).where(User.id == alice.id).execute()
    User.update(balance_micros=5).where(User.id == bob.id).execute()  # bob has no entries
    assert sorted(ledger.mismatched_users()) == [("alice", 101, 100), ("bob", 5, 0)]


def _debit_concurrently(user_id: int, threads: int, amount: int) -> list[object]:
    """``threads`` threads, each on its own connection, try one ``amount`` hold at once."""
    barrier = threading.Barrier(threads)
    results: list[object] = []
    lock = threading.Lock()

    def worker() -> None:
        database.connect(reuse_if_open=True)
        try:
            barrier.wait(timeout=30)
            try:
                ledger.post(user_id, Kind.HOLD, -amount, ref=threading.current_thread().name)
                outcome: object = True
            except InsufficientBalance:
                outcome = False
            except Exception as exc:  # noqa: BLE001 - anything else (deadlock, busy...) fails
                outcome = exc
        finally:
            database.close()
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=worker, name=f"w{i}") for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in workers)
    return results


@pytest.mark.parametrize(("funds", "amount", "threads"), [
    (5_500_000, 1_000_000, 16),  # covers 5 of 16
    (3_000_000, 1_000_000, 12),  # covers exactly 3
    (999_999, 1_000_000, 8),  # covers none
])
def test_concurrent_holds_never_overdraw(any_db, funds, amount, threads):
    user = accounts.add_user("carol", "carol@example.com")
    ledger.post(user.id, Kind.RECHARGE, funds)
    database.close()  # the main thread holds no connection while the workers race
    results = _debit_concurrently(user.id, threads, amount)
    assert [r for r in results if not isinstance(r, bool)] == []
    successes = results.count(True)
    assert successes == funds // amount
    final = User.get_by_id(user.id).balance_micros
    assert final == funds - successes * amount
    assert final >= 0
    assert ledger.mismatched_users() == []
    holds = LedgerEntry.select().where(LedgerEntry.kind == "hold")
    assert holds.count() == successes
    # every hold saw a non-negative balance after itself, and they chain correctly
    afters = sorted((e.balance_after_micros for e in holds), reverse=True)
    assert afters == [funds - (i + 1) * amount for i in range(successes)]
