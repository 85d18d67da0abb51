"""Per-address limits on portal actions that create things for strangers (registration), so
one machine on the LAN cannot fill the user table. In memory, per relay process: wrong
passwords are limited by the account lockout and the guard's address bans instead."""

import time
from collections import deque
from dataclasses import dataclass

from aiohttp import web

from app import netpolicy


class AddressThrottle:
    """At most ``limit`` actions per address within ``window`` seconds. An IPv6 client's
    whole /64 counts as one address, as for bans (one machine usually has many of them)."""

    def __init__(self, limit: int, window: float, max_addresses: int = 10_000) -> None:
        self.limit, self.window, self.max_addresses = limit, window, max_addresses
        self._seen: dict[str, deque[float]] = {}

    @staticmethod
    def _subject(ip: str | None) -> str:
        return (netpolicy.ban_subject(ip) if ip else None) or ip or ""

    def take(self, ip: str | None) -> bool:
        """Count one action now if the address is under its limit; False (nothing counted)
        when it is not. Check and count in one step, so concurrent requests cannot all pass."""
        now = time.monotonic()
        subject = self._subject(ip)
        seen = self._seen.get(subject, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        if len(self._seen) >= self.max_addresses and subject not in self._seen:
            self._seen.clear()  # bounded: a spoofing flood cannot grow memory
        seen.append(now)
        self._seen[subject] = seen
        return True

    def give_back(self, ip: str | None) -> None:
        """Un-count the latest action of ``ip`` (it did not happen after all)."""
        seen = self._seen.get(self._subject(ip))
        if seen:
            seen.pop()

    def clear(self) -> None:
        self._seen.clear()


@dataclass(frozen=True, slots=True)
class RegistrationLimits:
    """Registrations per address: attempts (refused ones too: each costs a password check and
    can probe which names exist) and accounts actually created."""

    attempts: AddressThrottle
    accounts: AddressThrottle


REGISTRATIONS = web.AppKey("relaydesk_portal_registrations", RegistrationLimits)
