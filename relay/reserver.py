"""Taking holds with group commit (relay/groupcommit.py): at high concurrency one
transaction (and one commit) serves many requests' holds, and at concurrency 1 a hold is
written at once, with no added wait.

Gathering, measured with ``make bench`` (bench/README.md): a commit costs about as much as
the rows it writes, so with many requests in flight the first hold of a batch waits up to
``gather_delay`` for others (or until ``gather_max`` are queued); with few in flight it is
written at once.
"""

from collections.abc import Callable, Sequence

from app import billing
from app.billing import Hold
from relay.dbexec import DatabaseExecutor
from relay.groupcommit import GroupCommit


class Reserver(GroupCommit[Hold]):
    def __init__(self, dbx: DatabaseExecutor, lease_seconds: float, *,
                 gather_from: int = 16, gather_delay: float = 0.001,
                 gather_max: int = 64) -> None:
        super().__init__(dbx, gather_from=gather_from, gather_delay=gather_delay,
                         gather_max=gather_max)
        self._lease = lease_seconds
        # Called with a hold committed for a request that was cancelled while the database
        # thread wrote it (the client left): the relay gives such a hold back at once.
        self.on_orphan: Callable[[Hold], None] | None = None

    async def reserve(self, hold: Hold, *, in_flight: int) -> None:
        """Take ``hold``; raises the service error that refused it (e.g. insufficient balance).
        ``in_flight``: requests the relay is serving, this one included."""
        await self.submit(hold, in_flight=in_flight)

    def _write(self, items: list[Hold]) -> Sequence[Exception | None]:
        return billing.reserve_many(items, self._lease)

    def _orphaned(self, item: Hold) -> None:
        if self.on_orphan is not None:
            self.on_orphan(item)  # written all the same: give it back
