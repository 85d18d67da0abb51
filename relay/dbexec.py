"""Run service-layer (database) calls off the event loop.

peewee is synchronous: even a short SQLite write can wait seconds on a lock held by another
process, and every PostgreSQL call is a network round trip. The relay shares its loop with the
GUI, so all of them go through this executor. SQLite gets one thread (its writes are serialised
anyway and one thread avoids busy-waiting against ourselves); PostgreSQL gets several.
"""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from app import db

P = ParamSpec("P")
T = TypeVar("T")


class DatabaseExecutor:
    def __init__(self, workers: int | None = None) -> None:
        if workers is None:
            workers = 8 if db.is_postgres() else 1
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="relaydesk-db")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(_call, fn, *args,
                                                                        **kwargs))

    def shutdown(self) -> None:
        self._pool.submit(db.close_database)
        self._pool.shutdown(wait=True)


def _call(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    if db.database.obj is not None and db.database.is_closed():
        db.database.connect(reuse_if_open=True)
    return fn(*args, **kwargs)
