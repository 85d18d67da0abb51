"""relay.jobs: the retention purge runs at start-up and then on its interval, every batch through
the relay's DatabaseExecutor, and stops cleanly when cancelled -- even mid-batch."""

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import pytest

from app import db, retention
from app.models import AuditEvent, RequestLog
from relay import jobs
from relay.dbexec import DatabaseExecutor
from relay.server import RelayServer

NOW = datetime(2026, 6, 1, 12, 0, 0)


class SpyExecutor(DatabaseExecutor):
    """The real executor, recording what runs through it (and on which thread), with a
    condition to wait on and an optional gate that holds purge steps in their thread."""

    def __init__(self, fail_steps: int = 0) -> None:
        super().__init__()
        self.calls: list[str] = []
        self.threads: set[str] = set()
        self.changed = asyncio.Condition()
        self.gate: threading.Event | None = None
        self.in_step: asyncio.Event = asyncio.Event()
        self.fail_steps = fail_steps

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        name = getattr(fn, "__qualname__", repr(fn)).rsplit(".", 1)[-1]
        loop = asyncio.get_running_loop()

        def traced() -> Any:
            self.threads.add(threading.current_thread().name)
            if name == "step":
                if self.fail_steps:
                    self.fail_steps -= 1
                    raise RuntimeError("database went away")
                if self.gate is not None:
                    loop.call_soon_threadsafe(self.in_step.set)
                    self.gate.wait(10)
            return fn(*args, **kwargs)

        try:
            return await super().run(traced)
        finally:
            async with self.changed:
                self.calls.append(name)
                self.changed.notify_all()

    async def wait_for(self, name: str, count: int = 1) -> None:
        async with asyncio.timeout(20), self.changed:
            await self.changed.wait_for(lambda: self.calls.count(name) >= count)


@pytest.fixture
def old_logs(any_db, fake_clock) -> None:
    for day in range(5):
        RequestLog.create(request_id=f"old{day}", created_at=NOW - timedelta(days=100 + day))
    RequestLog.create(request_id="new", created_at=NOW - timedelta(days=1))


@pytest.fixture
def spy(old_logs):  # type: ignore[no-untyped-def]
    executor = SpyExecutor()
    yield executor
    executor.shutdown()


def purge_events() -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == retention.AUDIT_ACTION)
                .order_by(AuditEvent.id))


async def test_runs_at_start_through_the_executor_and_stops_on_cancel(spy) -> None:
    task = jobs.start_retention(spy, interval_s=3600, batch=2)
    await spy.wait_for("finish")
    assert spy.calls[0] == "begin" and spy.calls[-1] == "finish"
    assert spy.calls[1:-1] == ["step"] * (len(spy.calls) - 2) and len(spy.calls) >= 5
    assert all(name.startswith("relaydesk-db") for name in spy.threads), spy.threads
    assert [r.request_id for r in RequestLog.select()] == ["new"]
    [event] = purge_events()
    assert (event.actor, event.detail["request_logs"], event.detail["complete"]) == (
        "relay", 5, True)
    assert not task.done()  # sleeping until the next run
    await jobs.stop(task)
    assert task.cancelled()
    assert len(purge_events()) == 1


async def test_a_short_interval_runs_it_again(spy, fake_clock) -> None:
    task = jobs.start_retention(spy, interval_s=0.01, clock=lambda: fake_clock.current)
    await spy.wait_for("finish", 3)
    await jobs.stop(task)
    events = purge_events()
    assert len(events) >= 3 and {e.actor for e in events} == {"relay"}
    assert [e.detail["request_logs"] for e in events[:3]] == [5, 0, 0]


async def test_the_clock_decides_what_is_old(spy, fake_clock) -> None:
    task = jobs.start_retention(spy, interval_s=3600, clock=lambda: NOW - timedelta(days=50))
    await spy.wait_for("finish")
    await jobs.stop(task)
    assert RequestLog.select().count() == 6  # nothing was 90 days old 50 days ago
    assert purge_events()[0].detail["cutoffs"]["request_logs"] == "2026-01-12 12:00:00"


async def test_cancelled_mid_batch_finishes_the_batch_and_records_it(spy) -> None:
    spy.gate = threading.Event()
    task = jobs.start_retention(spy, interval_s=3600, batch=2)
    await asyncio.wait_for(spy.in_step.wait(), 10)  # a batch is running in its thread
    task.cancel()
    spy.gate.set()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert spy.calls == ["begin", "step", "finish"]
    [event] = purge_events()
    assert (event.detail["complete"], event.detail["request_logs"]) == (False, 2)
    assert RequestLog.select().count() == 4
    again = retention.start()  # the lock (PostgreSQL) was released
    assert again is not None
    again.finish()


async def test_a_failed_run_is_retried(old_logs, caplog) -> None:
    executor = SpyExecutor(fail_steps=1)
    try:
        with caplog.at_level(logging.ERROR, logger="relay.jobs"):
            task = jobs.start_retention(executor, interval_s=3600, retry_s=0.01)
            await executor.wait_for("finish", 2)
            await jobs.stop(task)
    finally:
        executor.shutdown()
    assert "purging old records failed" in caplog.text
    # the failed run removed nothing, so left no event; the retry did the work
    [event] = purge_events()
    assert event.detail["request_logs"] == 5 and event.detail["complete"]


async def test_another_process_purging_means_skip_on_postgres(spy) -> None:
    held = retention.start()  # "another relay", holding the advisory lock
    assert held is not None
    try:
        result = await jobs.purge_async(spy.run)
    finally:
        held.finish()
    if db.is_postgres():
        assert result is None and RequestLog.select().count() == 6
    else:  # SQLite: nothing to lock, the run goes ahead
        assert result is not None and result.request_logs == 5


async def test_progress_is_reported_on_the_loop(spy) -> None:
    seen: list[tuple[int, bool]] = []
    loop_thread = threading.current_thread()

    def progress(run: retention.PurgeRun) -> None:
        assert threading.current_thread() is loop_thread
        seen.append((run.removed, run.done))

    result = await jobs.purge_async(spy.run, batch=2, progress=progress)
    assert result is not None and result.total == 5
    assert seen[:3] == [(2, False), (4, False), (5, False)] and seen[-1] == (5, True)


async def test_the_relay_starts_and_stops_the_job(old_logs, monkeypatch) -> None:
    done = asyncio.Event()
    real = jobs.purge_async

    async def watched(*args: Any, **kwargs: Any) -> Any:
        result = await real(*args, **kwargs)
        done.set()
        return result

    monkeypatch.setattr(jobs, "purge_async", watched)
    server = RelayServer("127.0.0.1", 0)
    await server.start()
    try:
        await asyncio.wait_for(done.wait(), 20)
        async with (aiohttp.ClientSession() as session,
                    session.get(f"http://127.0.0.1:{server.port}/healthz") as response):
            assert response.status == 200
    finally:
        await server.stop()
    assert [r.request_id for r in RequestLog.select()] == ["new"]
    assert [e.actor for e in purge_events()] == ["relay"]
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "relaydesk-retention"]
