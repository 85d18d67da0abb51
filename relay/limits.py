"""Per-key rate limits: requests per minute, tokens per minute and concurrent requests.

A key's limit is its own value when set (``ApiKey.rpm_limit`` ...), else the operator's default
setting (``rate_limit_rpm`` ...); 0 means unlimited. Everything a request checks is in memory,
so the limiter costs the hot path a few dict and deque operations and never a database call:
the defaults are cached, reloaded in the background every ``ttl`` seconds, and before the next
admission after an in-process settings change (``events.SETTINGS``).

Windows are sliding: a request (or a token) counts for exactly ``window`` seconds after it was
admitted. Admissions within ``quantum`` seconds of each other share one entry, which bounds the
memory of a busy key (at most ``window / quantum`` entries) and errs only on the strict side
(the shared entry expires with its newest admission).

Tokens per minute: a request is admitted while the key's tokens in the last minute are under
the limit, and is counted at once with its estimate (prompt estimate + reserved output); when
the request settles, its count is corrected to the tokens actually used, so a request that the
upstream answered briefly (or refused) frees that capacity.

Several relay processes on one PostgreSQL share these limits exactly when ``REDIS_URL`` is set:
relay/cluster/shared_limits.py keeps the same windows in Redis, and falls back to this
per-process limiter while Redis is unreachable. Without Redis each process enforces its own
counters, so a key spread over N processes can get up to N times its limits — these limits
protect the upstream quotas and the relay from one runaway client, not money (balances are
enforced in the database by reservations whatever the process).
"""

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from app import events, settings
from app.apikeys import KeyInfo
from relay import errors
from relay.dbexec import DatabaseExecutor

log = logging.getLogger(__name__)

WINDOW = 60.0
QUANTUM = 0.01


@dataclass(frozen=True, slots=True)
class Limits:
    """Effective limits of one key (0 = unlimited)."""

    rpm: int = 0
    tpm: int = 0
    concurrency: int = 0


class _Entry:
    """Admissions close together in time: their newest time and their summed amount."""

    __slots__ = ("alive", "amount", "first", "last")

    def __init__(self, now: float, amount: int) -> None:
        self.first = self.last = now
        self.amount = amount
        self.alive = True


class _Window:
    """A sliding window sum of amounts (requests or tokens) admitted in the last ``span``."""

    __slots__ = ("entries", "total")

    def __init__(self) -> None:
        self.entries: deque[_Entry] = deque()
        self.total = 0

    def expire(self, now: float, span: float) -> None:
        entries = self.entries
        while entries and entries[0].last + span <= now:
            entry = entries.popleft()
            entry.alive = False
            self.total -= entry.amount

    def add(self, now: float, amount: int) -> _Entry:
        entries = self.entries
        if entries and now - entries[-1].first < QUANTUM:
            entry = entries[-1]
            entry.last = now
            entry.amount += amount
        else:
            entry = _Entry(now, amount)
            entries.append(entry)
        self.total += amount
        return entry

    def correct(self, entry: _Entry, delta: int) -> None:
        """Change an admitted amount while it still counts (afterwards it has no effect)."""
        if entry.alive:
            delta = max(delta, -entry.amount)
            entry.amount += delta
            self.total += delta

    def seconds_until_below(self, limit: int, now: float, span: float) -> float:
        """How long until the total drops under ``limit`` as entries expire."""
        total = self.total
        for entry in self.entries:
            total -= entry.amount
            if total < limit:
                return entry.last + span - now
        return 0.0


class _KeyState:
    __slots__ = ("in_flight", "requests", "tokens")

    def __init__(self) -> None:
        self.requests = _Window()
        self.tokens = _Window()
        self.in_flight = 0

    def idle(self) -> bool:
        return not self.in_flight and not self.requests.entries and not self.tokens.entries


@dataclass(slots=True)
class Ticket:
    """One admitted request's share of its key's counters; give it back with ``release``."""

    key_id: int
    tokens: int
    token_entry: _Entry | None
    released: bool = False


class RateLimiter:
    """In-memory per-key limits of this relay process (see the module docstring)."""

    def __init__(self, dbx: DatabaseExecutor | None, *, ttl: float = 2.0,
                 monotonic: Callable[[], float] = time.monotonic,
                 window: float = WINDOW) -> None:
        self._dbx = dbx
        self._ttl = ttl
        self._now = monotonic
        self.window = window
        self.defaults = Limits()
        self._keys: dict[int, _KeyState] = {}
        self._loaded_at = float("-inf")
        self._dirty = dbx is not None
        self._refreshing: asyncio.Task[None] | None = None
        self._unsubscribe = events.subscribe(events.SETTINGS, self._mark_dirty)

    def _mark_dirty(self) -> None:
        self._dirty = True  # may run on a DB or GUI thread: only set a flag

    def close(self) -> None:
        self._unsubscribe()
        if self._refreshing is not None:
            self._refreshing.cancel()

    async def refresh(self) -> None:
        """Reload the operator's default limits; also forget keys with nothing to remember."""
        if self._dbx is None:
            return
        self._dirty = False
        values = await self._dbx.run(settings.all_settings)
        self.set_defaults(Limits(rpm=int(values["rate_limit_rpm"]),
                                 tpm=int(values["rate_limit_tpm"]),
                                 concurrency=int(values["rate_limit_concurrency"])))

    def set_defaults(self, defaults: Limits) -> None:
        self.defaults = defaults
        self._loaded_at = self._now()
        self._sweep()

    def _sweep(self) -> None:
        now = self._now()
        for key_id, state in list(self._keys.items()):
            state.requests.expire(now, self.window)
            state.tokens.expire(now, self.window)
            if state.idle():
                del self._keys[key_id]

    async def _refresh_quietly(self) -> None:
        try:
            await self.refresh()
        except Exception:  # the database is briefly unreachable: keep the last defaults
            self._dirty = False
            log.warning("could not reload the default rate limits; keeping the last ones",
                        exc_info=True)

    def limits(self, key: KeyInfo) -> Limits:
        """The key's own limits where set, the operator's defaults elsewhere."""
        d = self.defaults
        if key.rpm_limit is None and key.tpm_limit is None and key.concurrency_limit is None:
            return d
        return Limits(rpm=d.rpm if key.rpm_limit is None else key.rpm_limit,
                      tpm=d.tpm if key.tpm_limit is None else key.tpm_limit,
                      concurrency=(d.concurrency if key.concurrency_limit is None
                                   else key.concurrency_limit))

    async def admit(self, key: KeyInfo, tokens: int) -> Ticket:
        """Count one request of ``key`` expected to use ``tokens``, or raise the 429.

        The defaults are brought up to date first after an in-process settings change; the
        check and the counting then happen without a pause, so concurrent requests cannot
        slip past a limit together.
        """
        if self._dirty and self._dbx is not None:
            await self._refresh_quietly()
        elif self._dbx is not None and self._now() - self._loaded_at > self._ttl and (
                self._refreshing is None or self._refreshing.done()):
            self._refreshing = asyncio.get_running_loop().create_task(self._refresh_quietly())
        return self.try_admit(key, tokens)

    def try_admit(self, key: KeyInfo, tokens: int) -> Ticket:
        """``admit`` with the defaults as they are (synchronous; for tests and ``admit``)."""
        limits = self.limits(key)
        now = self._now()
        state = self._keys.get(key.key_id)
        if state is None:
            state = self._keys[key.key_id] = _KeyState()
        if limits.concurrency and state.in_flight >= limits.concurrency:
            raise rate_limited(f"{limits.concurrency} concurrent requests", 1.0)
        if limits.rpm:
            state.requests.expire(now, self.window)
            if state.requests.total >= limits.rpm:
                wait = state.requests.seconds_until_below(limits.rpm, now, self.window)
                raise rate_limited(f"{limits.rpm} requests per minute", wait)
        if limits.tpm:
            state.tokens.expire(now, self.window)
            if state.tokens.total >= limits.tpm:
                wait = state.tokens.seconds_until_below(limits.tpm, now, self.window)
                if state.in_flight:
                    # Requests in flight count at their estimate until they settle, which may
                    # free tokens any moment: a retry can succeed sooner than the window says.
                    wait = min(wait, 1.0)
                raise rate_limited(f"{limits.tpm} tokens per minute", wait)
        tokens = max(0, tokens)
        if limits.rpm:
            state.requests.add(now, 1)
        token_entry = state.tokens.add(now, tokens) if limits.tpm else None
        state.in_flight += 1
        return Ticket(key.key_id, tokens, token_entry)

    def release(self, ticket: Ticket, used_tokens: int | None = None) -> None:
        """The request is over: free its concurrency slot and, given the tokens it used,
        correct its tokens-per-minute count. Safe to call twice."""
        if ticket.released:
            return
        ticket.released = True
        state = self._keys.get(ticket.key_id)
        if state is None:
            return
        state.in_flight = max(0, state.in_flight - 1)
        if ticket.token_entry is not None and used_tokens is not None:
            state.tokens.correct(ticket.token_entry, max(0, used_tokens) - ticket.tokens)

    # --- inspection (status displays and tests) ---------------------------------------------

    def keys_counted(self) -> int:
        """Keys with something still counted: what the limiter holds in memory."""
        return len(self._keys)

    def in_flight(self, key_id: int) -> int:
        state = self._keys.get(key_id)
        return state.in_flight if state is not None else 0

    def requests_in_window(self, key_id: int) -> int:
        state = self._keys.get(key_id)
        if state is None:
            return 0
        state.requests.expire(self._now(), self.window)
        return state.requests.total

    def tokens_in_window(self, key_id: int) -> int:
        state = self._keys.get(key_id)
        if state is None:
            return 0
        state.tokens.expire(self._now(), self.window)
        return state.tokens.total


def rate_limited(what: str, wait: float) -> errors.RelayError:
    """The 429 naming the limit; Retry-After is the whole seconds until a slot frees (>= 1),
    ``retry-after-ms`` the same in milliseconds (openai-python prefers it)."""
    seconds = max(1, math.ceil(wait - 1e-9))
    millis = max(1, math.ceil(wait * 1000 - 1e-6))
    return errors.RelayError(
        429, f"Rate limit reached for this API key: {what}. Please retry in {seconds} s.",
        type_="requests", code="rate_limit_exceeded",
        headers={"Retry-After": str(seconds), "retry-after-ms": str(millis)})
