"""Jobs that must run once across the relays sharing a PostgreSQL database (retention, mail,
payment polling, notifications, the portal's session sweep) run on the one relay holding the
job's lock (:mod:`app.joblock`), and move to another when that relay dies or loses its database
connection.

Each job gets a runner task: it tries the lock every ``retry_s`` seconds on a thread of its own
(the event loop never waits on PostgreSQL), starts the job once the lock is taken, and checks
the lock's connection every ``check_s`` seconds; when the connection is lost the job is
cancelled here (another relay may already hold the lock) and the runner goes back to trying.
On SQLite one process serves: the job simply runs, no thread, no connection.

Which jobs this relay runs now is in the app's :data:`JOBS` registry (for ``/healthz``).
"""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from aiohttp import web

from app.joblock import JobLock

log = logging.getLogger(__name__)

T = TypeVar("T")
JobFactory = Callable[[], Coroutine[Any, Any, None]]  # makes a fresh job loop on each takeover

# Read when a runner is made (not bound as defaults), so tests can shrink them.
RETRY_S = 5.0  # how often a relay not running the job tries to take it
CHECK_S = 3.0  # how often the running relay checks it still holds the lock


class JobRegistry:
    """The singleton jobs of one relay: ``held`` are running here now, ``known`` have a runner
    here (held or waiting for the lock), ``refused`` counts each job's attempts that found the
    lock held elsewhere or PostgreSQL unreachable."""

    def __init__(self) -> None:
        self.held: set[str] = set()
        self.known: set[str] = set()
        self.refused: dict[str, int] = {}

    def snapshot(self) -> dict[str, list[str]]:
        """For a health page: ``{"held": [...], "waiting": [...]}``, sorted."""
        return {"held": sorted(self.held), "waiting": sorted(self.known - self.held)}


JOBS: web.AppKey[JobRegistry] = web.AppKey("relaydesk_jobs", JobRegistry)


def install(app: web.Application) -> JobRegistry:
    """Give ``app`` its registry (while it is being built: a started app is frozen)."""
    if JOBS not in app:
        app[JOBS] = JobRegistry()
    return app[JOBS]


def registry(app: web.Application) -> JobRegistry:
    """``app``'s registry; a detached one when the app never got one (a bare test app)."""
    found = app.get(JOBS)
    if found is None:
        return install(app) if not app.frozen else JobRegistry()
    return found


class SingletonJob:
    """Runs ``job()`` only while holding the lock named ``name``. ``start()``, then ``stop()``
    (which cancels the job if it runs here and gives the lock up)."""

    def __init__(self, name: str, job: JobFactory, *, registry: JobRegistry | None = None,
                 task_name: str | None = None, retry_s: float | None = None,
                 check_s: float | None = None, lock: JobLock | None = None) -> None:
        self.name = name
        self.task_name = task_name or f"relaydesk-{name}"
        self.registry = registry if registry is not None else JobRegistry()
        self.retry_s = RETRY_S if retry_s is None else retry_s
        self.check_s = CHECK_S if check_s is None else check_s
        self.lock = JobLock(name) if lock is None else lock
        self.refused = 0  # attempts that found the lock held elsewhere (or unreachable)
        self.takeovers = 0  # times the job started here
        self._job = job
        self._runner: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None
        # One thread per lock: its connection is used by one thread at a time, in call order,
        # so a release queued at stop always follows an acquire still in flight.
        self._thread: ThreadPoolExecutor | None = (
            ThreadPoolExecutor(1, thread_name_prefix=f"relaydesk-joblock-{name}")
            if self.lock.shared else None)

    @property
    def running(self) -> bool:
        """The job runs in this relay now."""
        return self._task is not None and not self._task.done()

    def start(self) -> "SingletonJob":
        self.registry.known.add(self.name)
        first = None
        if not self.lock.shared:  # SQLite: the job starts at once, as it always did
            self.lock.acquire()
            first = self._launch()
        self._runner = asyncio.create_task(self._run(first),
                                           name=f"relaydesk-singleton-{self.name}")
        return self

    async def stop(self) -> None:
        """Stop the job here (a batch in progress completes first) and release its lock."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        runner.cancel()
        await asyncio.wait([runner])
        if not runner.cancelled() and runner.exception() is not None:
            log.error("the runner of job %s failed", self.name, exc_info=runner.exception())
        task, self._task = self._task, None
        if task is not None:  # the runner was cancelled before it could wait for the job
            await _cancel(task)
            self.registry.held.discard(self.name)
        try:
            await self._call(self.lock.release)
        finally:
            self.registry.known.discard(self.name)
            if self._thread is not None:
                self._thread.shutdown(wait=False)

    async def _call(self, fn: Callable[[], T]) -> T:
        if self._thread is None:
            return fn()  # SQLite: no I/O
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn)

    async def _run(self, first: "asyncio.Task[None] | None") -> None:
        if first is not None:
            await self._hold(first)
            return
        unreachable = False  # warn once per outage, not at every attempt
        while True:
            try:
                got = await self._call(self.lock.acquire)
            except Exception as exc:  # noqa: BLE001 - PostgreSQL unreachable: try again later
                log.log(logging.DEBUG if unreachable else logging.WARNING,
                        "job %s: cannot take its lock on PostgreSQL (%s); trying every %.0f s",
                        self.name, str(exc).strip(), self.retry_s)
                unreachable, got = True, False
            else:
                unreachable = False
            if got:
                await self._hold(self._launch())
            else:
                self.refused += 1
                self.registry.refused[self.name] = self.registry.refused.get(self.name, 0) + 1
            await asyncio.sleep(self.retry_s)

    def _launch(self) -> "asyncio.Task[None]":
        """Start the job (the lock is held)."""
        self.takeovers += 1
        self.registry.held.add(self.name)
        log.log(logging.INFO if self.lock.shared else logging.DEBUG, "took over job %s",
                self.name)
        self._task = asyncio.create_task(self._job(), name=self.task_name)
        return self._task

    async def _hold(self, task: "asyncio.Task[None]") -> None:
        """Wait while the job runs until it ends or the lock is lost; then stop it and give
        the lock up."""
        shared = self.lock.shared
        try:
            while True:
                done, _ = await asyncio.wait([task], timeout=self.check_s if shared else None)
                if done:
                    self._ended(task)
                    return
                if not await self._call(self.lock.is_alive):
                    log.warning("job %s: lost its lock (the database connection holding it "
                                "failed); stopping it here, another relay may take it over",
                                self.name)
                    return
        finally:
            await _cancel(task)
            self._task = None
            self.registry.held.discard(self.name)
            await self._call(self.lock.release)
            log.log(logging.INFO if shared else logging.DEBUG, "gave up job %s", self.name)

    def _ended(self, task: "asyncio.Task[None]") -> None:
        error = None if task.cancelled() else task.exception()
        again = "; its lock is released and taken again" if self.lock.shared else ""
        if error is not None:
            log.error("job %s failed%s", self.name, again, exc_info=error)
        else:
            log.warning("job %s ended by itself%s", self.name, again)


async def _cancel(task: "asyncio.Task[None]") -> None:
    """Cancel ``task`` and wait for it to wind down; a cancellation of our own still goes on."""
    task.cancel()
    await asyncio.wait([task])
    if not task.cancelled():
        task.exception()  # retrieved: already reported by _ended when the job failed


def start(app: web.Application, name: str, job: JobFactory, *,
          task_name: str | None = None) -> SingletonJob:
    """Run ``job()`` in ``app``'s relay whenever it holds the lock ``name``; ``await
    runner.stop()`` on shutdown."""
    return SingletonJob(name, job, registry=registry(app), task_name=task_name).start()
