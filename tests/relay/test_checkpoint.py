"""relay.checkpoint.Checkpointer: the write-ahead log is copied back by the relay's own
checkpoint thread, not left to whichever connection commits."""

import asyncio

from app import accounts, db
from relay.checkpoint import Checkpointer


def test_the_relay_connection_leaves_regular_checkpoints_to_the_relay(sqlite_db):
    pages = db.database.obj.pragma("wal_autocheckpoint")
    assert pages == 10_000


def test_checkpoint_copies_the_whole_log_back(sqlite_db):
    for i in range(20):
        accounts.add_user(f"user{i}", f"user{i}@example.com")
    log_frames, copied = db.checkpoint()
    assert log_frames > 0 and copied == log_frames


async def test_checkpointer_copies_back_what_the_relay_wrote(make_relay):
    relay = await make_relay()
    relays_own = checkpoint_tasks()  # the relay runs one of its own
    checkpointer = Checkpointer(interval=0.01)
    checkpointer.start()
    assert len(checkpoint_tasks() - relays_own) == 1
    try:
        async with relay.client() as client:
            await client.chat.completions.create(model="m1", messages=[
                {"role": "user", "content": "hi"}])
        await relay.settle()
        async with asyncio.timeout(10):  # a later tick sees a log with frames, all copied
            while not (checkpointer.last and checkpointer.last[0] > 0
                       and checkpointer.last[0] == checkpointer.last[1]):
                await asyncio.sleep(0.01)
    finally:
        await checkpointer.stop()
    assert checkpoint_tasks() == relays_own  # stopped: its task is over


def checkpoint_tasks() -> set[asyncio.Task[object]]:
    return {t for t in asyncio.all_tasks() if t.get_name() == "relaydesk-checkpoint"}
