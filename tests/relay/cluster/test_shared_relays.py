"""Three relays with ``redis_url`` on one database and one real Redis, driven with the openai SDK
and raw HTTP: per-key limits and address bans hold across them, and traffic keeps flowing with
per-instance limits while Redis is stopped, shared again once it is back."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import openai
import pytest

from app import apikeys, settings
from app.models import IpBan
from relay.server import RelayServer
from tests.helpers.redis_server import RedisServer
from tests.helpers.waiting import until
from tests.relay.conftest import Harness, relay_options

BODY = {"model": "m1", "messages": [{"role": "user", "content": "hi"}]}
OTHER = "127.0.0.2"  # loopback, yet "another host": the machine itself is never banned


@dataclass
class Cluster:
    harness: Harness  # the first relay, its upstream, key and database
    relays: list[RelayServer]
    clients: dict[int, openai.AsyncOpenAI] = field(default_factory=dict)

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.relays[i % len(self.relays)].port}/v1"

    def client(self, i: int) -> openai.AsyncOpenAI:
        """The openai SDK on relay ``i`` (one per relay, kept for the test)."""
        i %= len(self.relays)
        if i not in self.clients:
            self.clients[i] = openai.AsyncOpenAI(base_url=self.url(i), api_key=self.harness.key,
                                                 max_retries=0, timeout=20.0)
        return self.clients[i]

    async def settle(self) -> None:
        for relay in self.relays:
            async with asyncio.timeout(30):
                while relay.state.in_flight:
                    await asyncio.sleep(0.005)
            await relay.state.accountant.flush()


@pytest.fixture
async def cluster(make_relay) -> AsyncIterator[Callable[[str], Awaitable[Cluster]]]:  # type: ignore[no-untyped-def]
    extra: list[RelayServer] = []
    made: list[Cluster] = []

    async def start(url: str) -> Cluster:
        h = await make_relay(("openai",), options=relay_options(redis_url=url,
                                                                read_timeout=60.0))
        for _ in range(2):
            relay = RelayServer("127.0.0.1", 0, options=relay_options(redis_url=url),
                                shutdown_timeout=1.0)
            await relay.start()
            extra.append(relay)
        made.append(Cluster(h, [h.server, *extra]))
        return made[-1]

    yield start
    for c in made:
        for client in c.clients.values():
            await client.close()
    for relay in extra:
        await relay.stop()


async def request(c: Cluster, i: int) -> bool:
    """One chat completion through relay ``i``: True if answered, False if rate-limited."""
    try:
        await c.client(i).chat.completions.create(**BODY)  # type: ignore[call-overload]
    except openai.RateLimitError as exc:
        assert exc.code == "rate_limit_exceeded"
        return False
    return True


def limit_key(**limits: int) -> None:
    apikeys.update_key(apikeys.list_keys()[0].id, **limits)  # type: ignore[arg-type]


async def test_rpm_burst_round_robin_over_three_relays_is_exact(cluster, redis_url: str
                                                               ) -> None:
    c = await cluster(redis_url)
    limit_key(rpm=10)
    results = [await request(c, i) for i in range(30)]
    assert results == [True] * 10 + [False] * 20
    await c.settle()
    assert len(c.harness.upstreams["openai"].requests) == 10
    c.harness.assert_ledger_consistent()


async def test_rpm_concurrent_burst_over_three_relays_is_exact(cluster, redis_url: str) -> None:
    c = await cluster(redis_url)
    limit_key(rpm=8)
    results = await asyncio.gather(*(request(c, i) for i in range(24)))
    assert sum(results) == 8
    await c.settle()
    assert len(c.harness.upstreams["openai"].requests) == 8


async def test_tpm_counts_the_tokens_used_across_relays(cluster, redis_url: str) -> None:
    c = await cluster(redis_url)
    limit_key(tpm=100)
    up = c.harness.upstreams["openai"]
    up.scenario.prompt_tokens, up.scenario.completion_tokens = 12, 8  # 20 used each
    key_id = apikeys.list_keys()[0].id
    results = []
    for i in range(6):
        try:  # each is admitted at its estimate (> 200 tokens), then counts what it used
            await c.client(i).chat.completions.create(**BODY, max_tokens=200)  # type: ignore[call-overload]
            results.append(True)
        except openai.RateLimitError as exc:
            assert "100 tokens per minute" in exc.message
            assert 50 <= int(exc.response.headers["Retry-After"]) <= 60  # none in flight
            results.append(False)
        async with asyncio.timeout(10):  # its release (the correction) reached Redis
            while await c.relays[0].state.limiter.shared_in_flight(key_id):  # type: ignore[union-attr]
                await asyncio.sleep(0.005)
    assert results == [True] * 5 + [False]  # 5 x 20 used: the limit, over three relays


async def test_concurrency_across_relays(cluster, redis_url: str) -> None:
    c = await cluster(redis_url)
    limit_key(concurrency=2)
    up = c.harness.upstreams["openai"]
    up.scenario.fail_with = "timeout"  # the upstream holds every request until released
    up.scenario.fail_times = 2
    held = [asyncio.create_task(request(c, i)) for i in range(2)]  # on relays 0 and 1
    await until(lambda: len(up.requests) == 2, 10.0)
    assert await request(c, 2) is False  # relay 2 sees the two slots taken elsewhere
    up.scenario.release.set()
    assert await asyncio.gather(*held) == [True, True]
    limiter = c.relays[2].state.limiter
    async with asyncio.timeout(10):
        while await limiter.shared_in_flight(apikeys.list_keys()[0].id):  # type: ignore[union-attr]
            await asyncio.sleep(0.005)  # the releases reach Redis
    assert await request(c, 2) is True
    assert len(up.requests) == 3


async def test_invalid_keys_on_three_relays_add_up_to_one_ban(cluster, redis_url: str) -> None:
    settings.set("ban_threshold", 3)
    c = await cluster(redis_url)
    statuses = []
    async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(local_addr=(OTHER, 0))) as session:
        for i in range(3):
            async with session.post(f"{c.url(i)}/chat/completions", json=BODY,
                                    headers={"Authorization": "Bearer sk-wrong"}) as resp:
                statuses.append((resp.status, (await resp.json())["error"]["code"]))
        assert statuses == [(401, "invalid_api_key")] * 3  # one failure on each relay
        (row,) = IpBan.select()
        assert (row.ip, row.failures) == (OTHER, 3)  # they added up to one ban
        for i in range(3):  # each relay refuses the address (the ban is in the database)
            async with asyncio.timeout(5):
                while True:
                    async with session.get(c.url(i).removesuffix("/v1") + "/healthz") as resp:
                        if resp.status == 403:
                            assert (await resp.json())["error"]["code"] == "ip_banned"
                            break
                    await asyncio.sleep(0.02)


async def test_redis_stopped_mid_load_then_back(cluster, own_redis: RedisServer,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "relay.cluster.redis_link")
    c = await cluster(own_redis.url)
    limit_key(rpm=4)
    for relay in c.relays:
        assert relay.state.redis is not None and relay.state.redis.healthy
        relay.state.redis.retry_after = 0.05  # probe often: the test waits for the recovery
    assert [await request(c, i) for i in range(6)] == [True] * 4 + [False] * 2
    own_redis.stop()
    # Never refused for Redis being down: each relay admits its own 4 per minute.
    during = [await request(c, i) for i in range(15)]
    assert during == [True] * 12 + [False] * 3
    for relay in c.relays:
        assert relay.state.redis is not None
        status = relay.state.redis.status()
        assert status["healthy"] is False and status["down_since"] and status["last_error"]
    down = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(down) == 3 and all(r.levelno >= logging.WARNING for r in down)
    own_redis.start()  # empty: it persisted nothing
    await until(lambda: all(r.state.redis and r.state.redis.healthy for r in c.relays), 10.0)
    assert [await request(c, i) for i in range(6)] == [True] * 4 + [False] * 2  # shared again
    assert any("Redis is back" in r.getMessage() for r in caplog.records)
    await c.settle()
    c.harness.assert_ledger_consistent()
