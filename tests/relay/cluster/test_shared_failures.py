"""relay.cluster.shared_failures with relay.guard: failed authentications on three guards (three
relay instances) counted in one real Redis add up to one ban in the database; with Redis
stopped, each guard counts on its own again."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from app import settings
from app.models import IpBan
from relay.cluster.redis_link import RedisLink
from relay.cluster.shared_failures import SharedFailures
from relay.dbexec import DatabaseExecutor
from relay.guard import Guard
from tests.helpers.redis_server import RedisServer

OTHER = "127.0.0.2"  # loopback, yet "another host": the machine itself is never banned


@asynccontextmanager
async def guards(url: str, n: int = 3, *, threshold: int = 3, window: int = 60
                 ) -> AsyncIterator[list[Guard]]:
    """``n`` guards, each with its own Redis link and database executor, like ``n`` relays."""
    settings.set("ban_threshold", threshold)
    settings.set("ban_window_seconds", window)
    settings.set("ban_minutes", 15)
    made: list[tuple[Guard, DatabaseExecutor, RedisLink]] = []
    for _ in range(n):
        dbx, link = DatabaseExecutor(), RedisLink(url, retry_after=60.0)
        guard = Guard(dbx)
        guard.counter = SharedFailures(link)
        await guard.refresh()
        made.append((guard, dbx, link))
    try:
        yield [guard for guard, _, _ in made]
    finally:
        for guard, dbx, link in made:
            guard.close()
            await link.close()
            dbx.shutdown()


async def test_failures_on_three_instances_add_up_to_one_ban(sqlite_db, redis_url: str
                                                             ) -> None:
    async with guards(redis_url) as (a, b, c):
        assert await a.failure(OTHER, "invalid_api_key") is False
        assert await b.failure(OTHER, "invalid_api_key") is False
        assert IpBan.select().count() == 0
        assert await c.failure(OTHER, "invalid_api_key") is True  # 3 in all: banned
        (row,) = IpBan.select()
        assert (row.ip, row.reason, row.failures) == (OTHER, "invalid_api_key", 3)
        for guard in (a, b, c):  # every instance refuses it (through the database's ban)
            await guard.refresh()
            assert await guard.ban_remaining(OTHER) is not None


async def test_only_the_crossing_failure_bans_and_the_count_restarts(sqlite_db, redis_url: str
                                                                     ) -> None:
    async with guards(redis_url, threshold=4) as lims:
        results = [await lims[i % 3].failure("127.0.0.3", "admin_auth") for i in range(8)]
        # the 4th crosses and resets the count: the 8th is the next crossing
        assert results == [False, False, False, True, False, False, False, True]
        assert [r.failures for r in IpBan.select()] == [4]  # the running ban is kept
        others = [await lims[i % 3].failure("127.0.0.4", "admin_auth") for i in range(3)]
        assert others == [False, False, False]  # subjects are counted apart


async def test_ipv6_64_is_one_subject_across_instances(sqlite_db, redis_url: str) -> None:
    async with guards(redis_url, threshold=3) as (a, b, c):
        assert await a.failure("2001:db8:1:2::1", "invalid_api_key") is False
        assert await b.failure("2001:db8:1:2::ffff", "invalid_api_key") is False
        assert await c.failure("2001:db8:1:3::1", "invalid_api_key") is False  # another /64
        assert await c.failure("2001:db8:1:2:aaaa::9", "invalid_api_key") is True


async def test_loopback_and_disabled_bans_never_reach_redis(sqlite_db, redis_url: str) -> None:
    async with guards(redis_url, threshold=1) as (a, _, _):
        assert await a.failure("127.0.0.1", "invalid_api_key") is False  # the machine itself
        keys = await a.counter.link.client.keys("*")  # type: ignore[union-attr]
        assert keys == []
    async with guards(redis_url, threshold=0) as (a, _, _):
        assert await a.failure(OTHER, "invalid_api_key") is False
        assert IpBan.select().count() == 0


async def test_redis_down_each_instance_counts_on_its_own(
        sqlite_db, own_redis: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "relay.cluster.redis_link")
    async with guards(own_redis.url, threshold=3) as (a, b, c):
        assert await a.failure(OTHER, "invalid_api_key") is False  # 1 counted in Redis
        own_redis.stop()
        # Each guard now counts locally: a has 1 (the local count started with Redis down).
        assert [await g.failure(OTHER, "invalid_api_key") for g in (a, b, c)] == [False] * 3
        assert [await g.failure(OTHER, "invalid_api_key") for g in (a, b)] == [False, False]
        assert await a.failure(OTHER, "invalid_api_key") is True  # a's own third
        (row,) = IpBan.select()
        assert row.failures == 3
        assert any("Redis unreachable" in r.getMessage() for r in caplog.records)
