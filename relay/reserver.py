"""Taking holds with group commit (relay/groupcommit.py): at high concurrency one
transaction (and one commit) serves many requests' holds, and at concurrency 1 a hold is
written at once, with no added wait.

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

from collections.abc import Callable, Sequence

from app import billing
from app.billing import Hold
from relay.dbexec import DatabaseExecutor
from relay.groupcommit import GroupCommit

# An overlapped hold needs the user's last seen balance to cover this many times the hold.
OVERLAP_MARGIN = 2


class Reserver(GroupCommit[Hold]):
    def __init__(self, dbx: DatabaseExecutor, lease_seconds: float, *,
                 gather_from: int = 16, gather_delay: float = 0.001,
                 gather_max: int = 64) -> None:
        super().__init__(dbx, gather_from=gather_from, gather_delay=gather_delay,
                         gather_max=gather_max)
        self._lease = lease_seconds
        self._balances: dict[int, int] = {}  # user -> balance after this relay's last hold
        # Called with a hold committed for a request that was cancelled while the database
        # thread wrote it (the client left): the relay gives such a hold back at once.
        self.on_orphan: Callable[[Hold], None] | None = None
        self.overlapped = 0  # holds taken after their request went upstream

    async def reserve(self, hold: Hold, *, in_flight: int) -> None:
        """Take ``hold``; raises the service error that refused it (e.g. insufficient balance).
        ``in_flight``: requests the relay is serving, this one included."""
        await self.submit(hold, in_flight=in_flight)

    def may_overlap(self, hold: Hold, in_flight: int) -> bool:
        """Whether ``hold`` may be taken after its request went upstream (see the module)."""
        known = self._balances.get(hold.user_id)
        return (in_flight <= 1 and self.quick is not None and self.idle()
                and known is not None and known >= OVERLAP_MARGIN * hold.amount_micros)

    async def overlap(self, hold: Hold) -> None:
        """Take ``hold`` for a request that is already upstream: in place if the lock is free,
        else queued like any other."""
        self.overlapped += 1
        if not self._write_alone(hold):
            await self.reserve(hold, in_flight=2)  # never "alone" again: queue it

    def _write(self, items: list[Hold], here: bool) -> Sequence[Exception | None]:
        # The balances dict belongs to the loop: only holds written there update it.
        return billing.reserve_many(items, self._lease, self._balances if here else None)

    def _orphaned(self, item: Hold) -> None:
        if self.on_orphan is not None:
            self.on_orphan(item)  # written all the same: give it back

    def _written_on_thread(self, items: list[Hold]) -> None:
        """Their balances were not recorded, so what this relay last knew of those users is
        forgotten (no overlap for them until a hold written in place tells again)."""
        for hold in items:
            self._balances.pop(hold.user_id, None)
