"""Writing on the loop must never lose money: a settlement flush cancelled between its chunks
keeps what it did not write, and a request cancelled before its hold was written takes none."""

import asyncio

from app import accounts, apikeys, ledger, recharges
from app.billing import Hold, Settlement
from app.models import RequestLog, Reservation
from app.money import parse_amount
from app.quickwrite import QuickWriter
from relay.accounting import QUICK_CHUNK, Accountant
from relay.dbexec import DatabaseExecutor
from relay.reserver import Reserver


def _user() -> int:
    user = accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", parse_amount("10"))
    apikeys.create_key("alice")
    return user.id


async def test_a_flush_cancelled_between_chunks_keeps_the_rest_queued(sqlite_db) -> None:
    user_id = _user()
    dbx = DatabaseExecutor()
    quick = QuickWriter.for_bound_database()
    assert quick is not None
    accountant = Accountant(dbx)
    accountant.quick = quick
    try:
        items = [Settlement(f"req_{i:04d}", user_id, 0, False,
                            {"request_id": f"req_{i:04d}", "user": user_id, "model": "m"})
                 for i in range(3 * QUICK_CHUNK)]
        for item in items:
            accountant.submit(item)
        flush = asyncio.ensure_future(accountant.flush())
        await asyncio.sleep(0)  # the flush starts and writes its first chunk in place
        await asyncio.sleep(0)
        flush.cancel()
        await asyncio.gather(flush, return_exceptions=True)
        written = accountant.settled_count
        assert 0 < written < len(items)
        assert accountant.queued == len(items) - written  # nothing dropped
        await accountant.flush()
        assert accountant.settled_count == len(items)
        assert ledger.mismatched_users() == []
        assert RequestLog.select().count() == len(items)  # every one settled, once
    finally:
        quick.close()
        dbx.shutdown()


async def test_a_request_cancelled_before_its_hold_is_written_takes_none(sqlite_db) -> None:
    user_id = _user()
    dbx = DatabaseExecutor()
    reserver = Reserver(dbx, 60.0)
    reserver.quick = QuickWriter.for_bound_database()
    try:
        kept = asyncio.ensure_future(
            reserver.reserve(Hold(user_id, None, "req_kept", "m", 100), in_flight=2))
        gone = asyncio.ensure_future(
            reserver.reserve(Hold(user_id, None, "req_gone", "m", 100), in_flight=2))
        await asyncio.sleep(0)  # both queued for the same in-place batch
        gone.cancel()  # the client hung up before the batch ran
        await kept
        assert gone.cancelled()
        assert [r.request_id for r in Reservation.select()] == ["req_kept"]
        assert accounts.get_user("alice").balance_micros == parse_amount("10") - 100
    finally:
        reserver.quick.close()
        dbx.shutdown()
