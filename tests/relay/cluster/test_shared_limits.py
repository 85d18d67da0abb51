"""relay.cluster.shared_limits: three limiters, each with its own Redis connection as three relay
instances would have, counting one key's RPM, TPM and concurrency in one real Redis — and
falling back to per-instance limits while that Redis is stopped."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest

from relay.cluster.redis_link import RedisLink
from relay.cluster.shared_limits import SharedRateLimiter
from relay.errors import RelayError
from relay.limits import Limits, Ticket
from tests.helpers.redis_server import RedisServer
from tests.helpers.waiting import until
from tests.relay.test_limits import key


@asynccontextmanager
async def instances(url: str, n: int = 3, *, retry_after: float = 3.0,
                    **limiter_args: float) -> AsyncIterator[list[SharedRateLimiter]]:
    """``n`` limiters with their own links, like ``n`` relay processes."""
    links = [RedisLink(url, retry_after=retry_after) for _ in range(n)]
    limiters = [SharedRateLimiter(None, link, **limiter_args) for link in links]
    try:
        yield limiters
    finally:
        for limiter in limiters:
            limiter.close()
        for link in links:
            await link.close()


def with_defaults(limiters: list[SharedRateLimiter], **defaults: int) -> None:
    for limiter in limiters:
        limiter.set_defaults(Limits(**defaults))


async def refused(limiter: SharedRateLimiter, tokens: int = 10, key_id: int = 1) -> RelayError:
    with pytest.raises(RelayError) as info:
        await limiter.admit(key(key_id), tokens)
    exc = info.value
    assert (exc.status, exc.type, exc.code) == (429, "requests", "rate_limit_exceeded")
    return exc


async def try_admit(limiter: SharedRateLimiter, key_id: int = 1, tokens: int = 10
                    ) -> Ticket | None:
    try:
        return await limiter.admit(key(key_id), tokens)
    except RelayError:
        return None


async def test_rpm_burst_round_robin_over_three_instances_is_exact(redis_url: str) -> None:
    async with instances(redis_url) as lims:
        with_defaults(lims, rpm=10)
        admitted = [await try_admit(lims[i % 3]) for i in range(30)]
        assert sum(t is not None for t in admitted) == 10
        assert all(t is not None for t in admitted[:10])  # the first ten, then none
        exc = await refused(lims[1])
        assert "10 requests per minute" in exc.message
        assert 1 <= int(exc.headers["Retry-After"]) <= 60
        assert 55_000 <= int(exc.headers["retry-after-ms"]) <= 60_000  # the first leaves last
        await try_admit(lims[0], key_id=2)  # another key has its own count
        assert await try_admit(lims[2], key_id=2) is not None


async def test_rpm_concurrent_burst_is_exact(redis_url: str) -> None:
    async with instances(redis_url) as lims:
        with_defaults(lims, rpm=7)
        tickets = await asyncio.gather(*(try_admit(lims[i % 3]) for i in range(60)))
        assert sum(t is not None for t in tickets) == 7


async def test_per_key_value_beats_the_default(redis_url: str) -> None:
    async with instances(redis_url) as lims:
        with_defaults(lims, rpm=100)
        own = key(5, rpm=2)
        results = []
        for i in range(6):
            try:
                results.append(await lims[i % 3].admit(own, 1))
            except RelayError:
                results.append(None)
        assert [r is not None for r in results] == [True, True, False, False, False, False]


async def test_rpm_window_slides(redis_url: str) -> None:
    async with instances(redis_url, window=0.3) as lims:
        with_defaults(lims, rpm=2)
        assert await try_admit(lims[0]) and await try_admit(lims[1])
        assert await try_admit(lims[2]) is None
        admitted: list[Ticket] = []

        async def admitted_again() -> bool:
            ticket = await try_admit(lims[2])
            if ticket is not None:
                admitted.append(ticket)
            return ticket is not None

        async with asyncio.timeout(10):
            while not await admitted_again():  # the first two leave the window
                await asyncio.sleep(0.01)
        assert len(admitted) == 1


async def test_tpm_counts_estimates_then_the_tokens_used(redis_url: str) -> None:
    async with instances(redis_url) as (a, b, c):
        with_defaults([a, b, c], tpm=100)
        first = await a.admit(key(), 60)
        await b.admit(key(), 50)  # 60 < 100: admitted, now 110 counted
        exc = await refused(c, 1)
        assert "100 tokens per minute" in exc.message
        assert exc.headers["Retry-After"] == "1"  # in flight: may settle any moment
        a.release(first, 5)  # it used far less than its estimate: 55 counted
        await a.flush()
        await c.admit(key(), 40)  # 95
        second = await c.admit(key(), 10)  # 95 < 100: admitted, 105
        await refused(a, 1)
        c.release(second, 0)  # 95 again
        await c.flush()
        assert await try_admit(b, tokens=1) is not None


async def test_tpm_release_without_usage_keeps_the_estimate(redis_url: str) -> None:
    async with instances(redis_url) as (a, b, _):
        with_defaults([a, b], tpm=100)
        ticket = await a.admit(key(), 100)
        a.release(ticket)  # usage unknown: the estimate stands
        a.release(ticket, 0)  # a second release changes nothing
        await a.flush()
        exc = await refused(b, 1)
        assert 55 <= int(exc.headers["Retry-After"]) <= 60  # nothing in flight: the window


async def test_concurrency_across_instances(redis_url: str) -> None:
    async with instances(redis_url) as (a, b, c):
        with_defaults([a, b, c], concurrency=2)
        held_a = await a.admit(key(), 1)
        held_b = await b.admit(key(), 1)
        exc = await refused(c)
        assert "2 concurrent requests" in exc.message and exc.headers["Retry-After"] == "1"
        assert await c.shared_in_flight(1) == 2
        b.release(held_b)
        b.release(held_b)  # twice: still one slot freed
        await b.flush()
        held_c = await c.admit(key(), 1)
        await refused(b)
        for limiter, ticket in ((a, held_a), (c, held_c)):
            limiter.release(ticket)
            await limiter.flush()
        assert await b.shared_in_flight(1) == 0


async def test_a_crashed_holder_slot_ends_with_its_lease(redis_url: str) -> None:
    async with instances(redis_url, lease=0.6) as (holder, crashed, other):
        with_defaults([holder, crashed, other], concurrency=2)
        await holder.admit(key(), 1)  # stays alive: its lease is renewed
        await crashed.admit(key(), 1)
        crashed.close()  # dies without releasing: no more renewals
        await refused(other)
        slots = "relaydesk:lim:{1}:slots"  # watch the live holder's renewals

        async def lease_ends() -> float:
            (_, score), = await holder.link.client.zrange(
                slots, 0, 0, desc=True, withscores=True)
            return float(score)

        first_end = await lease_ends()
        ticket = None
        async with asyncio.timeout(10):
            while ticket is None:  # the dead instance's slot frees itself
                ticket = await try_admit(other)
                await asyncio.sleep(0.01)
        async with asyncio.timeout(10):  # the live holder renewed past its first lease
            while await lease_ends() < first_end + 0.6 * 1_000_000:
                await asyncio.sleep(0.01)
        await refused(other)  # the live holder still counts: 2 in flight
        assert await other.shared_in_flight(1) == 2


async def test_unlimited_keys_need_no_redis(redis_url: str) -> None:
    async with instances(redis_url, 1) as (lim,):
        await lim.link.close()
        tickets = [await lim.admit(key(), 10) for _ in range(50)]
        for ticket in tickets:
            lim.release(ticket, 3)
        assert lim.link.healthy


@pytest.fixture
def warnings(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.WARNING, "relay.cluster.redis_link")
    yield caplog


async def test_redis_stopped_mid_load_then_back(own_redis: RedisServer,
                                                warnings: pytest.LogCaptureFixture) -> None:
    async with instances(own_redis.url, retry_after=0.05) as lims:
        with_defaults(lims, rpm=5)
        shared = [await try_admit(lims[i % 3]) for i in range(6)]
        assert sum(t is not None for t in shared) == 5  # shared: 5 in all
        own_redis.stop()
        # Traffic keeps flowing under each instance's own limit of 5: never refused for Redis.
        during = [await try_admit(lims[i % 3]) for i in range(30)]
        assert sum(t is not None for t in during) == 15
        assert all(t is not None for t in during[:15])
        assert not any(lim.link.healthy for lim in lims)
        assert all(lim.link.status()["down_since"] for lim in lims)
        down = [r for r in warnings.records if "Redis unreachable" in r.getMessage()]
        assert len(down) == 3 and all(r.levelno >= logging.WARNING for r in down)
        for i, ticket in enumerate(during + shared):  # local and shared tickets alike
            if ticket is not None:
                lims[i % 3].release(ticket, 1)
        own_redis.start()  # empty again: it persisted nothing
        await until(lambda: all(lim.link.healthy for lim in lims), 10.0)
        back = [await try_admit(lims[i % 3]) for i in range(15)]
        assert sum(t is not None for t in back) == 5  # shared again: 5 in all, not 5 each
