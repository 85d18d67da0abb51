"""Taking holds with group commit: requests that arrive while a batch is being written join the
next batch, so at high concurrency one transaction (and one commit) serves many requests, and
at concurrency 1 a hold is written at once, with no added wait.

The batch is taken by the database thread itself, at the moment it starts writing, so every
hold queued until then rides along. Only one batch is queued or running at a time; its
completion (on the loop) wakes the waiting requests and queues the next batch if holds arrived
meanwhile. No task sits between a hold and its commit (and, below a busy relay's gathering
delay, no extra loop iteration either).

On SQLite the batch is first tried in place, on the loop (app/quickwrite.py): the holds queued
during one loop iteration are committed at the start of the next, with no thread wake-up on
either side. Only when another connection holds the write lock (a settlement batch, the GUI)
does the batch go to the database thread and wait its turn there.

Two refinements, both measured with ``make bench`` (README, Benchmark):

- Gathering. A commit costs about as much as the rows it writes (one hold alone ~75 µs of
  SQLite work, ~24 µs a hold in a batch of 5, ~12 µs in a batch of 24). With many requests
  in flight the relay is busy anyway, so the first hold of a batch waits up to
  ``gather_delay`` for others (or until ``gather_max`` are queued); with few in flight it is
  written at once, as before.
- Overlap. With one request in flight, its hold may be written *after* the request was sent
  upstream and while the provider works on it (:meth:`Reserver.may_overlap`), taking the
  write off the request's latency. Nothing reaches the client before the hold is committed,
  and a refused hold drops the upstream exchange. Only taken when this relay's last hold for
  the user, written in place, left room for twice this one, so a refusal (and a provider call
  spent for nothing) needs another writer to have drained the balance in between (holds the
  database thread writes, and refusals, make the relay forget what it knew).
"""

import asyncio
from collections import deque
from collections.abc import Callable

from app import billing
from app.billing import Hold
from app.errors import ServiceError
from app.quickwrite import Busy, QuickWriter
from relay.dbexec import DatabaseExecutor

_Waiter = tuple[Hold, "asyncio.Future[None]"]
# A written batch: its waiters, per waiter None or the error that refused it, or the error that
# failed the whole batch.
_Outcome = tuple[list[_Waiter], list[ServiceError | None], Exception | None]

# An overlapped hold needs the user's last seen balance to cover this many times the hold.
OVERLAP_MARGIN = 2


class Reserver:
    def __init__(self, dbx: DatabaseExecutor, lease_seconds: float, *,
                 gather_from: int = 16, gather_delay: float = 0.001,
                 gather_max: int = 64) -> None:
        self._dbx = dbx
        self._lease = lease_seconds
        self._gather_from = gather_from  # requests in flight from which holds gather
        self._gather_delay = gather_delay
        self._gather_max = gather_max
        self._gathering: asyncio.TimerHandle | None = None
        self._pending: deque[_Waiter] = deque()  # appended on the loop, taken by the DB thread
        self._busy = False  # a batch is queued or being written (only touched on the loop)
        self._balances: dict[int, int] = {}  # user -> balance after this relay's last hold
        # Called with a hold committed for a request that was cancelled while the database
        # thread wrote it (the client left): the relay gives such a hold back at once.
        self.on_orphan: Callable[[Hold], None] | None = None
        self.quick: QuickWriter | None = None  # set while the relay runs on SQLite
        self.quick_batches = 0  # batches written in place (the rest went to the DB thread)
        self.overlapped = 0  # holds taken after their request went upstream

    async def reserve(self, hold: Hold, *, in_flight: int) -> None:
        """Take ``hold``; raises the service error that refused it (e.g. insufficient balance).

        ``in_flight``: requests the relay is serving, this one included. Alone, on SQLite, the
        hold is written right here, without waiting for the next loop iteration; with many,
        it waits a moment for others to share its commit.
        """
        if in_flight <= 1 and self._write_alone(hold):
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((hold, future))
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

    def may_overlap(self, hold: Hold, in_flight: int) -> bool:
        """Whether ``hold`` may be taken after its request went upstream (see the module)."""
        known = self._balances.get(hold.user_id)
        return (in_flight <= 1 and self.quick is not None and not self._busy
                and not self._pending and known is not None
                and known >= OVERLAP_MARGIN * hold.amount_micros)

    async def overlap(self, hold: Hold) -> None:
        """Take ``hold`` for a request that is already upstream: in place if the lock is free,
        else queued like any other."""
        self.overlapped += 1
        if not self._write_alone(hold):
            await self.reserve(hold, in_flight=2)  # never "alone" again: queue it

    def _write_alone(self, hold: Hold) -> bool:
        """The hold written here and now; ``False`` if that cannot be done (queue it)."""
        if self.quick is None or self._busy or self._pending:
            return False
        try:
            refused = self.quick.run(billing.reserve_many, [hold], self._lease, self._balances)[0]
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
            loop.call_soon(self._write_here, loop)  # holds queued in this iteration join
            return
        self._submit(loop)

    def _submit(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self._dbx.submit(self._write_batch, loop, self._finished_on_thread)
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
                                     self._lease, self._balances)
        except Busy:
            self._pending.extendleft(reversed(batch))
            self._submit(loop)
            return
        except Exception as exc:  # noqa: BLE001 -- database trouble: the whole batch fails
            self._finished((batch, [], exc), None)
            return
        self.quick_batches += 1
        self._finished((batch, results, None), None)

    def _write_batch(self) -> _Outcome:
        """On the database thread: everything queued so far, in one transaction."""
        batch: list[_Waiter] = []
        while self._pending:
            waiter = self._pending.popleft()
            if not waiter[1].done():  # cancelled meanwhile: no hold (see _write_here)
                batch.append(waiter)
        if not batch:
            return batch, [], None
        try:
            # (no balances from here: that dict belongs to the loop)
            return batch, billing.reserve_many([hold for hold, _ in batch], self._lease), None
        except Exception as exc:  # noqa: BLE001 -- database trouble: the whole batch fails
            return batch, [], exc

    def _finished_on_thread(self, outcome: _Outcome | None, error: BaseException | None) -> None:
        """On the loop, after a batch the database thread wrote: its balances were not
        recorded, so what this relay last knew of those users is forgotten (no overlap for
        them until a hold written in place tells again)."""
        if outcome is not None:
            for hold, _ in outcome[0]:
                self._balances.pop(hold.user_id, None)
        self._finished(outcome, error)

    def _finished(self, outcome: _Outcome | None, error: BaseException | None) -> None:
        """On the loop: wake the batch's requests, then write the holds that queued up."""
        self._busy = False
        if outcome is None:  # cannot happen short of a crash in the executor itself
            batch, results, failed = list(self._pending), [], error
            self._pending.clear()
        else:
            batch, results, failed = outcome
        for i, (hold, future) in enumerate(batch):
            if future.done():  # the request was cancelled while its hold was being written
                if failed is None and results[i] is None and self.on_orphan is not None:
                    self.on_orphan(hold)  # written all the same: give it back
                continue
            refused = failed if failed is not None else results[i]
            if refused is None:
                future.set_result(None)
            else:
                future.set_exception(refused)
        if self._pending:
            self._start(asyncio.get_running_loop())
