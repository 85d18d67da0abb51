"""Taking holds with group commit: requests that arrive while a batch is being written join the
next batch, so at high concurrency one transaction (and one commit) serves many requests, and
at concurrency 1 a hold is written at once, with no added wait."""

import asyncio

from app import billing
from app.billing import Hold
from relay.dbexec import DatabaseExecutor


class Reserver:
    def __init__(self, dbx: DatabaseExecutor, lease_seconds: float) -> None:
        self._dbx = dbx
        self._lease = lease_seconds
        self._pending: list[tuple[Hold, asyncio.Future[None]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def reserve(self, hold: Hold) -> None:
        """Take ``hold``; raises the service error that refused it (e.g. insufficient balance)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((hold, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain(), name="relaydesk-reserve")
        await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    results = await self._dbx.run(billing.reserve_many,
                                                  [hold for hold, _ in batch], self._lease)
                except Exception as exc:  # database trouble: every request in the batch fails
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), error in zip(batch, results):
                    if future.done():
                        continue
                    if error is None:
                        future.set_result(None)
                    else:
                        future.set_exception(error)
        finally:
            self._drainer = None
