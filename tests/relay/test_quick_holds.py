"""Holds committed on the event loop (app/quickwrite.py) when SQLite's write lock is free, and
through the database thread, waiting its turn, when another connection is writing."""

import asyncio
import sqlite3

from app.models import LedgerEntry, Reservation
from tests.helpers.waiting import until
from tests.relay.conftest import HoldWrite, relay_options

MESSAGES = [{"role": "user", "content": "hi"}]


async def quiet_database(state) -> None:  # type: ignore[no-untyped-def]
    """Wait until the relay's start-up purge (a write on the one database thread) is done:
    a write queued ahead of the hold would wait for the test's lock and keep the hold queued."""
    retention = next(t for t in asyncio.all_tasks() if t.get_name() == "relaydesk-retention")
    await until(lambda: getattr(retention.get_coro().cr_await, "__qualname__", "") == "sleep")
    await state.dbx.run(int)  # and whatever else was queued before now


async def test_holds_are_written_in_place(make_relay) -> None:
    h = await make_relay(("deepseek",), options=relay_options(lease_seconds=600.0))
    await quiet_database(h.server.state)  # no other writer: every hold can be written in place
    reserver = h.server.state.reserver
    assert reserver.quick is not None
    before = reserver.quick_batches
    async with h.client() as client:
        for _ in range(2):
            reply = await client.chat.completions.create(model="m1", messages=MESSAGES)
            assert reply.choices[0].message.content == "Hello there!"
            await h.settle()  # the settlement (a write on the DB thread) is done before the next
    assert reserver.quick_batches == before + 2
    assert [e.kind for e in LedgerEntry.select().order_by(LedgerEntry.id)] == [
        "recharge", "hold", "release", "charge", "hold", "release", "charge"]
    h.assert_ledger_consistent()


async def test_hold_waits_for_another_writer_then_is_billed_once(
        make_relay, sqlite_db, hold_writes: list[HoldWrite]) -> None:
    # a long lease: its renewal loop (a write) does not come round while the lock is held
    h = await make_relay(("deepseek",), options=relay_options(lease_seconds=600.0))
    state = h.server.state
    await quiet_database(state)
    reserver, up = state.reserver, h.upstreams["deepseek"]
    before_balance, before_quick = h.balance(), reserver.quick_batches
    other = sqlite3.connect(str(sqlite_db.sqlite_path), isolation_level=None, timeout=10)
    try:
        other.execute("BEGIN IMMEDIATE")  # a settlement batch or the GUI, mid-write
        async with h.client() as client:
            task = asyncio.create_task(
                client.chat.completions.create(model="m1", messages=MESSAGES))
            # The in-place attempt met the lock and handed the batch to the database thread,
            # which took it and now waits on busy_timeout.
            await until(lambda: any(not w.on_loop for w in hold_writes), seconds=8)
            assert not task.done() and up.requests == []  # nothing forwarded before the hold
            assert reserver.quick_batches == before_quick
            other.execute("ROLLBACK")
            async with asyncio.timeout(15):
                reply = await task
        assert reply.choices[0].message.content == "Hello there!"
    finally:
        other.close()
    assert reserver.quick_batches == before_quick  # this one went the slow way
    assert len(up.requests) == 1
    await h.settle()
    (log,) = h.logs()
    assert log.status == 200 and log.cost_micros > 0
    assert before_balance - h.balance() == log.cost_micros
    kinds = [e.kind for e in LedgerEntry.select().order_by(LedgerEntry.id)]
    assert kinds == ["recharge", "hold", "release", "charge"]
    assert Reservation.select().count() == 0
    h.assert_ledger_consistent()
    # the lock is free again: the next hold is written in place
    async with h.client() as client:
        await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert reserver.quick_batches == before_quick + 1
