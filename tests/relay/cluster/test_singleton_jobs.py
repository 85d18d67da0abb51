"""Jobs that must run once (relay/cluster/singleton.py) run on one relay of those sharing a real
PostgreSQL database, and move to another when that relay stops, loses its lock's connection or
is killed with SIGKILL; on SQLite they simply run."""

import asyncio
import logging
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from peewee import PostgresqlDatabase

from app import config, db, joblock, runtime
from app.joblock import JobLock
from relay import jobs
from relay.cluster import singleton
from relay.cluster.singleton import JOBS, JobRegistry, SingletonJob
from relay.server import RelayServer
from tests.helpers.waiting import until
from tests.relay.conftest import relay_options
from tests.relay.serve_process import ServeProcess

JOB_NAMES = {"retention", "payments-confirm", "mail", "notify", "portal-sweep"}
FAST = 0.05  # retry and check periods of the in-process relays and runners


@pytest.fixture
def pg(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
       ) -> Iterator[config.Config]:
    monkeypatch.setattr(singleton, "RETRY_S", FAST)
    monkeypatch.setattr(singleton, "CHECK_S", FAST)
    cfg = runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    yield cfg
    db.close_database()


class Probe:
    """A job that records where it runs and how it ended."""

    def __init__(self) -> None:
        self.running: set[str] = set()
        self.starts: list[str] = []
        self.cancelled: list[str] = []

    def job(self, tag: str) -> Callable[[], Coroutine[Any, Any, None]]:
        async def run() -> None:
            self.starts.append(tag)
            self.running.add(tag)
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.cancelled.append(tag)
                raise
            finally:
                self.running.discard(tag)
        return run


async def _holder_pid(name: str) -> int | None:
    return await asyncio.to_thread(joblock.holder_pid, name)


@pytest.mark.postgres
async def test_two_runners_only_one_runs_and_the_other_takes_over_when_it_stops(
        pg: config.Config, caplog: pytest.LogCaptureFixture) -> None:
    probe = Probe()
    caplog.set_level(logging.INFO, logger="relay.cluster.singleton")
    first = SingletonJob("notify", probe.job("first"), retry_s=FAST, check_s=FAST).start()
    second: SingletonJob | None = None
    try:
        await until(lambda: probe.running == {"first"}, 10)
        second = SingletonJob("notify", probe.job("second"), retry_s=FAST,
                              check_s=FAST).start()
        await until(lambda: second is not None and second.refused >= 3, 10)
        assert probe.running == {"first"} and not second.running
        assert first.registry.held == {"notify"} and second.registry.held == set()
        assert second.registry.snapshot() == {"held": [], "waiting": ["notify"]}
        assert await _holder_pid("notify") == first.lock.backend_pid

        await first.stop()
        assert probe.cancelled == ["first"] and first.registry.held == set()
        await until(lambda: probe.running == {"second"}, 10)
        assert second.running and probe.starts == ["first", "second"]
        assert await _holder_pid("notify") == second.lock.backend_pid
    finally:
        await first.stop()
        if second is not None:
            await second.stop()
    assert await _holder_pid("notify") is None  # stopping released it
    assert "took over job notify" in caplog.text and "gave up job notify" in caplog.text


@pytest.mark.postgres
async def test_a_lost_lock_connection_stops_the_job_here_until_the_lock_is_taken_again(
        pg: config.Config, caplog: pytest.LogCaptureFixture) -> None:
    probe = Probe()
    runner = SingletonJob("mail", probe.job("here"), retry_s=FAST, check_s=FAST).start()
    try:
        await until(lambda: probe.running == {"here"}, 10)
        lost = runner.lock.backend_pid
        assert lost is not None
        with caplog.at_level(logging.WARNING, logger="relay.cluster.singleton"):
            assert await asyncio.to_thread(joblock.end_session, lost)
            await until(lambda: probe.cancelled == ["here"], 10)  # the check found it lost
            await until(lambda: probe.starts == ["here", "here"] and probe.running == {"here"}, 10)
        assert "mail: lost its lock" in caplog.text
        held_by = await _holder_pid("mail")
        assert held_by == runner.lock.backend_pid and held_by != lost
        assert runner.takeovers == 2 and runner.running and runner.registry.held == {"mail"}
    finally:
        await runner.stop()
    assert not runner.running and runner.registry.held == set()


@pytest.mark.postgres
async def test_a_job_that_fails_releases_its_lock_and_starts_again(
        pg: config.Config, caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[int] = []
    steady = asyncio.Event()

    async def flaky() -> None:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            raise RuntimeError("the first run breaks")
        steady.set()
        await asyncio.Event().wait()

    registry = JobRegistry()
    runner = SingletonJob("portal-sweep", flaky, registry=registry, retry_s=FAST,
                          check_s=FAST).start()
    try:
        with caplog.at_level(logging.ERROR, logger="relay.cluster.singleton"):
            await asyncio.wait_for(steady.wait(), 10)
        assert attempts == [0, 1] and runner.takeovers == 2
        assert "job portal-sweep failed" in caplog.text and "the first run breaks" in caplog.text
        assert registry.held == {"portal-sweep"}
    finally:
        await runner.stop()


async def test_an_unreachable_database_is_warned_once_and_the_job_never_runs_meanwhile(
        caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]  # closed once the block ends: connections are refused
    gone = PostgresqlDatabase("nowhere", host="127.0.0.1", port=port, user="relaydesk")
    probe = Probe()
    runner = SingletonJob("mail", probe.job("here"), retry_s=0.01, check_s=0.01,
                          lock=JobLock("mail", database=gone))
    with caplog.at_level(logging.DEBUG, logger="relay.cluster.singleton"):
        runner.start()
        try:
            await until(lambda: runner.refused >= 5, 10)
        finally:
            await runner.stop()
    assert probe.starts == [] and runner.registry.held == set()
    attempts = [r for r in caplog.records if "cannot take its lock" in r.getMessage()]
    assert len(attempts) >= 5
    assert [r.levelno for r in attempts].count(logging.WARNING) == 1


async def _start_relays(count: int) -> list[RelayServer]:
    servers: list[RelayServer] = []
    try:
        for _ in range(count):
            server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
            await server.start()
            servers.append(server)
    except BaseException:
        for server in servers:
            await server.stop()
        raise
    return servers


def _registries(servers: list[RelayServer]) -> list[JobRegistry]:
    return [server.app[JOBS] for server in servers if server.app is not None]


def _settled(registries: list[JobRegistry], tries: int = 3) -> bool:
    """Every job held by exactly one relay, and each other relay refused it ``tries`` times
    since: they all kept trying and none got it."""
    for name in JOB_NAMES:
        holders = [r for r in registries if name in r.held]
        if len(holders) != 1:
            return False
        if any(r.refused.get(name, 0) < tries for r in registries if r is not holders[0]):
            return False
    return True


@pytest.mark.postgres
async def test_three_relays_exactly_one_runs_each_job_and_retention_moves_on_stop(
        pg: config.Config, monkeypatch: pytest.MonkeyPatch) -> None:
    purges: list[object] = []
    real = jobs.purge_async

    async def counted(*args: Any, **kwargs: Any) -> Any:
        purges.append(kwargs.get("now"))
        return await real(*args, **kwargs)

    monkeypatch.setattr(jobs, "purge_async", counted)
    servers = await _start_relays(3)
    try:
        registries = _registries(servers)
        assert all(r.known == JOB_NAMES for r in registries)
        await until(lambda: _settled(registries) and len(purges) == 1, 20)
        assert len(purges) == 1  # the daily purge ran at one relay's start-up, not three
        [holder] = [s for s in servers if "retention" in s.app[JOBS].held]  # type: ignore[index]

        await holder.stop()
        servers.remove(holder)
        rest = _registries(servers)
        for registry in rest:
            registry.refused.clear()
        await until(lambda: _settled(rest) and len(purges) == 2, 20)
        assert len(purges) == 2  # the relay that took it over purged at take-over
        assert await _holder_pid("retention") is not None
    finally:
        for server in servers:
            await server.stop()
    for name in JOB_NAMES:
        assert await _holder_pid(name) is None


@pytest.mark.postgres
async def test_kill_9_of_the_serving_process_moves_its_jobs_to_the_relay_left(
        pg: config.Config, postgres_url: str, tmp_path: Path) -> None:
    holder = await ServeProcess(tmp_path / "killed",
                                env={"DATABASE_URL": postgres_url}).start()
    servers: list[RelayServer] = []
    try:
        before: dict[str, int | None] = {}

        async def all_held_elsewhere() -> bool:
            for name in JOB_NAMES:
                before[name] = await _holder_pid(name)
            return all(pid is not None for pid in before.values())

        async with asyncio.timeout(30):
            while not await all_held_elsewhere():
                await asyncio.sleep(FAST)
        servers = await _start_relays(1)
        [registry] = _registries(servers)
        await until(lambda: all(registry.refused.get(n, 0) >= 3 for n in JOB_NAMES), 10)
        assert registry.held == set()  # the serve process has them all

        await holder.kill()
        await until(lambda: registry.held == JOB_NAMES, 15)
        for name in JOB_NAMES:
            now = await _holder_pid(name)
            assert now is not None and now != before[name]
    finally:
        await holder.stop()
        for server in servers:
            await server.stop()


@pytest.mark.postgres
async def test_kill_9_between_two_serve_processes_with_default_periods(
        postgres_url: str, tmp_path: Path) -> None:
    """Two real `relaydesk serve` processes as deployed (default retry and check periods):
    kill -9 the one running the jobs and the other runs them all within a few periods."""
    runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    env = {"DATABASE_URL": postgres_url}
    first = await ServeProcess(tmp_path / "first", env=env).start()
    second: ServeProcess | None = None
    try:
        held: dict[str, int | None] = {}

        async def held_by_new_sessions(old: dict[str, int | None]) -> bool:
            for name in JOB_NAMES:
                held[name] = await _holder_pid(name)
            return all(held[n] is not None and held[n] != old.get(n) for n in JOB_NAMES)

        async with asyncio.timeout(30):
            while not await held_by_new_sessions({}):
                await asyncio.sleep(0.1)
        by_first = dict(held)
        second = await ServeProcess(tmp_path / "second", env=env).start()
        await first.kill()
        # second was started after first held every job, so whoever holds them now is second
        async with asyncio.timeout(4 * singleton.RETRY_S + 10):
            while not await held_by_new_sessions(by_first):
                await asyncio.sleep(0.1)
        assert second.proc is not None and second.proc.returncode is None
    finally:
        await first.stop()
        if second is not None:
            await second.stop()
    db.close_database()


async def test_on_sqlite_every_job_runs_without_a_lock_connection(sqlite_db: config.Config
                                                                  ) -> None:
    [server] = await _start_relays(1)
    try:
        [registry] = _registries([server])
        await until(lambda: registry.held == JOB_NAMES, 10)
        assert registry.refused == {}
        assert not [t for t in threading.enumerate() if t.name.startswith("relaydesk-joblock")]
        assert registry.snapshot() == {"held": sorted(JOB_NAMES), "waiting": []}
    finally:
        await server.stop()
    assert registry.held == set() and registry.known == set()


async def test_on_sqlite_the_job_starts_at_once_and_a_stop_at_once_cancels_it(
        sqlite_db: config.Config) -> None:
    probe = Probe()
    runner = SingletonJob("notify", probe.job("here")).start()
    assert runner.running and runner.registry.held == {"notify"}  # no lock to wait for
    await runner.stop()  # before either task got to run
    assert not runner.running and runner.registry.held == set()
    assert probe.running == set()
