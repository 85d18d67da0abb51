"""How holds are taken (relay/reserver.py): gathered into shared commits when many requests are
in flight, written at once when few are — never billed twice, never overdrawn."""

import asyncio
import sqlite3

import pytest

from app import accounts, apikeys, ledger, recharges
from app.billing import Hold, Settlement
from app.models import LedgerEntry, Reservation
from app.money import parse_amount
from app.quickwrite import QuickWriter
from relay.accounting import Accountant
from relay.dbexec import DatabaseExecutor
from relay.reserver import Reserver
from tests.helpers.waiting import until
from tests.relay.conftest import HoldWrite

MESSAGES = [{"role": "user", "content": "hi"}]


def _user() -> int:
    user = accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", parse_amount("10"))
    apikeys.create_key("alice")
    return user.id


@pytest.fixture
async def dbx(sqlite_db):  # type: ignore[no-untyped-def]
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()


@pytest.fixture
async def reserver(dbx):  # type: ignore[no-untyped-def]
    made: list[Reserver] = []

    def make(**gather: float) -> Reserver:
        r = Reserver(dbx, 60.0, **gather)  # type: ignore[arg-type]
        r.quick = QuickWriter.for_bound_database()
        made.append(r)
        return r
    yield make
    for r in made:
        if r.quick is not None:
            r.quick.close()


async def test_holds_from_many_requests_share_one_commit(reserver) -> None:
    user_id = _user()
    r = reserver(gather_from=2, gather_delay=60.0, gather_max=3)
    tasks = []
    for i in range(3):  # one loop iteration apart: without gathering, separate commits
        tasks.append(asyncio.ensure_future(
            r.reserve(Hold(user_id, None, f"req_{i}", "m", 100), in_flight=5)))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
    # The third filled the batch: written at once, not after the (long) gather delay.
    async with asyncio.timeout(10):
        await asyncio.gather(*tasks)
    assert r.quick_batches == 1
    assert Reservation.select().count() == 3
    assert accounts.get_user("alice").balance_micros == parse_amount("10") - 300
    assert ledger.mismatched_users() == []


async def test_a_gathered_batch_is_written_when_the_delay_ends(reserver) -> None:
    user_id = _user()
    r = reserver(gather_from=2, gather_delay=0.05, gather_max=64)
    first = asyncio.ensure_future(r.reserve(Hold(user_id, None, "req_a", "m", 100), in_flight=5))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(r.reserve(Hold(user_id, None, "req_b", "m", 100),
                                             in_flight=5))
    async with asyncio.timeout(10):
        await asyncio.gather(first, second)
    assert r.quick_batches == 1  # both rode the commit the timer started


async def test_few_requests_in_flight_do_not_wait(reserver) -> None:
    user_id = _user()
    r = reserver(gather_from=16, gather_delay=60.0)
    async with asyncio.timeout(10):  # a 60 s gather would time this out
        await r.reserve(Hold(user_id, None, "req_a", "m", 100), in_flight=3)
    assert r.quick_batches == 1


async def test_a_hold_written_for_a_request_that_left_is_given_back(
        reserver, dbx, sqlite_db, hold_writes: list[HoldWrite]) -> None:
    """The client hangs up while the database thread writes its hold (the write lock was
    taken, so the hold went the slow way): the hold is given back at once, not at lease end."""
    user_id = _user()
    r = reserver()
    accountant = Accountant(dbx)
    orphans: list[str] = []

    def give_back(hold: Hold) -> None:
        orphans.append(hold.request_id)
        accountant.submit(Settlement(hold.request_id, hold.user_id, 0, True, None))

    r.on_orphan = give_back
    await r.reserve(Hold(user_id, None, "req_first", "m", 100), in_flight=1)  # in place
    other = sqlite3.connect(str(sqlite_db.sqlite_path), isolation_level=None, timeout=10)
    try:
        other.execute("BEGIN IMMEDIATE")  # the GUI, mid-write
        task = asyncio.ensure_future(r.reserve(Hold(user_id, None, "req_gone", "m", 100),
                                               in_flight=2))
        # the database thread took the batch; it now waits for the lock
        await until(lambda: any("req_gone" in w.request_ids and not w.on_loop
                                for w in hold_writes), seconds=8)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        other.execute("ROLLBACK")
    finally:
        other.close()
    await until(lambda: orphans == ["req_gone"], seconds=10)
    await accountant.flush()
    assert [row.request_id for row in Reservation.select()] == ["req_first"]
    kinds = sorted(e.kind for e in LedgerEntry.select())
    assert kinds == ["hold", "hold", "recharge", "release"]
    assert accounts.get_user("alice").balance_micros == parse_amount("10") - 100
    assert ledger.mismatched_users() == []
