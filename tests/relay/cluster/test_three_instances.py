"""Issue 19's acceptance test: three real `relaydesk serve` processes on loopback ports, one real
PostgreSQL and one real Redis (Debian's redis-server) started by the test setup.

- a key's RPM holds exactly for the three together, sequential and in one concurrent burst;
- a key revoked through one instance's admin API is refused by the other two within 1 s;
- kill -9 of the instance running "retention" moves the job to one of the two left;
- Redis stopped mid-load: traffic keeps flowing with per-instance limits, /healthz says so, and
  shared counting resumes once Redis is back.

Each test gets its own cluster (a database of its own and a Redis of its own, so stopping it
touches no other test); the instances are started concurrently. Every wait is on a condition
with a deadline, generous for a loaded CI box.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from app import admintokens, apikeys, runtime
from relay.cluster import redis_link, singleton
from tests.helpers.fake_upstream import FakeUpstream
from tests.helpers.redis_server import RedisServer
from tests.relay.serve_process import ServeProcess, provision

pytestmark = pytest.mark.postgres

BODY = {"model": "m1", "messages": [{"role": "user", "content": "hi"}]}
RPM = 5  # small, so 3 x RPM requests stay well inside one minute's window
WITHIN = 1.0  # what the issue promises for a revocation made on another instance
STARTUP = 60.0  # seconds for the instances (and their job runners) to come up under load
# A Redis probe runs every RETRY_AFTER s, a job runner retries every RETRY_S s: three periods
# and room for a busy machine.
REDIS_BACK = 3 * redis_link.RETRY_AFTER + 20
TAKEOVER = 3 * singleton.RETRY_S + 20
OK = (200, None)
REFUSED = (429, "rate_limit_exceeded")


@dataclass
class Cluster:
    """Three serve processes sharing one database and one Redis, in front of one upstream."""

    relays: list[ServeProcess]
    session: aiohttp.ClientSession
    up: FakeUpstream
    redis: RedisServer

    def root(self, i: int) -> str:
        return self.relays[i].base_url.removesuffix("/v1")

    async def chat(self, i: int, key: str) -> tuple[int, str | None]:
        """One chat completion through instance ``i``: (status, error code or None)."""
        async with self.session.post(f"{self.relays[i].base_url}/chat/completions", json=BODY,
                                     headers={"Authorization": f"Bearer {key}"}) as resp:
            body = await resp.json(content_type=None)
        return resp.status, (body.get("error") or {}).get("code") if resp.status != 200 else None

    async def models(self, i: int, key: str) -> tuple[int, str | None]:
        """GET /v1/models through instance ``i`` (authenticated, no upstream call)."""
        async with self.session.get(f"{self.relays[i].base_url}/models",
                                    headers={"Authorization": f"Bearer {key}"}) as resp:
            body = await resp.json(content_type=None)
        return resp.status, (body.get("error") or {}).get("code") if resp.status != 200 else None

    async def healthz(self, i: int) -> tuple[int, dict[str, Any]]:
        async with self.session.get(f"{self.root(i)}/healthz") as resp:
            return resp.status, await resp.json()

    async def round_robin(self, key: str, count: int) -> list[tuple[int, str | None]]:
        """``count`` chat completions one after another, to instance 0, 1, 2, 0, ..."""
        return [await self.chat(i % len(self.relays), key) for i in range(count)]


def limited_key(rpm: int) -> str:
    """A new key of alice's limited to ``rpm`` requests per minute (0: unlimited)."""
    return new_key(rpm)[1]


def new_key(rpm: int) -> tuple[int, str]:
    """(id, plaintext) of a new key of alice's with ``rpm`` requests per minute."""
    key, plaintext = apikeys.create_key("alice", name=f"rpm-{rpm}", rpm=rpm)
    return key.id, plaintext


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> float:
    """Poll the async ``check`` every 20 ms until true; the seconds it took. Fails with
    ``what`` when ``seconds`` pass first."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < seconds, f"{what}: not within {seconds} s"
        await asyncio.sleep(0.02)  # the polling interval of a bounded wait
    return time.monotonic() - started


@pytest.fixture
async def cluster(postgres_url: str, own_redis: RedisServer,
                  tmp_path: Path) -> AsyncIterator[Cluster]:
    runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        _, env = provision(up, 100_000_000)
        env.update(DATABASE_URL=postgres_url, REDIS_URL=own_redis.url)
        relays = [ServeProcess(tmp_path / f"r{i}", env=env) for i in range(3)]
        try:
            await asyncio.gather(*(relay.start(timeout=STARTUP) for relay in relays))
            async with aiohttp.ClientSession() as session:
                yield Cluster(relays, session, up, own_redis)
        finally:
            await asyncio.gather(*(relay.stop() for relay in relays), return_exceptions=True)


async def test_a_burst_over_three_instances_meets_the_key_rpm_exactly(cluster: Cluster) -> None:
    key = limited_key(RPM)
    sequential = await cluster.round_robin(key, 3 * RPM)
    assert sequential == [OK] * RPM + [REFUSED] * (2 * RPM)  # one limit for three, in order

    burst_key = limited_key(RPM)
    burst = await asyncio.gather(*(cluster.chat(i % 3, burst_key) for i in range(3 * RPM)))
    assert sorted(burst) == sorted([OK] * RPM + [REFUSED] * (2 * RPM))
    assert len(cluster.up.requests) == 2 * RPM  # only the admitted ones reached the provider


async def test_a_key_revoked_on_one_instance_is_refused_by_the_others_within_1_s(
        cluster: Cluster) -> None:
    _, token = admintokens.create_token("ops")
    key_id, plaintext = new_key(0)  # unlimited: the polling below never meets a rate limit
    for i in range(3):  # every instance knows the key (warm caches)
        assert await cluster.models(i, plaintext) == OK

    async with cluster.session.delete(f"{cluster.root(0)}/admin/api/keys/{key_id}",
                                      headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 200, await resp.text()
        assert (await resp.json())["status"] == "revoked"

    for i in (1, 2):
        async def refused(i: int = i) -> bool:
            return await cluster.models(i, plaintext) == (401, "invalid_api_key")

        took = await eventually(refused, WITHIN, f"instance {i} refusing the revoked key")
        print(f"instance {i} refused the key revoked on instance 0 after {took:.3f} s")
    for i in range(3):  # and a chat completion is refused on every instance too
        assert await cluster.chat(i, plaintext) == (401, "invalid_api_key")
    assert len(cluster.up.requests) == 0


async def holders(cluster: Cluster, alive: list[int], job: str) -> list[int]:
    """The instances among ``alive`` whose /healthz lists ``job`` as running there."""
    found = []
    for i in alive:
        status, body = await cluster.healthz(i)
        assert status == 200, body
        if job in body["jobs"]:
            found.append(i)
    return found


async def test_kill_9_of_the_retention_holder_moves_the_job_to_another_instance(
        cluster: Cluster) -> None:
    alive = [0, 1, 2]
    held: list[int] = []

    async def one_holds() -> bool:
        held[:] = await holders(cluster, alive, "retention")
        return len(held) == 1

    await eventually(one_holds, STARTUP, "one instance running retention")
    [victim] = held
    await cluster.relays[victim].kill()
    proc = cluster.relays[victim].proc
    assert proc is not None and proc.returncode == -9

    alive.remove(victim)
    took = await eventually(one_holds, TAKEOVER, "retention moving to a survivor")
    # the two left still serve, and the job stays on the one that took it
    key = limited_key(0)
    for i in alive:
        assert await cluster.chat(i, key) == OK
    assert await holders(cluster, alive, "retention") == held
    print(f"retention moved from instance {victim} to {held[0]} in {took:.1f} s")


@dataclass
class Load:
    """Chat completions sent nonstop by ``WORKERS`` clients per instance, until ``done``."""

    cluster: Cluster
    key: str
    results: list[tuple[int, bool, tuple[int, str | None]]] = field(default_factory=list)
    redis_down: bool = False  # set once Redis has been stopped: marks the results after it
    done: asyncio.Event = field(default_factory=asyncio.Event)

    WORKERS = 2

    async def worker(self, i: int) -> None:
        while not self.done.is_set():
            down = self.redis_down  # read before sending: a request sent before is "before"
            self.results.append((i, down, await self.cluster.chat(i, self.key)))

    async def run(self) -> None:
        await asyncio.gather(*(self.worker(i) for i in range(len(self.cluster.relays))
                               for _ in range(self.WORKERS)))

    def served(self, i: int, *, after_stop: bool) -> int:
        return sum(1 for j, down, _ in self.results if j == i and down == after_stop)


async def redis_says(cluster: Cluster, redis: str, status: str) -> bool:
    """Whether every instance's /healthz reports ``redis`` and overall ``status``."""
    for i in range(3):
        code, body = await cluster.healthz(i)
        if (code, body["redis"], body["status"], body["database"]) != (200, redis, status, "ok"):
            return False
    return True


async def test_redis_stopped_mid_load_traffic_continues_with_local_limits(
        cluster: Cluster) -> None:
    await eventually(lambda: redis_says(cluster, "ok", "ok"), 30, "a healthy start")
    key = limited_key(RPM)
    assert await cluster.round_robin(key, 3 * RPM) == [OK] * RPM + [REFUSED] * (2 * RPM)

    # Load with a key that is limited (so every request is counted in Redis) far above it.
    load = Load(cluster, limited_key(1_000_000))
    runner = asyncio.ensure_future(load.run())
    try:
        async def each_served(after_stop: bool, at_least: int) -> bool:
            assert not runner.done(), runner
            return all(load.served(i, after_stop=after_stop) >= at_least for i in range(3))

        await eventually(lambda: each_served(False, 3), 30, "load before the outage")
        await asyncio.to_thread(cluster.redis.stop)
        load.redis_down = True
        await eventually(lambda: redis_says(cluster, "unreachable", "degraded"), 30,
                         "every /healthz saying Redis is unreachable")
        await eventually(lambda: each_served(True, 5), 30, "load during the outage")
    finally:
        load.done.set()
        await runner
    assert {result for _, _, result in load.results} == {OK}  # not one request refused
    print(f"load: {len(load.results)} requests, "
          f"{sum(1 for _, down, _ in load.results if down)} after Redis stopped")

    # Meanwhile each instance counts on its own: the exhausted key gets RPM more on each.
    for i in range(3):
        assert [await cluster.chat(i, key) for _ in range(RPM + 1)] == [OK] * RPM + [REFUSED]

    await asyncio.to_thread(cluster.redis.start)  # same port, empty (nothing persisted)
    await eventually(lambda: redis_says(cluster, "ok", "ok"), REDIS_BACK,
                     "every /healthz saying Redis is back")
    # Shared again: the local windows (full) are no longer asked, Redis's (empty) is.
    assert await cluster.round_robin(key, 3 * RPM) == [OK] * RPM + [REFUSED] * (2 * RPM)
