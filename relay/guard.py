"""The relay's network guard: the real client address, the relay allowlist, and bans of
addresses that keep sending invalid keys or failing admin authentication.

Everything a request checks is in memory, so the guard costs the hot path a dict lookup.
Failures are counted per address in this process (across instances, through Redis, when a
``counter`` is set: relay/cluster/shared_failures.py); crossing ``ban_threshold`` within
``ban_window_seconds`` writes a ban through :mod:`app.bans` (so the GUI, the CLI and other relay
processes see it). The policy and the ban list are reloaded in the background every ``ttl``
seconds, and before the next decision after an in-process change (settings, a ban, an unban).

The machine itself (127.0.0.1, ::1) is never banned: behind a reverse proxy that is not listed
in ``trusted_proxies`` every client looks like loopback, and one bad client must not lock out
everyone, nor the operator's own GUI.
"""

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from app import bans, clock, events, netpolicy, settings
from relay.dbexec import DatabaseExecutor

log = logging.getLogger(__name__)

MEMO_ENTRIES = 4096
MEMO_HEADER_CHARS = 256


class FailureCounter(Protocol):
    """Failures counted outside this process (relay/cluster/shared_failures.py, Redis)."""

    async def add(self, subject: str, window: float, threshold: int) -> int | None:
        """This failure counted: the subject's failures in the window (reset once it reaches
        ``threshold``), or ``None`` when it cannot count now (the guard counts locally)."""
        ...


class Guard:
    def __init__(self, dbx: DatabaseExecutor, *, ttl: float = 2.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._dbx = dbx
        self._ttl = ttl
        self._now = monotonic
        self.policy = netpolicy.Policy()
        self.threshold = 0
        self.window = 300.0
        self._bans: dict[str, float] = {}  # address -> monotonic end of its ban
        self._failures: dict[str, deque[float]] = {}
        self.counter: FailureCounter | None = None  # set: failures add up across instances
        self._loaded_at = float("-inf")
        self._dirty = True
        self._memo: dict[tuple[str | None, str | None], tuple[str | None, bool]] = {}
        self._memo_policy: netpolicy.Policy | None = None
        self._refreshing: asyncio.Task[bool] | None = None
        self._unsubscribe = [events.subscribe(topic, self._mark_dirty)
                             for topic in (events.SETTINGS, events.BANS)]

    def _mark_dirty(self) -> None:
        self._dirty = True  # may run on a DB thread: only set a flag

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        if self._refreshing is not None:
            self._refreshing.cancel()

    async def refresh(self) -> None:
        """Reload the policy, thresholds and running bans from the database."""
        self._dirty = False
        values, running, wall_now = await self._dbx.run(_load)
        now = self._now()
        self.policy = netpolicy.Policy.from_settings(values)
        self.threshold = int(values["ban_threshold"])
        self.window = float(values["ban_window_seconds"])
        self._bans = {ip: now + (until - wall_now).total_seconds()
                      for ip, until in running.items()}
        self._loaded_at = now

    async def fresh(self) -> None:
        """Make the next decision use current data.

        After an in-process change (a settings save, a ban or an unban: events mark the guard
        dirty) the reload is awaited, so the very next request sees it; changes made by other
        processes are picked up in the background once the policy is ``ttl`` seconds old.
        """
        while self._dirty:
            task = self._start_refresh()
            if not await asyncio.shield(task):
                return  # database unreachable: decide with the last policy, retry on the TTL
        if self._now() - self._loaded_at > self._ttl:
            self._start_refresh()

    def _start_refresh(self) -> "asyncio.Task[bool]":
        """The running reload, or a new one; one at a time however many requests wait."""
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.get_running_loop().create_task(self._refresh_quietly())
        return self._refreshing

    async def _refresh_quietly(self) -> bool:
        try:
            await self.refresh()
        except Exception:  # the database is briefly unreachable: keep the last policy
            log.warning("could not reload the network policy; keeping the last one",
                        exc_info=True)
            return False
        return True

    def admit(self, peer: str | None, forwarded_for: str | None) -> tuple[str | None, bool]:
        """The client's address and whether the relay allowlist admits it, remembered per
        policy (a connection's requests, and a client's connections, resolve the same way)."""
        policy = self.policy
        if policy is not self._memo_policy:
            self._memo, self._memo_policy = {}, policy
        key = (peer, forwarded_for)
        hit = self._memo.get(key)
        if hit is None:
            ip = policy.client(peer, forwarded_for)
            hit = (ip, policy.relay_allows(ip))
            if forwarded_for is None or len(forwarded_for) <= MEMO_HEADER_CHARS:
                if len(self._memo) >= MEMO_ENTRIES:  # bounded: spoofed headers cannot grow it
                    self._memo.clear()
                self._memo[key] = hit
        return hit

    async def ban_remaining(self, ip: str | None) -> float | None:
        """Seconds left on ``ip``'s ban, or ``None`` when it may connect."""
        await self.fresh()
        return self.banned_for(ip)

    def banned_for(self, ip: str | None) -> float | None:
        """``ban_remaining`` with the bans as they are (call after :meth:`fresh`)."""
        if ip is None or not self._bans:
            return None
        subject = ip if ":" not in ip else netpolicy.ban_subject(ip)
        if subject is None:
            return None
        end = self._bans.get(subject)
        if end is None:
            return None
        remaining = end - self._now()
        if remaining <= 0:
            self._bans.pop(subject, None)
            return None
        return remaining

    async def failure(self, ip: str | None, reason: str) -> bool:
        """Count one failed authentication from ``ip``; returns whether it is now banned."""
        if ip is None or self.threshold <= 0 or _is_self(ip):
            return False
        subject = netpolicy.ban_subject(ip)  # an IPv6 client's whole /64 counts as one
        if subject is None:
            return False
        now = self._now()
        shared = (None if self.counter is None
                  else await self.counter.add(subject, self.window, self.threshold))
        count = self._count_here(subject, now) if shared is None else shared
        if count < self.threshold:
            return False
        self._failures.pop(subject, None)
        try:
            row = await self._dbx.run(bans.ban, subject, reason=reason, failures=count)
        except Exception:  # database down or an unparsable peer: the caller still gets its 401
            log.warning("could not record a ban of %s", ip, exc_info=True)
            return False
        self._bans[subject] = now + (row.until - clock.now()).total_seconds()
        log.warning("banned %s after %d failed authentications (%s)", subject, count, reason)
        return True

    def _count_here(self, subject: str, now: float) -> int:
        """This failure counted in this process: the subject's failures in the window."""
        seen = self._failures.setdefault(subject, deque())
        seen.append(now)
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(self._failures) > 100_000:  # bounded: a spoofing flood cannot grow memory
            self._failures = {subject: seen}
        return len(seen)


def _is_self(ip: str) -> bool:
    return netpolicy.contains(netpolicy.ALWAYS_ADMIN, netpolicy.parse_address(ip))


def _load() -> tuple[dict[str, Any], dict[str, datetime], datetime]:
    return settings.all_settings(), bans.banned_until(), clock.now()
