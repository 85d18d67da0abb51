"""The SQLite write-ahead log, copied back into the database file every second on a thread of
its own.

Left to itself SQLite checkpoints on whichever connection commits once the log passes
``wal_autocheckpoint`` pages; in the relay that is the database thread every hold waits on,
and a small threshold copies the same hot pages (the user rows, the index roots) again after
every few commit batches. app/db.py raises the threshold to a safety net; this task does the
regular work with PASSIVE checkpoints, which neither wait for nor block readers and writers.
"""

import asyncio
import logging

from app import db
from relay.dbexec import DatabaseExecutor

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._dbx: DatabaseExecutor | None = None
        self._task: asyncio.Task[None] | None = None
        self.last: tuple[int, int] | None = None  # (frames in the log, frames copied back)

    def start(self) -> None:
        """Start (SQLite only: PostgreSQL manages its own log)."""
        if db.is_postgres() or self._task is not None:
            return
        self._dbx = DatabaseExecutor(workers=1)  # its own thread, so its own connection
        self._task = asyncio.get_running_loop().create_task(self._run(),
                                                             name="relaydesk-checkpoint")

    async def _run(self) -> None:
        assert self._dbx is not None
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.last = await self._dbx.run(db.checkpoint)
            except Exception:
                log.warning("WAL checkpoint failed; SQLite will checkpoint by itself",
                            exc_info=True)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._dbx is not None:
            dbx, self._dbx = self._dbx, None
            await asyncio.get_running_loop().run_in_executor(None, dbx.shutdown)
