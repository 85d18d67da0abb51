"""Run service-layer (database) calls off the event loop.

peewee is synchronous: even a short SQLite write can wait seconds on a lock held by another
process, and every PostgreSQL call is a network round trip. So all of them go through this
executor, a ``ThreadPoolExecutor``: one thread for SQLite (its writes are serialised anyway,
and one thread avoids busy-waiting against ourselves), several for PostgreSQL.

A call that was queued always runs, even if the coroutine awaiting it is cancelled meanwhile:
a dropped settlement batch would lose money and log rows.
"""

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from app import db

P = ParamSpec("P")
T = TypeVar("T")

Done = Callable[[Any, BaseException | None], None]


class DatabaseExecutor:
    def __init__(self, workers: int | None = None) -> None:
        if workers is None:
            workers = 8 if db.is_postgres() else 1
        self._started = 0  # threads the pool started, each with its own database connection
        self._count_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="relaydesk-db",
                                        initializer=self._thread_started)
        self._closed = False

    def _thread_started(self) -> None:
        with self._count_lock:
            self._started += 1

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        future = self._submit(functools.partial(fn, *args, **kwargs))
        # shield: cancelling the caller leaves the call (and its result) to the pool
        return await asyncio.shield(asyncio.wrap_future(future))

    def submit(self, call: Callable[[], Any], loop: asyncio.AbstractEventLoop | None = None,
               done: Done | None = None) -> None:
        """Queue ``call`` for a database thread; ``done(result, error)`` then runs on ``loop``.

        The low-level form of :meth:`run`, for callers that batch (relay/groupcommit.py)."""
        future = self._submit(call)
        if done is not None and loop is not None:
            future.add_done_callback(functools.partial(_deliver, loop, done))

    def _submit(self, call: Callable[[], T]) -> "Future[T]":
        if self._closed:
            raise RuntimeError("the database executor is shut down")
        return self._pool.submit(_call, call)

    def shutdown(self) -> None:
        """Finish every queued call, close the threads' connections, stop the threads."""
        if self._closed:
            return
        self._closed = True
        threads = self._started
        if threads:
            barrier = threading.Barrier(threads)
            for _ in range(threads):  # each waits for the others: one per thread
                self._pool.submit(_close_connection, barrier)
        self._pool.shutdown(wait=True)


def _call(fn: Callable[[], T]) -> T:
    if db.database.obj is not None and db.database.is_closed():
        db.database.connect(reuse_if_open=True)
    return fn()


def _deliver(loop: asyncio.AbstractEventLoop, done: Done, future: "Future[Any]") -> None:
    error = future.exception()
    result = None if error is not None else future.result()
    try:
        loop.call_soon_threadsafe(done, result, error)
    except RuntimeError:  # the loop is closed: nobody is waiting any more
        pass


def _close_connection(barrier: threading.Barrier) -> None:
    db.close_database()
    try:
        barrier.wait(timeout=10)
    except threading.BrokenBarrierError:  # a thread busy elsewhere: its connection closes with it
        pass
