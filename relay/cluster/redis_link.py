"""The relay's one Redis connection (``REDIS_URL``), behind a breaker.

Shared limits must never make Redis a single point of failure: every call is bounded by a short
timeout, and the first error or timeout marks the link down. While it is down nobody waits on
Redis — callers see ``healthy`` False and use their per-instance fallback at once — and one
background probe pings it every ``retry_after`` seconds until it answers. Each transition is
logged once, loudly, so an operator learns that limits are per instance meanwhile.

Health, for ``/healthz``: ``healthy``, ``last_error`` (the most recent failure, kept after a
recovery so a flapping link can be diagnosed) and ``down_since`` (naive UTC, ``None`` while up);
``status()`` gives the three as JSON-ready values.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from app import clock

log = logging.getLogger(__name__)

T = TypeVar("T")

TIMEOUT = 0.25  # a healthy Redis on the LAN answers in about a millisecond
RETRY_AFTER = 3.0
PREFIX = "relaydesk:"
CLOSE_GRACE = 1.0  # pending background writes (releases) get this long at shutdown


class RedisUnavailable(Exception):
    """Redis did not answer (now, or recently enough that the breaker is open)."""


class RedisLink:
    """A redis.asyncio client with health state and a breaker (see the module docstring)."""

    def __init__(self, url: str, *, timeout: float = TIMEOUT, retry_after: float = RETRY_AFTER,
                 prefix: str = PREFIX) -> None:
        self.timeout = timeout
        self.retry_after = retry_after
        self.prefix = prefix
        # No client-side retries: a retry with backoff would hold a request for seconds,
        # while the breaker already answers "use the local fallback" at once.
        self.client: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0), retry_on_timeout=False)
        self.healthy = True
        self.last_error: str | None = None
        self.down_since: datetime | None = None
        self._probe: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    def key(self, *parts: object) -> str:
        """A key under this deployment's prefix."""
        return self.prefix + ":".join(str(p) for p in parts)

    def script(self, lua: str) -> AsyncScript:
        """A Lua script run atomically by Redis (EVALSHA, loaded again after a Redis restart)."""
        return self.client.register_script(lua)

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        """``await call()`` within the timeout; any failure opens the breaker and raises
        :class:`RedisUnavailable`, as does calling while it is open."""
        if not self.healthy:
            raise RedisUnavailable(self.last_error or "Redis is unreachable")
        try:
            async with asyncio.timeout(self.timeout * 2):  # connect + answer, each bounded
                return await call()
        except (RedisError, OSError, TimeoutError) as exc:
            self.mark_down(exc)
            raise RedisUnavailable(self.last_error) from exc

    async def check(self) -> bool:
        """Ping once now (start-up): whether Redis answered; marks the link down if not."""
        try:
            await self.run(self.client.ping)
        except RedisUnavailable:
            return False
        return True

    def mark_down(self, exc: BaseException) -> None:
        self.last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if not self.healthy or self._closed:
            return
        self.healthy = False
        self.down_since = clock.now()
        log.error("Redis unreachable: per-key limits are per instance until it is back (%s)",
                  self.last_error)
        self._probe = asyncio.get_running_loop().create_task(self._probe_until_up())

    def _mark_up(self) -> None:
        since = self.down_since
        self.healthy = True
        self.down_since = None
        seconds = (clock.now() - since).total_seconds() if since is not None else 0.0
        log.warning("Redis is back after %.0f s: per-key limits are shared across instances "
                    "again", seconds)

    async def _probe_until_up(self) -> None:
        while not self._closed:
            await asyncio.sleep(self.retry_after)
            try:
                async with asyncio.timeout(self.timeout * 2):
                    await self.client.ping()
            except (RedisError, OSError, TimeoutError) as exc:
                self.last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                continue
            self._mark_up()
            return

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run a fire-and-forget Redis write (e.g. a release from synchronous code); ``close``
        waits briefly for those still pending."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def status(self) -> dict[str, object]:
        """The health fields as JSON values (``down_since`` as ISO 8601 UTC)."""
        return {"healthy": self.healthy, "last_error": self.last_error,
                "down_since": (self.down_since.isoformat() + "Z"
                               if self.down_since is not None else None)}

    async def drain(self) -> None:
        """Wait for the background writes started so far."""
        if self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self) -> None:
        """Stop probing, let pending writes finish (bounded), close the connections."""
        self._closed = True
        if self._probe is not None:
            self._probe.cancel()
        try:
            await asyncio.wait_for(self.drain(), CLOSE_GRACE)
        except TimeoutError:
            log.warning("closing Redis with %d writes still pending", len(self._tasks))
        await self.client.aclose()
