"""Per-key limits (RPM, TPM, concurrency) exact across relay instances, counted in Redis.

The same public interface as relay/limits.py's ``RateLimiter`` (``admit``, ``release``,
``refresh``, ``close``, ``limits``, ``defaults``), with the same semantics — sliding windows,
a request counted at its token estimate until ``release`` corrects it to the tokens used — but
every check and count is one atomic Lua script (relay/cluster/limit_scripts.py), so N
instances together admit what one would.

Redis is never a reason to refuse traffic: while the link is down (relay/cluster/redis_link.py)
requests are admitted by an embedded ``RateLimiter`` with the same defaults, i.e. per-instance
limits, and shared counting resumes as soon as the link is back.

A concurrency slot is a lease renewed every third of ``lease`` while the request runs, so an
instance that dies holding slots gives them back within ``lease``. ``release`` is synchronous
(the relay calls it in a ``finally``) and sends its Redis write as a background task: a
client's very next request can, rarely, reach Redis before that write, and then sees its
previous slot still taken — the shared count errs strict, never lenient.
"""

import asyncio
import functools
import itertools
import logging
import time
import uuid
from dataclasses import dataclass

from app import events
from app.apikeys import KeyInfo
from relay.cluster import limit_scripts
from relay.cluster.redis_link import RedisLink, RedisUnavailable
from relay.dbexec import DatabaseExecutor
from relay.limits import WINDOW, Limits, RateLimiter, Ticket, rate_limited

log = logging.getLogger(__name__)

LEASE = 15.0  # seconds a crashed instance's concurrency slots outlive it
MICROS = 1_000_000


@dataclass(slots=True)
class SharedTicket(Ticket):
    """A request counted in Redis: ``member`` names its entries there."""

    member: str = ""
    counted: bool = False  # False: no limit applied, nothing to give back


class SharedRateLimiter:
    """Per-key limits shared through Redis, per instance while Redis is down (see above)."""

    def __init__(self, dbx: DatabaseExecutor | None, link: RedisLink, *, ttl: float = 2.0,
                 window: float = WINDOW, lease: float = LEASE) -> None:
        self._dbx = dbx
        self.link = link
        self._ttl = ttl
        self.window = window
        self.lease = lease
        self.local = RateLimiter(dbx, ttl=ttl, window=window)  # Redis down: limits per instance
        self._admit = link.script(limit_scripts.ADMIT)
        self._release = link.script(limit_scripts.RELEASE)
        self._renew = link.script(limit_scripts.RENEW)
        self._in_flight = link.script(limit_scripts.IN_FLIGHT)
        self._instance = uuid.uuid4().hex[:12]  # members stay unique across instances
        self._serial = itertools.count()
        self._held: dict[int, set[str]] = {}  # key_id -> members whose leases this one renews
        self._renewer: asyncio.Task[None] | None = None
        self._loaded_at = float("-inf")
        self._dirty = dbx is not None
        self._refreshing: asyncio.Task[None] | None = None
        self._unsubscribe = events.subscribe(events.SETTINGS, self._mark_dirty)

    # --- defaults (the operator's settings), kept in the embedded limiter -------------------

    @property
    def defaults(self) -> Limits:
        return self.local.defaults

    def set_defaults(self, defaults: Limits) -> None:
        self.local.set_defaults(defaults)
        self._loaded_at = time.monotonic()

    def limits(self, key: KeyInfo) -> Limits:
        """The key's own limits where set, the operator's defaults elsewhere."""
        return self.local.limits(key)

    def _mark_dirty(self) -> None:
        self._dirty = True  # may run on a DB or GUI thread: only set a flag

    async def refresh(self) -> None:
        """Reload the operator's default limits."""
        if self._dbx is None:
            return
        self._dirty = False
        await self.local.refresh()
        self._loaded_at = time.monotonic()

    async def _refresh_quietly(self) -> None:
        try:
            await self.refresh()
        except Exception:  # the database is briefly unreachable: keep the last defaults
            self._dirty = False
            log.warning("could not reload the default rate limits; keeping the last ones",
                        exc_info=True)

    async def _fresh_defaults(self) -> None:
        """As RateLimiter.admit: awaited after an in-process change, else in the background."""
        if self._dbx is None:
            return
        if self._dirty:
            await self._refresh_quietly()
        elif time.monotonic() - self._loaded_at > self._ttl and (
                self._refreshing is None or self._refreshing.done()):
            self._refreshing = asyncio.get_running_loop().create_task(self._refresh_quietly())

    def close(self) -> None:
        """Stop renewing leases and reloading defaults (the link is closed by its owner)."""
        self._unsubscribe()
        self.local.close()
        for task in (self._renewer, self._refreshing):
            if task is not None:
                task.cancel()

    # --- admission ---------------------------------------------------------------------------

    def _keys(self, key_id: int) -> list[str]:
        tag = f"{{{key_id}}}"
        return [self.link.key("lim", tag, part) for part in ("req", "tok", "amt", "slots")]

    async def admit(self, key: KeyInfo, tokens: int) -> Ticket:
        """Count one request of ``key`` expected to use ``tokens`` on every instance, or raise
        the 429; Redis unreachable: the embedded per-instance limiter decides."""
        await self._fresh_defaults()
        limits = self.limits(key)
        tokens = max(0, tokens)
        if not (limits.rpm or limits.tpm or limits.concurrency):
            return SharedTicket(key.key_id, tokens, None)  # unlimited: nothing to count
        if not self.link.healthy:
            return self.local.try_admit(key, tokens)
        member = f"{self._instance}:{next(self._serial)}"
        call = functools.partial(
            self._admit, keys=self._keys(key.key_id),
            args=[limits.rpm, limits.tpm, limits.concurrency, tokens, member,
                  round(self.window * MICROS), round(self.lease * MICROS)])
        try:
            code, wait = await self.link.run(call)
        except RedisUnavailable:
            return self.local.try_admit(key, tokens)
        if code == 1:
            raise rate_limited(f"{limits.concurrency} concurrent requests", 1.0)
        if code == 2:
            raise rate_limited(f"{limits.rpm} requests per minute", int(wait) / MICROS)
        if code == 3:
            raise rate_limited(f"{limits.tpm} tokens per minute", int(wait) / MICROS)
        self._hold(key.key_id, member)
        return SharedTicket(key.key_id, tokens, None, member=member, counted=True)

    def release(self, ticket: Ticket, used_tokens: int | None = None) -> None:
        """The request is over: free its slot on every instance and correct its token count
        to ``used_tokens``. Safe to call twice."""
        if not isinstance(ticket, SharedTicket):
            self.local.release(ticket, used_tokens)  # admitted while Redis was down
            return
        if ticket.released or not ticket.counted:
            ticket.released = True
            return
        ticket.released = True
        self._unhold(ticket.key_id, ticket.member)
        if not self.link.healthy:
            return  # its slot ends with its lease; its token estimate stands (errs strict)
        used = -1 if used_tokens is None else max(0, used_tokens)
        self.link.spawn(self._release_in_redis(ticket.key_id, ticket.member, used))

    async def _release_in_redis(self, key_id: int, member: str, used: int) -> None:
        _, _, amounts, slots = self._keys(key_id)
        try:
            await self.link.run(functools.partial(self._release, keys=[slots, amounts],
                                                   args=[member, used]))
        except RedisUnavailable:
            pass  # logged by the link; the slot ends with its lease

    # --- leases -------------------------------------------------------------------------------

    def _hold(self, key_id: int, member: str) -> None:
        self._held.setdefault(key_id, set()).add(member)
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.get_running_loop().create_task(self._renew_leases())

    def _unhold(self, key_id: int, member: str) -> None:
        members = self._held.get(key_id)
        if members is not None:
            members.discard(member)
            if not members:
                del self._held[key_id]

    async def _renew_leases(self) -> None:
        """Extend the leases of this instance's requests in flight while there are any."""
        while self._held:
            await asyncio.sleep(self.lease / 3)
            for key_id, members in list(self._held.items()):
                if not self.link.healthy:
                    break
                call = functools.partial(self._renew, keys=[self._keys(key_id)[3]],
                                         args=[round(self.lease * MICROS), *members])
                try:
                    await self.link.run(call)
                except RedisUnavailable:
                    break

    # --- inspection (status displays and tests) ---------------------------------------------

    async def shared_in_flight(self, key_id: int) -> int:
        """Requests of the key in flight on every instance (local count while Redis is down)."""
        if self.link.healthy:
            call = functools.partial(self._in_flight, keys=[self._keys(key_id)[3]])
            try:
                return int(await self.link.run(call))
            except RedisUnavailable:
                pass
        return self.local.in_flight(key_id)

    async def flush(self) -> None:
        """Wait until this instance's releases have reached Redis (tests, shutdown)."""
        await self.link.drain()
