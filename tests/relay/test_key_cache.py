"""relay.auth.KeyCache: a change made in this process is seen by the very next lookup, even when
a lookup that read the row before the change comes back after it."""

import asyncio
import threading

import pytest

from app import accounts, apikeys, events
from relay.auth import KeyCache
from relay.dbexec import DatabaseExecutor


@pytest.fixture
async def dbx(sqlite_db):  # type: ignore[no-untyped-def]
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()


@pytest.mark.parametrize("change", ["revoke", "disable"])
async def test_a_lookup_that_straddles_a_change_is_not_cached(dbx, change) -> None:
    accounts.add_user("alice", "alice@example.com")
    key, plaintext = apikeys.create_key("alice")
    cache = KeyCache(dbx, ttl=60.0)  # long: only the change may end the cached entry
    announced = threading.Event()
    stop_listening = events.subscribe(events.KEYS, announced.set)  # after the cache's own
    gate = threading.Event()
    try:
        dbx.submit(lambda: gate.wait(10))  # hold the database thread ...
        in_flight = asyncio.ensure_future(cache.get(plaintext))
        await asyncio.sleep(0)  # ... so this lookup is queued before the change
        if change == "revoke":
            dbx.submit(lambda: apikeys.revoke_key(key.id))
        else:
            dbx.submit(lambda: accounts.set_status("alice", "disabled"))
        gate.set()
        # A busy event loop: the lookup's answer is only taken in after the change was
        # announced (as under load, when the loop runs late).
        assert announced.wait(10)
        await in_flight
        info = await cache.get(plaintext)
        assert info is not None
        assert (info.key_active, info.user_active) == (
            (False, True) if change == "revoke" else (True, False))
    finally:
        gate.set()
        stop_listening()
        cache.close()

