"""Taking holds with group commit: requests that arrive while a batch is being written join the
next batch, so at high concurrency one transaction (and one commit) serves many requests, and
at concurrency 1 a hold is written at once, with no added wait.

The batch is taken by the database thread itself, at the moment it starts writing, so every
hold queued until then rides along. Only one batch is queued or running at a time; its
completion (on the loop) wakes the waiting requests and queues the next batch if holds arrived
meanwhile. No task and no extra loop iteration sit between a hold and its commit.

On SQLite the batch is first tried in place, on the loop (app/quickwrite.py): the holds queued
during one loop iteration are committed at the start of the next, with no thread wake-up on
either side. Only when another connection holds the write lock (a settlement batch, the GUI)
does the batch go to the database thread and wait its turn there.
"""

import asyncio
from collections import deque

from app import billing
from app.billing import Hold
from app.errors import ServiceError
from app.quickwrite import Busy, QuickWriter
from relay.dbexec import DatabaseExecutor

_Waiter = tuple[Hold, "asyncio.Future[None]"]


class Reserver:
    def __init__(self, dbx: DatabaseExecutor, lease_seconds: float) -> None:
        self._dbx = dbx
        self._lease = lease_seconds
        self._pending: deque[_Waiter] = deque()  # appended on the loop, taken by the DB thread
        self._busy = False  # a batch is queued or being written (only touched on the loop)
        self.quick: QuickWriter | None = None  # set while the relay runs on SQLite
        self.quick_batches = 0  # batches written in place (the rest went to the DB thread)

    async def reserve(self, hold: Hold, *, alone: bool = False) -> None:
        """Take ``hold``; raises the service error that refused it (e.g. insufficient balance).

        ``alone``: no other request is in flight, so no other hold can join a batch; on SQLite
        the hold is then written right here, without waiting for the next loop iteration.
        """
        if alone and self.quick is not None and not self._busy and not self._pending:
            try:
                refused = self.quick.run(billing.reserve_many, [hold], self._lease)[0]
            except Busy:
                pass  # another connection is writing: queue it like any other
            else:
                self.quick_batches += 1
                if refused is not None:
                    raise refused
                return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((hold, future))
        if not self._busy:
            self._start(loop)
        await future

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._busy = True
        if self.quick is not None:
            loop.call_soon(self._write_here, loop)  # holds queued in this iteration join
            return
        self._submit(loop)

    def _submit(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self._dbx.submit(self._write_batch, loop, self._finished)
        except BaseException:
            self._busy = False
            raise

    def _write_here(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the loop: everything queued so far, in one quick transaction if the lock is free."""
        if self.quick is None:  # the relay stopped meanwhile
            self._submit(loop)
            return
        # A request cancelled while it waited (client gone) takes no hold: written now, it
        # would sit on the balance until its lease lapsed.
        batch = [waiter for waiter in self._pending if not waiter[1].done()]
        self._pending.clear()
        if not batch:
            self._busy = False
            return
        try:
            results = self.quick.run(billing.reserve_many, [hold for hold, _ in batch],
                                     self._lease)
        except Busy:
            self._pending.extendleft(reversed(batch))
            self._submit(loop)
            return
        except Exception as exc:  # noqa: BLE001 -- database trouble: the whole batch fails
            self._finished((batch, [], exc), None)
            return
        self.quick_batches += 1
        self._finished((batch, results, None), None)

    def _write_batch(self) -> tuple[list[_Waiter], list[ServiceError | None], Exception | None]:
        """On the database thread: everything queued so far, in one transaction."""
        batch: list[_Waiter] = []
        while self._pending:
            waiter = self._pending.popleft()
            if not waiter[1].done():  # cancelled meanwhile: no hold (see _write_here)
                batch.append(waiter)
        if not batch:
            return batch, [], None
        try:
            return batch, billing.reserve_many([hold for hold, _ in batch], self._lease), None
        except Exception as exc:  # noqa: BLE001 -- database trouble: the whole batch fails
            return batch, [], exc

    def _finished(self, outcome: tuple[list[_Waiter], list[ServiceError | None],
                                       Exception | None] | None,
                  error: BaseException | None) -> None:
        """On the loop: wake the batch's requests, then write the holds that queued up."""
        self._busy = False
        if outcome is None:  # cannot happen short of a crash in the executor itself
            batch, results, failed = list(self._pending), [], error
            self._pending.clear()
        else:
            batch, results, failed = outcome
        for i, (_, future) in enumerate(batch):
            if future.done():
                continue  # the request was cancelled meanwhile; its hold expires by lease
            refused = failed if failed is not None else results[i]
            if refused is None:
                future.set_result(None)
            else:
                future.set_exception(refused)
        if self._pending:
            self._start(asyncio.get_running_loop())
