"""relay.accounting.Accountant: one settlement the database refuses must not stall billing for
everyone queued with it; a database that is down keeps the whole queue for later."""

import logging

import pytest

from app import accounts, billing, recharges
from app.billing import Settlement
from app.models import RequestLog, Reservation
from app.money import parse_amount
from relay.accounting import Accountant
from relay.dbexec import DatabaseExecutor


@pytest.fixture
async def accountant(sqlite_db):
    dbx = DatabaseExecutor()
    keeper = Accountant(dbx, flush_interval=3600)  # flushed by hand in these tests
    yield keeper
    dbx.shutdown()


def held(user_id: int, request_id: str, amount: int = 1_000) -> Settlement:
    billing.reserve(user_id=user_id, key_id=None, request_id=request_id, model="m1",
                    amount_micros=amount, lease_seconds=60)
    return Settlement(request_id, user_id, 400, True, {"request_id": request_id,
                                                       "user": user_id, "model": "m1"})


async def test_a_bad_item_is_dropped_and_the_rest_of_its_batch_settles(accountant, caplog):
    user = accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", parse_amount("1"))
    good = [held(user.id, f"req_good{i}") for i in range(3)]
    bad = held(user.id, "req_bad")
    poisoned = Settlement(bad.request_id, bad.user_id, bad.cost_micros, True,
                          {**bad.log, "model": object()})  # no database can store this
    for item in (good[0], poisoned, *good[1:]):
        accountant.active[item.request_id] = lambda: 0
        accountant.submit(item)
    with caplog.at_level(logging.ERROR, logger="relay.accounting"):
        await accountant.flush()
    assert sorted(r.request_id for r in RequestLog.select()) == [
        "req_good0", "req_good1", "req_good2"]
    assert [r.request_id for r in Reservation.select()] == ["req_bad"]  # left for recovery
    assert accountant.active == {}  # not renewed: its lease lapses and recovery bills it
    assert accountant.settled_count == 3
    assert "req_bad" in caplog.text
    await accountant.flush()  # nothing is retried
    assert RequestLog.select().count() == 3
    assert accounts.get_user("alice").balance_micros == 1_000_000 - 3 * 400 - 1_000


async def test_a_database_that_is_down_keeps_the_whole_queue(accountant, monkeypatch):
    user = accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", parse_amount("1"))
    items = [held(user.id, f"req_{i}") for i in range(3)]
    for item in items:
        accountant.submit(item)

    def down(*args, **kwargs):
        raise OSError("disk unplugged")

    monkeypatch.setattr(billing, "settle_many", down)
    monkeypatch.setattr("app.db.ping", down)
    with pytest.raises(OSError):
        await accountant.flush()
    monkeypatch.undo()
    await accountant.flush()
    assert RequestLog.select().count() == 3 and Reservation.select().count() == 0


async def test_a_locked_database_drops_nothing_even_though_it_answers_reads(accountant,
                                                                              monkeypatch):
    """SQLite in WAL mode answers a ping while another connection holds the write lock: a
    'database is locked' batch must be retried whole, not settled item by item and dropped."""
    import peewee

    user = accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", parse_amount("1"))
    items = [held(user.id, f"req_{i}") for i in range(3)]
    for item in items:
        accountant.active[item.request_id] = lambda: 0
        accountant.submit(item)
    real = billing.settle_many

    def locked(*args, **kwargs):
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(billing, "settle_many", locked)
    with pytest.raises(peewee.OperationalError):
        await accountant.flush()
    assert set(accountant.active) == {"req_0", "req_1", "req_2"}  # still renewed
    monkeypatch.setattr(billing, "settle_many", real)
    await accountant.flush()
    assert RequestLog.select().count() == 3 and Reservation.select().count() == 0
