"""Run service-layer (database) calls off the event loop.

peewee is synchronous: even a short SQLite write can wait seconds on a lock held by another
process, and every PostgreSQL call is a network round trip. The relay shares its loop with the
GUI, so all of them go through this executor. SQLite gets one thread (its writes are serialised
anyway and one thread avoids busy-waiting against ourselves); PostgreSQL gets several.

The threads are our own rather than a ``ThreadPoolExecutor``: a call is one queue put and one
``call_soon_threadsafe`` back, with no ``concurrent.futures.Future`` to wrap and chain — the
relay makes this hop for every request's hold, so its cost is on the latency path. A call that
was queued always runs, even if the coroutine awaiting it is cancelled meanwhile (a dropped
settlement batch would lose money and log rows).
"""

import asyncio
import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from app import db

P = ParamSpec("P")
T = TypeVar("T")

_Job = tuple[Callable[[], Any], asyncio.AbstractEventLoop | None, Callable[..., None] | None]


class DatabaseExecutor:
    def __init__(self, workers: int | None = None) -> None:
        if workers is None:
            workers = 8 if db.is_postgres() else 1
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=_work, args=(self._jobs,),
                                          name=f"relaydesk-db_{i}", daemon=True)
                         for i in range(workers)]
        self._closed = False
        for thread in self._threads:
            thread.start()
        # Like ThreadPoolExecutor: an executor dropped without shutdown() stops its threads.
        weakref.finalize(self, _stop, self._jobs, workers)

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self.submit(lambda: fn(*args, **kwargs), loop, _Outcome(future).deliver)
        return await future

    def submit(self, call: Callable[[], Any], loop: asyncio.AbstractEventLoop | None = None,
               done: Callable[[Any, BaseException | None], None] | None = None) -> None:
        """Queue ``call`` for a database thread; ``done(result, error)`` then runs on ``loop``.

        The low-level form of :meth:`run`, for callers that batch (the reserver)."""
        if self._closed:
            raise RuntimeError("the database executor is shut down")
        self._jobs.put((call, loop, done))

    def shutdown(self) -> None:
        """Finish every queued call, close the threads' connections, stop the threads."""
        if self._closed:
            return
        self._closed = True
        _stop(self._jobs, len(self._threads))
        for thread in self._threads:
            thread.join()


def _stop(jobs: "queue.SimpleQueue[_Job | None]", workers: int) -> None:
    for _ in range(workers):
        jobs.put(None)


def _work(jobs: "queue.SimpleQueue[_Job | None]") -> None:
    try:
        while (job := jobs.get()) is not None:
            call, loop, done = job
            try:
                result, error = _call(call), None
            except BaseException as exc:  # noqa: BLE001 -- handed to the awaiting coroutine
                result, error = None, exc
            if done is None:
                continue
            try:
                loop.call_soon_threadsafe(done, result, error)  # type: ignore[union-attr]
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                pass
            del job, call, result, error  # no reference cycles through a traceback
    finally:
        db.close_database()


class _Outcome:
    """Completes one asyncio future from the loop thread (unless it was cancelled)."""

    __slots__ = ("future",)

    def __init__(self, future: "asyncio.Future[Any]") -> None:
        self.future = future

    def deliver(self, result: Any, error: BaseException | None) -> None:
        if self.future.done():
            return
        if error is None:
            self.future.set_result(result)
        else:
            self.future.set_exception(error)


def _call(fn: Callable[[], T]) -> T:
    if db.database.obj is not None and db.database.is_closed():
        db.database.connect(reuse_if_open=True)
    return fn()
