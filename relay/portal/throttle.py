"""Per-address limits on portal actions that create things for strangers (registration), so
one machine on the LAN cannot fill the user table. In memory, per relay process: wrong
passwords are limited by the account lockout and the guard's address bans instead."""

import time
from collections import deque

from aiohttp import web


class AddressThrottle:
    """At most ``limit`` recorded actions per address within ``window`` seconds."""

    def __init__(self, limit: int, window: float, max_addresses: int = 10_000) -> None:
        self.limit, self.window, self.max_addresses = limit, window, max_addresses
        self._seen: dict[str, deque[float]] = {}

    def _recent(self, ip: str | None, now: float) -> deque[float]:
        seen = self._seen.get(ip or "", deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def allow(self, ip: str | None) -> bool:
        return len(self._recent(ip, time.monotonic())) < self.limit

    def record(self, ip: str | None) -> None:
        now = time.monotonic()
        seen = self._recent(ip, now)
        seen.append(now)
        if len(self._seen) >= self.max_addresses and (ip or "") not in self._seen:
            self._seen.clear()  # bounded: a spoofing flood cannot grow memory
        self._seen[ip or ""] = seen

    def clear(self) -> None:
        self._seen.clear()


REGISTRATIONS = web.AppKey("relaydesk_portal_registrations", AddressThrottle)
