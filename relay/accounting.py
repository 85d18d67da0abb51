"""Background bookkeeping for the relay: batched settlement, lease renewal, crash recovery.

Settling (release the hold, charge the cost, write the log row) happens after the client already
has its answer, so it is queued and written in batches — off the hot path. In-flight
reservations are renewed while their requests run; a crashed process stops renewing, and any
relay process recovers them once the lease lapses.

On SQLite the batches are written on the loop, a short transaction at a time
(app/quickwrite.py), like the holds: with one writer in the process, a hold never finds the
write lock taken by a settlement batch on the database thread and never waits for one there
(at concurrency 50 that wait was most of a request's time in the relay). The database thread
takes over whenever the lock is taken (the GUI, a CLI command, a backup) or the quick write
fails.
"""

import asyncio
import logging
from collections.abc import Callable

import peewee

from app import apikeys, billing, db
from app.billing import Settlement
from app.quickwrite import Busy, QuickWriter
from relay.dbexec import DatabaseExecutor

log = logging.getLogger(__name__)

# Settlements per transaction on the loop: small enough that a step holds the loop only a few
# milliseconds, big enough to spread its commit over many requests (bench/README.md).
QUICK_CHUNK = 96


class Accountant:
    """Queues settlements and runs the periodic jobs.

    Attributes:
        active: request_id -> callable returning the micro-units delivered so far, for every
            reservation this process holds (renewed, and checkpointed, by the lease loop).
    """

    def __init__(self, dbx: DatabaseExecutor, *, lease_seconds: float = 60.0,
                 flush_interval: float = 0.05, batch_size: int = 500,
                 last_used: dict | None = None) -> None:  # type: ignore[type-arg]
        self._dbx = dbx
        self.lease_seconds = lease_seconds
        self._flush_interval = flush_interval
        self._batch_size = batch_size
        self._queue: list[Settlement] = []
        self._wake = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._leaser: asyncio.Task[None] | None = None
        self._closing = False
        self._last_used = last_used if last_used is not None else {}
        self.active: dict[str, Callable[[], int]] = {}
        self.settled_count = 0
        self._flushing = asyncio.Lock()  # flush() returns only once nothing is in flight
        self.quick: QuickWriter | None = None  # set while the relay runs on SQLite

    def start(self) -> None:
        self._closing = False
        self._flusher = asyncio.create_task(self._flush_loop(), name="relaydesk-settle")
        self._leaser = asyncio.create_task(self._lease_loop(), name="relaydesk-lease")

    def submit(self, item: Settlement) -> None:
        """Queue a settlement. Synchronous so it is safe in ``finally`` of a cancelled task."""
        self._queue.append(item)
        if len(self._queue) >= self._batch_size:
            self._wake.set()

    @property
    def queued(self) -> int:
        """Settlements submitted and not yet written (billing still owed to the database)."""
        return len(self._queue)

    async def flush(self) -> None:
        async with self._flushing:
            await self._flush_queue()

    async def _flush_queue(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:self._batch_size], self._queue[self._batch_size:]
            batch = await self._settle_here(batch)
            if not batch:
                continue
            try:
                await self._dbx.run(billing.settle_many, batch)
            except Exception as exc:
                if await self._transient(exc):
                    log.exception("settling %d requests failed; will retry", len(batch))
                    self._queue[:0] = batch
                    raise
                await self._settle_singly(batch)  # the database is fine: some item is bad
                continue
            self.settled_count += len(batch)
            for item in batch:
                self.active.pop(item.request_id, None)

    async def _settle_here(self, batch: list[Settlement]) -> list[Settlement]:
        """Settle ``batch`` on the loop in short transactions, yielding between them; returns
        what is left for the database thread (all of it without a quick writer, the rest once
        one fails: the failed transaction was rolled back, so nothing is settled twice)."""
        start = 0
        try:
            while self.quick is not None and start < len(batch):
                chunk = batch[start:start + QUICK_CHUNK]
                try:
                    self.quick.run(billing.settle_many, chunk)
                except Busy:
                    break
                except Exception:  # the thread path retries it and decides
                    log.warning("settling on the loop failed; the database thread takes over",
                                exc_info=True)
                    break
                start += len(chunk)
                self.settled_count += len(chunk)
                for item in chunk:
                    self.active.pop(item.request_id, None)
                await asyncio.sleep(0)  # let requests (and their holds) in between
        except BaseException:  # cancelled between chunks: what is not written stays queued
            self._queue[:0] = batch[start:]
            raise
        return batch[start:]

    async def _transient(self, exc: Exception) -> bool:
        """Whether a failed write may succeed later: a locked, busy or unreachable database
        (retry everything), as opposed to an item the database will never accept."""
        if isinstance(exc, (peewee.OperationalError, peewee.InterfaceError, OSError)):
            return True
        try:
            await self._dbx.run(db.ping)
        except Exception:  # noqa: BLE001 -- any failure to reach it is what is asked
            return True
        return False

    async def _settle_singly(self, batch: list[Settlement]) -> None:
        """Settle one by one so a single unwritable item cannot stall billing for everyone.

        An item the database refuses for what it is (not because it is locked or down) is
        dropped with an error in the log; its hold then lapses and lease recovery bills the
        last checkpoint, exactly once.
        """
        for index, item in enumerate(batch):
            try:
                await self._dbx.run(billing.settle_many, [item])
            except Exception as exc:
                if await self._transient(exc):
                    self._queue[:0] = batch[index:]  # locked or down meanwhile: retried later
                    raise
                log.exception("could not settle request %s; its hold will be recovered when "
                              "its lease lapses", item.request_id)
            else:
                self.settled_count += 1
            self.active.pop(item.request_id, None)

    async def _flush_loop(self) -> None:
        # Never cancelled (see close): a cancelled executor call that had not started yet
        # would silently drop the batch it was carrying.
        while not self._closing:
            try:
                await asyncio.wait_for(self._wake.wait(), self._flush_interval)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self.flush()
            except Exception:  # noqa: BLE001 -- flush logged it; the queue is kept for later
                if not self._closing:
                    await asyncio.sleep(1.0)  # database busy or down: back off, keep the queue

    async def _lease_loop(self) -> None:
        interval = max(0.05, self.lease_seconds / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                await self.renew()
                await self._dbx.run(billing.recover_expired)
                if self._last_used:
                    used = dict(self._last_used)
                    self._last_used.clear()
                    await self._dbx.run(apikeys.touch_last_used, used)
            except Exception:
                log.exception("lease renewal/recovery failed")

    async def renew(self) -> None:
        if not self.active:
            return
        delivered = {rid: fn() for rid, fn in self.active.items()}
        await self._dbx.run(billing.extend_leases, list(delivered), self.lease_seconds,
                            {k: v for k, v in delivered.items() if v})

    async def close(self) -> None:
        """Stop the jobs and write everything queued. The lease loop is cancelled (what it does
        is repeatable); the flush loop is asked to finish its current batch and stop."""
        if self._leaser is not None:
            self._leaser.cancel()
            try:
                await self._leaser
            except asyncio.CancelledError:
                pass
        if self._flusher is not None:
            self._closing = True
            self._wake.set()
            await self._flusher
        self._leaser = self._flusher = None
        await self.flush()
        if self._last_used:
            await self._dbx.run(apikeys.touch_last_used, dict(self._last_used))
            self._last_used.clear()
