"""How holds are taken (relay/reserver.py): gathered into shared commits when many requests are
in flight, and overlapped with the provider's work when one request is alone — never with a
byte reaching the client before its hold is committed, never billed twice, never overdrawn."""

import asyncio
import sqlite3

import openai
import pytest

from app import accounts, apikeys, ledger, recharges
from app.billing import Hold, Settlement
from app.models import LedgerEntry, Reservation
from app.money import parse_amount
from app.quickwrite import QuickWriter
from relay.accounting import Accountant
from relay.dbexec import DatabaseExecutor
from relay.reserver import Reserver
from tests.relay.conftest import relay_options
from tests.relay.h1.servers import until
from tests.relay.test_quick_holds import quiet_database

MESSAGES = [{"role": "user", "content": "hi"}]


def _user() -> int:
    user = accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", parse_amount("10"))
    apikeys.create_key("alice")
    return user.id


@pytest.fixture
async def reserver(sqlite_db):  # type: ignore[no-untyped-def]
    dbx = DatabaseExecutor()
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
    dbx.shutdown()


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


async def test_overlap_needs_a_known_balance_with_room(reserver) -> None:
    user_id = _user()
    r = reserver()
    hold = Hold(user_id, None, "req_b", "m", parse_amount("4"))
    assert not r.may_overlap(hold, 1)  # nothing known about this user yet
    await r.reserve(Hold(user_id, None, "req_a", "m", parse_amount("1")), in_flight=1)
    assert r.may_overlap(hold, 1)  # 9 left covers twice 4
    assert not r.may_overlap(hold, 2)  # another request in flight
    assert not r.may_overlap(Hold(user_id, None, "req_c", "m", parse_amount("5")), 1)
    with pytest.raises(Exception):  # refused: the user is no longer worth a guess
        await r.reserve(Hold(user_id, None, "req_d", "m", parse_amount("50")), in_flight=1)
    assert not r.may_overlap(hold, 1)


async def _first_request(h) -> None:  # type: ignore[no-untyped-def]
    """One ordinary request: the relay learns the user's balance from its hold."""
    async with h.client() as client:
        await client.chat.completions.create(model="m1", messages=MESSAGES)
    await h.settle()


async def test_a_lone_request_is_sent_upstream_before_its_hold_and_billed_once(
        make_relay) -> None:
    h = await make_relay(("deepseek",), options=relay_options(lease_seconds=600.0))
    reserver = h.server.state.reserver
    await _first_request(h)
    assert reserver.overlapped == 0  # the balance was not known yet
    before = h.balance()
    async with h.client() as client:
        reply = await client.chat.completions.create(model="m1", messages=MESSAGES)
        stream = await client.chat.completions.create(model="m1", messages=MESSAGES,
                                                      stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert reply.choices[0].message.content == "Hello there!" and text == "Hello there!"
    assert reserver.overlapped == 2
    await h.settle()
    logs = h.logs()
    assert [log.status for log in logs] == [200, 200, 200]
    assert before - h.balance() == logs[1].cost_micros + logs[2].cost_micros > 0
    kinds = sorted(e.kind for e in LedgerEntry.select())  # settlements are batched: any order
    assert kinds == sorted(["recharge"] + ["hold", "release", "charge"] * 3)
    assert Reservation.select().count() == 0
    h.assert_ledger_consistent()


async def test_an_overlapped_hold_waits_for_the_lock_before_the_client_sees_a_byte(
        make_relay, sqlite_db) -> None:
    h = await make_relay(("deepseek",), options=relay_options(lease_seconds=600.0))
    state, up = h.server.state, h.upstreams["deepseek"]
    await _first_request(h)
    await quiet_database(state)
    other = sqlite3.connect(str(sqlite_db.sqlite_path), isolation_level=None, timeout=10)
    try:
        other.execute("BEGIN IMMEDIATE")  # the GUI or a CLI command, mid-write
        async with h.client() as client:
            task = asyncio.create_task(client.chat.completions.create(
                model="m1", messages=MESSAGES, stream=True))
            # The provider got the request and answered, but the hold is stuck behind the lock.
            await until(lambda: len(up.requests) == 2 and up.requests[1].completed, seconds=8)
            await asyncio.sleep(0.2)  # (more time for a wrongly sent byte to arrive)
            assert not task.done()
            assert state.reserver.overlapped == 1
            other.execute("ROLLBACK")
            async with asyncio.timeout(15):
                stream = await task
                text = "".join([c.choices[0].delta.content or ""
                                async for c in stream if c.choices])
        assert text == "Hello there!"
    finally:
        other.close()
    await h.settle()
    kinds = sorted(e.kind for e in LedgerEntry.select())
    assert kinds == sorted(["recharge"] + ["hold", "release", "charge"] * 2)
    h.assert_ledger_consistent()


async def test_an_overlapped_hold_refused_answers_402_and_charges_nothing(make_relay) -> None:
    h = await make_relay(("deepseek",), options=relay_options(lease_seconds=600.0))
    reserver = h.server.state.reserver
    await _first_request(h)
    # Another writer (an operator's refund, a second relay) takes the balance down to less than
    # the prompt alone may cost, after this relay last saw it: the relay still believes there
    # is room.
    ledger.adjust(h.user_id, -(h.balance() - 10), "refunded by the operator")
    async with h.client() as client:
        for _ in range(2):
            with pytest.raises(openai.APIStatusError) as info:
                await client.chat.completions.create(model="m1", messages=MESSAGES)
            assert info.value.status_code == 402
            assert info.value.body["code"] == "insufficient_balance"  # type: ignore[index]
    assert reserver.overlapped == 1  # the refusal taught it: the next one was not sent early
    await h.settle()
    assert h.balance() == 10
    assert [log.status for log in h.logs()] == [200, 402, 402]
    assert Reservation.select().count() == 0
    h.assert_ledger_consistent()


async def test_an_overlapped_hold_is_taken_once_across_failover(make_relay) -> None:
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 10, "openai": 0},
                         options=relay_options(lease_seconds=600.0))
    first = h.upstreams["deepseek"]
    await _first_request(h)
    first.scenario.fail_with = "server_error"
    async with h.client() as client:
        reply = await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert reply.choices[0].message.content == "Hello there!"
    assert h.server.state.reserver.overlapped == 1
    await h.settle()
    last = h.logs()[-1]
    assert last.provider == "openai-1" and last.failover_count == 1
    holds = LedgerEntry.select().where(LedgerEntry.kind == "hold").count()
    assert holds == 2  # one per request, the failed attempt included
    h.assert_ledger_consistent()


async def test_a_hold_written_for_a_request_that_left_is_given_back(reserver,
                                                                     sqlite_db) -> None:
    """The client hangs up while the database thread writes its hold (the write lock was
    taken, so the hold went the slow way): the hold is given back at once, not at lease end."""
    user_id = _user()
    r = reserver()
    accountant = Accountant(r._dbx)
    r.on_orphan = lambda hold: accountant.submit(
        Settlement(hold.request_id, hold.user_id, 0, True, None))
    await r.reserve(Hold(user_id, None, "req_first", "m", 100), in_flight=1)  # in place
    probe = Hold(user_id, None, "req_probe", "m", 1)
    assert r.may_overlap(probe, 1)  # the relay knows this user's balance...
    other = sqlite3.connect(str(sqlite_db.sqlite_path), isolation_level=None, timeout=10)
    try:
        other.execute("BEGIN IMMEDIATE")  # the GUI, mid-write
        task = asyncio.ensure_future(r.reserve(Hold(user_id, None, "req_gone", "m", 100),
                                               in_flight=2))
        await until(lambda: r._busy and not r._pending, seconds=8)  # the thread has it
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        other.execute("ROLLBACK")
    finally:
        other.close()
    await until(lambda: bool(accountant._queue), seconds=10)
    await accountant.flush()
    assert [row.request_id for row in Reservation.select()] == ["req_first"]
    kinds = sorted(e.kind for e in LedgerEntry.select())
    assert kinds == ["hold", "hold", "recharge", "release"]
    assert accounts.get_user("alice").balance_micros == parse_amount("10") - 100
    assert ledger.mismatched_users() == []
    assert not r.may_overlap(probe, 1)  # ...until a hold it did not see the result of
