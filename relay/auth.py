"""Who is calling: key extraction, a short-lived key cache, and the per-key checks."""

import itertools
import time
from datetime import datetime

from aiohttp import web

from app import apikeys, clock, events
from app.apikeys import KeyInfo
from relay import errors
from relay.clientip import client_ip
from relay.dbexec import DatabaseExecutor
from relay.guard import Guard

KEY_HEADERS = ("x-api-key", "api-key")


def bearer_token(request: web.Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, if there is one."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def extract_key(request: web.Request) -> str | None:
    """The key from ``Authorization: Bearer``, ``x-api-key`` or ``api-key`` (Azure style)."""
    token = bearer_token(request)
    if token:
        return token
    for name in KEY_HEADERS:
        value = request.headers.get(name, "").strip()
        if value:
            return value
    return None


class KeyCache:
    """Key lookups cached for ``ttl`` seconds; cleared at once on in-process changes.

    A change made in this process (admin API, the desktop app) is seen by the next request: a
    lookup under way when the change was announced may have read the row before it, so it is
    read again and not cached. Other processes (the CLI, a second relay on PostgreSQL) are seen
    within ``ttl``. Expiry is checked per request, not per fill.
    """

    def __init__(self, dbx: DatabaseExecutor, ttl: float = 5.0, max_entries: int = 10_000) -> None:
        self._dbx = dbx
        self._ttl = ttl
        self._max = max_entries
        self._entries: dict[str, tuple[float, KeyInfo | None]] = {}
        self._changes = itertools.count(1)
        self._generation = 0  # a new value per change; a fill begun before one is not cached
        self.last_used: dict[int, datetime] = {}
        self._unsubscribe = events.subscribe(events.KEYS, self._changed)

    def _changed(self) -> None:
        # Runs on whichever thread made the change: next() hands out unique values atomically.
        self._generation = next(self._changes)
        self._entries.clear()

    def close(self) -> None:
        self._unsubscribe()

    async def get(self, plaintext: str) -> KeyInfo | None:
        now = time.monotonic()
        hit = self._entries.get(plaintext)
        if hit is not None and hit[0] > now:
            return hit[1]
        generation = self._generation
        info = await self._dbx.run(apikeys.lookup, plaintext)
        if generation != self._generation:  # changed meanwhile: this row may predate it
            return await self._dbx.run(apikeys.lookup, plaintext)
        if len(self._entries) >= self._max:
            self._entries.clear()  # bounded: a flood of random keys cannot grow memory
        self._entries[plaintext] = (now + self._ttl, info)
        return info


async def authenticate(request: web.Request, cache: KeyCache,
                       guard: Guard | None = None) -> KeyInfo:
    """Return the caller's key, or raise the OpenAI-shaped 401/403.

    A wrong key counts towards a ban of the caller's address (``guard``); a missing one does
    not, since that is a misconfigured client rather than someone guessing.
    """
    plaintext = extract_key(request)
    ip = client_ip(request)
    if not plaintext:
        raise errors.invalid_key("You didn't provide an API key. Send it as "
                                 "'Authorization: Bearer sk-...'.")
    info = await cache.get(plaintext)
    now = clock.now()
    if info is None or not info.key_active or info.expired(now):
        if guard is not None:
            await guard.failure(ip, "invalid_api_key")
        raise errors.invalid_key()
    if not info.user_active:
        raise errors.forbidden("This account is disabled. Contact the administrator.",
                               "account_disabled")
    if not info.allows_ip(ip):
        raise errors.forbidden("This API key may not be used from your network address.",
                               "ip_not_allowed")
    cache.last_used[info.key_id] = now
    return info
