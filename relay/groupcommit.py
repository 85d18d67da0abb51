"""Group commit for writes a request must wait for (its hold, its settlement): requests that
arrive while a batch is being written join the next batch, so at high concurrency one
transaction (and one commit) serves many requests, and at concurrency 1 a write happens at
once, with no added wait.

The batch is taken by the database thread itself, at the moment it starts writing, so every
item queued until then rides along. Only one batch is queued or running at a time; its
completion (on the loop) wakes the waiting requests and queues the next batch if items arrived
meanwhile. No task sits between an item and its commit.

On SQLite the batch is first tried in place, on the loop (app/quickwrite.py): the items queued
during one loop iteration are committed at the start of the next, with no thread wake-up on
either side. Only when another connection holds the write lock (a settlement batch, the GUI)
does the batch go to the database thread and wait its turn there.

Gathering: a commit costs about as much as the rows it writes, so with many requests in flight
(the relay is busy anyway) the first item of a batch waits up to ``gather_delay`` for others
(or until ``gather_max`` are queued); with few in flight it is written at once.
"""

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import Generic, TypeVar

from app.quickwrite import Busy, QuickWriter
from relay.dbexec import DatabaseExecutor

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Batches items of one kind into shared transactions; subclasses say how to write them.

    Attributes:
        quick: set while the relay runs on SQLite (writes on the loop when the lock is free).
        quick_batches: batches written in place (the rest went to the database thread).
    """

    def __init__(self, dbx: DatabaseExecutor, *, gather_from: int = 16,
                 gather_delay: float = 0.001, gather_max: int = 64) -> None:
        self._dbx = dbx
        self._gather_from = gather_from  # requests in flight from which items gather
        self._gather_delay = gather_delay
        self._gather_max = gather_max
        self._gathering: asyncio.TimerHandle | None = None
        # appended on the loop, taken by the database thread
        self._pending: deque[tuple[T, asyncio.Future[None]]] = deque()
        self._busy = False  # a batch is queued or being written (only touched on the loop)
        self.quick: QuickWriter | None = None
        self.quick_batches = 0

    # -- what a subclass provides ---------------------------------------------------------------
    def _write(self, items: list[T]) -> Sequence[Exception | None]:
        """Write ``items`` in one transaction (a service function that opens its own: on the
        loop it joins the quick writer's); per item ``None`` or the error that refused it."""
        raise NotImplementedError

    def _orphaned(self, item: T) -> None:
        """``item`` was written for a request that was cancelled meanwhile (the client left)."""

    # -- the machinery --------------------------------------------------------------------------
    async def submit(self, item: T, *, in_flight: int) -> None:
        """Write ``item``; raises the error that refused it.

        ``in_flight``: requests the relay is serving, this one included. Alone, on SQLite, the
        item is written right here, without waiting for the next loop iteration; with many,
        it waits a moment for others to share its commit.
        """
        if in_flight <= 1 and self._write_alone(item):
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((item, future))
        if self._gathering is not None and len(self._pending) >= self._gather_max:
            self._gathering.cancel()
            self._gathering = None
            self._start(loop)
        elif not self._busy:
            if in_flight >= self._gather_from:
                self._busy = True
                self._gathering = loop.call_later(self._gather_delay, self._gathered, loop)
            else:
                self._start(loop)
        await future

    def idle(self) -> bool:
        """No batch is queued or being written."""
        return not self._busy and not self._pending

    def _write_alone(self, item: T) -> bool:
        """The item written here and now; ``False`` if that cannot be done (queue it)."""
        if self.quick is None or not self.idle():
            return False
        try:
            refused = self.quick.run(self._write, [item])[0]
        except Busy:
            return False  # another connection is writing: queue it like any other
        self.quick_batches += 1
        if refused is not None:
            raise refused
        return True

    def _gathered(self, loop: asyncio.AbstractEventLoop) -> None:
        self._gathering = None
        if self.quick is not None:
            self._write_here(loop)  # already a loop callback: no need to wait one more
        else:
            self._submit(loop)

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._busy = True
        if self.quick is not None:
            loop.call_soon(self._write_here, loop)  # items queued in this iteration join
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
        # A request cancelled while it waited (client gone) needs no write.
        batch = [waiter for waiter in self._pending if not waiter[1].done()]
        self._pending.clear()
        if not batch:
            self._busy = False
            return
        try:
            results = self.quick.run(self._write, [item for item, _ in batch])
        except Busy:
            self._pending.extendleft(reversed(batch))
            self._submit(loop)
            return
        except Exception as exc:  # noqa: BLE001 -- database trouble, or one item it refuses
            if len(batch) == 1:
                self._finished((batch, [], exc), None)
                return
            self._pending.extendleft(reversed(batch))  # the thread writes them one by one
            self._submit(loop)
            return
        self.quick_batches += 1
        self._finished((batch, results, None), None)

    def _write_batch(self) -> "_Batch[T]":
        """On the database thread: everything queued so far, in one transaction."""
        batch = []
        while self._pending:
            waiter = self._pending.popleft()
            if not waiter[1].done():  # cancelled meanwhile: no write (see _write_here)
                batch.append(waiter)
        if not batch:
            return batch, [], None
        items = [item for item, _ in batch]
        try:
            return batch, self._write(items), None
        except Exception as exc:  # noqa: BLE001 -- database trouble, or one item it refuses
            if len(items) == 1:
                return batch, [], exc
        # One request's item must not fail the others that shared its transaction.
        return batch, [self._write_one(item) for item in items], None

    def _write_one(self, item: T) -> Exception | None:
        try:
            return self._write([item])[0]
        except Exception as exc:  # noqa: BLE001 -- this item's own error
            return exc

    def _finished(self, outcome: "_Batch[T] | None", error: BaseException | None) -> None:
        """On the loop: wake the batch's requests, then write the items that queued up."""
        self._busy = False
        results: Sequence[Exception | None]
        if outcome is None:  # cannot happen short of a crash in the executor itself
            batch, results, failed = list(self._pending), [], error
            self._pending.clear()
        else:
            batch, results, failed = outcome
        for i, (item, future) in enumerate(batch):
            if future.done():  # the request was cancelled while its item was being written
                if failed is None and results[i] is None:
                    self._orphaned(item)
                continue
            refused = failed if failed is not None else results[i]
            if refused is None:
                future.set_result(None)
            else:
                future.set_exception(refused)
        if self._pending:
            self._start(asyncio.get_running_loop())


# A written batch: its waiters, per waiter None or the error that refused it, or the error that
# failed the whole batch.
_Batch = tuple[list[tuple[T, "asyncio.Future[None]"]], Sequence[Exception | None],
               Exception | None]
