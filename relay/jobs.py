"""The relay's scheduled jobs: the retention purge, at start-up and then daily.

The relay app is what both `relaydesk serve` and the desktop window run, so the job lives here
and is started by the app's lifecycle. A purge runs batch by batch, each batch its own executor
call (one short transaction), and yields to the loop between batches: requests keep flowing, and
on SQLite (one database thread) queued relay work runs between our batches. With several relays
on one PostgreSQL database the loop runs on one of them (relay/cluster/singleton.py), and the
run's advisory lock (see :mod:`app.retention`) still keeps the GUI or CLI from purging at once.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from app import clock as app_clock
from app import retention
from app.retention import PurgeResult, PurgeRun
from relay.cluster import singleton
from relay.dbexec import DatabaseExecutor
from relay.state import STATE

log = logging.getLogger(__name__)

DAY = 86_400.0
RETRY_S = 600.0  # after a failed run (database unreachable, ...), try again this much later
RELAY_BATCH = 1000  # rows per transaction: its duration is the longest a request waits
REST = 1.0  # after each batch, leave the database to the relay for REST x the batch's time

Call = Callable[..., Awaitable[Any]]  # DatabaseExecutor.run, or the GUI's Backend.call


async def _through(call: Call, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``await call(fn, ...)``; if we are cancelled meanwhile, ``fn`` still runs on in its
    thread, so wait for it to return before letting the cancellation go on."""
    future = asyncio.ensure_future(call(fn, *args, **kwargs))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait([future])
        raise


async def purge_async(call: Call, *, now: datetime | None = None,
                      batch: int = RELAY_BATCH, actor: str = "relay", rest: float = REST,
                      progress: Callable[[PurgeRun], None] | None = None
                      ) -> PurgeResult | None:
    """Run a purge through ``call`` one batch per call; None if another process is purging.

    Between batches it pauses for ``rest`` times as long as the batch took: on SQLite the
    relay's database thread is shared, and back-to-back batches would leave requests only the
    moments in between (``rest=0`` just yields to the loop). ``progress(run)`` is called on the
    loop after every batch. Cancelled or failed part-way, the run still records what it removed
    and releases its lock before the exception goes on.
    """
    started: list[PurgeRun | None] = []

    def begin() -> None:
        started.append(retention.start(now, batch=batch, actor=actor))

    try:
        await _through(call, begin)
        run = started[0]
        if run is None:
            return None
        loop = asyncio.get_running_loop()
        while True:
            began = loop.time()
            more = await _through(call, run.step)
            if not more:
                break
            if progress is not None:
                progress(run)
            # the pause between batches: the loop serves requests, the database thread is free
            await asyncio.sleep(rest * (loop.time() - began))
        if progress is not None:
            progress(run)
    except BaseException:
        if started and started[0] is not None:
            with contextlib.suppress(Exception):  # the database may be what failed
                await _through(call, started[0].finish, complete=False)
        raise
    result: PurgeResult = await _through(call, run.finish)
    return result


async def retention_loop(dbx: DatabaseExecutor, interval_s: float = DAY,
                         clock: Callable[[], datetime] = app_clock.now, *,
                         batch: int = RELAY_BATCH, retry_s: float = RETRY_S) -> None:
    """Purge now, then every ``interval_s`` seconds, until cancelled."""
    while True:
        try:
            result = await purge_async(dbx.run, now=clock(), batch=batch, actor="relay")
        except Exception:
            delay = min(interval_s, retry_s)
            log.exception("purging old records failed; trying again in %.0f s", delay)
            await asyncio.sleep(delay)
            continue
        if result is None:
            log.info("another RelayDesk process is purging old records; skipped this run")
        elif result.total:
            log.info("retention: deleted %d request logs, %d payment records, %d login/"
                     "security events; folded %d ledger entries into %d carry-forwards",
                     result.request_logs, result.recharge_records, result.audit_events,
                     result.ledger_entries, result.carry_forwards)
        await asyncio.sleep(interval_s)


def start_retention(dbx: DatabaseExecutor, **kwargs: Any) -> "asyncio.Task[None]":
    return asyncio.create_task(retention_loop(dbx, **kwargs), name="relaydesk-retention")


def start_retention_once(app: web.Application) -> singleton.SingletonJob:
    """The relay's retention loop, run while this relay holds the "retention" job."""
    dbx = app[STATE].dbx
    return singleton.start(app, "retention", lambda: retention_loop(dbx),
                           task_name="relaydesk-retention")


async def stop(task: "asyncio.Task[Any]") -> None:
    """Cancel a job and wait until it has wound down (a batch in progress completes first)."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
