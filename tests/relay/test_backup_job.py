"""relay.backup_job: the scheduled backup runs when due (moved by the fake clock, not sleeps of
hours), not otherwise, survives failures, and stops cleanly with the relay app."""

import asyncio
import logging
import threading
from pathlib import Path

import pytest
from aiohttp import web

from app import backup, settings
from app.config import Config
from relay.app import create_app
from relay.backup_job import BACKUP_JOB, backup_loop, run_once, start_backup_job
from relay.dbexec import DatabaseExecutor
from tests.relay.conftest import relay_options

CHECK = 0.01  # seconds between checks in these tests


async def _until(condition, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


def _count(config: Config) -> int:
    return len(backup.list_backups(config))


@pytest.fixture
async def dbx():
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()


async def test_runs_when_due_and_not_when_not_due(sqlite_db, fake_clock, dbx):
    settings.set("backup_keep", 2)
    task = asyncio.create_task(backup_loop(sqlite_db, dbx, check_every_s=CHECK))
    try:
        await _until(lambda: _count(sqlite_db) == 1)  # never backed up: due at once
        await asyncio.sleep(CHECK * 20)  # many checks, none due
        assert _count(sqlite_db) == 1
        fake_clock.advance(hours=23)
        await asyncio.sleep(CHECK * 10)
        assert _count(sqlite_db) == 1
        fake_clock.advance(hours=1)  # 24 h after the first: due
        await _until(lambda: _count(sqlite_db) == 2)
        await asyncio.sleep(CHECK * 10)
        assert _count(sqlite_db) == 2
        fake_clock.advance(hours=24)
        await _until(lambda: [b.created for b in backup.list_backups(sqlite_db)]
                     == ["20260603-120000-000000", "20260602-120000-000000"])  # keep=2
    finally:
        task.cancel()
        await asyncio.wait([task])
    assert task.cancelled()
    from app.models import AuditEvent
    assert {e.actor for e in AuditEvent.select().where(AuditEvent.action == "backup.create")} \
        == {"scheduler"}


async def test_interval_zero_turns_the_schedule_off(sqlite_db, fake_clock, dbx):
    settings.set("backup_interval_hours", 0)
    assert await run_once(sqlite_db, dbx) is None
    task = asyncio.create_task(backup_loop(sqlite_db, dbx, check_every_s=CHECK))
    await asyncio.sleep(CHECK * 20)
    task.cancel()
    await asyncio.wait([task])
    assert _count(sqlite_db) == 0


async def test_a_failed_backup_is_logged_and_tried_again(sqlite_db, fake_clock, dbx,
                                                         monkeypatch, caplog):
    real = backup.backup_now
    calls = []

    def flaky(*args, **kwargs):
        calls.append(None)
        if len(calls) == 1:
            raise OSError("No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(backup, "backup_now", flaky)
    task = asyncio.create_task(backup_loop(sqlite_db, dbx, check_every_s=CHECK))
    with caplog.at_level(logging.ERROR, logger="relay.backup_job"):
        await _until(lambda: _count(sqlite_db) == 1)
    task.cancel()
    await asyncio.wait([task])
    assert len(calls) == 2
    assert "scheduled backup failed" in caplog.text and "No space left" in caplog.text


async def test_cancel_while_a_backup_is_being_written(sqlite_db, fake_clock, monkeypatch):
    dbx = DatabaseExecutor()
    started, release = threading.Event(), threading.Event()
    real = backup.backup_now

    def slow(*args, **kwargs):
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(backup, "backup_now", slow)
    task = asyncio.create_task(backup_loop(sqlite_db, dbx, check_every_s=CHECK))
    await _until(started.is_set)
    task.cancel()
    await asyncio.wait([task])
    assert task.cancelled()  # the loop stops at once ...
    release.set()
    await asyncio.get_running_loop().run_in_executor(None, dbx.shutdown)
    assert _count(sqlite_db) == 1  # ... and the copy under way still completes


async def test_start_backup_job_runs_with_the_relay_app_and_stops_with_it(sqlite_db, fake_clock):
    app = create_app(relay_options())
    job = start_backup_job(app, sqlite_db, check_every_s=CHECK)
    assert job is app[BACKUP_JOB] and job.task is None
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()  # on_startup: the relay's lifecycle, then the job
    try:
        await _until(lambda: _count(sqlite_db) == 1)
        assert job.task is not None and not job.task.done()
    finally:
        await runner.cleanup()  # on_shutdown cancels the job before the executor closes
    assert job.task.cancelled()


def test_no_job_for_postgresql(tmp_path: Path):
    app = web.Application()
    config = Config(data_dir=tmp_path, database_url="postgresql://localhost/relaydesk")
    assert start_backup_job(app, config) is None
    assert BACKUP_JOB not in app and len(app.on_startup) == 1  # only aiohttp's own hook
