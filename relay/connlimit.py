"""How many client connections the relay keeps open: per client address, and in total so
that open files remain for provider connections and the database.

The relay raises its own open-file limit to the system's ceiling at start. Past the total
cap, a new connection pushes out the longest-idle one (waiting for a request, between
requests); past the per-address cap, it is refused with a JSON 429 and closed.
"""

import logging
import sys
from collections.abc import Callable
from typing import Protocol

if sys.platform != "win32":  # Windows has no RLIMIT_NOFILE to raise
    import resource

log = logging.getLogger(__name__)

# Open files kept back from client connections: the database, its WAL, logs, backups.
FD_RESERVE = 64
MACOS_OPEN_MAX = 10240  # macOS refuses a soft limit above this when the hard one is unlimited


class Evictable(Protocol):
    def evict(self) -> None: ...


def raise_open_file_limit() -> int | None:
    """Raise this process's soft RLIMIT_NOFILE to its hard limit; the soft limit in force
    afterwards, or None where the platform has none."""
    if sys.platform == "win32":
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for target in (hard, MACOS_OPEN_MAX):
        if target == resource.RLIM_INFINITY or (soft != resource.RLIM_INFINITY
                                                and target <= soft):
            continue
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            continue
        log.info("open-file limit raised from %d to %d", soft, target)
        return target
    return None if soft == resource.RLIM_INFINITY else soft


def total_cap(open_files: int | None) -> int | None:
    """Client connections allowed at once: half of what the reserve leaves, since each
    request being served also holds a provider connection."""
    if open_files is None:
        return None
    return max(16, (open_files - FD_RESERVE) // 2)


class ConnectionGate:
    """Counts open client connections; decides whether a new one may stay.

    Connections are counted per ``key``: an IPv4 address, or an IPv6 address's /64 (a host
    picks any address in it). ``exempt``: addresses the per-address cap does not apply to
    (trusted reverse proxies, whose one address carries many clients).
    """

    def __init__(self, per_ip: int, total: int | None,
                 exempt: Callable[[str], bool] = lambda ip: False) -> None:
        self.per_ip = per_ip
        self.total = total
        self.exempt = exempt
        self.open = 0
        self._by_ip: dict[str, int] = {}
        self._idle: dict[Evictable, None] = {}  # insertion order: longest idle first

    def admit(self, key: str, ip: str, conn: Evictable) -> str | None:
        """Count ``conn`` from ``ip`` in under ``key`` (its address, an IPv6 /64) and return
        None, or return why it must be refused."""
        count = self._by_ip.get(key, 0)
        if self.per_ip and count >= self.per_ip and not self.exempt(ip):
            return "per_ip"
        if self.total is not None and self.open >= self.total:
            if not self._idle:
                return "total"
            victim = next(iter(self._idle))
            del self._idle[victim]
            victim.evict()  # its release() follows when its connection is gone
        self._by_ip[key] = count + 1
        self.open += 1
        self._idle[conn] = None
        return None

    def busy(self, conn: Evictable) -> None:
        """A request arrived on ``conn``: it is not idle, so never pushed out."""
        self._idle.pop(conn, None)

    def idle(self, conn: Evictable) -> None:
        self._idle[conn] = None

    def release(self, key: str, conn: Evictable) -> None:
        self._idle.pop(conn, None)
        self.open -= 1
        left = self._by_ip[key] - 1
        if left:
            self._by_ip[key] = left
        else:
            del self._by_ip[key]

    def count(self, key: str) -> int:
        return self._by_ip.get(key, 0)
