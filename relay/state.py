"""What the relay application holds for its lifetime, under one typed app key."""

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from relay.accounting import Accountant
from relay.auth import KeyCache
from relay.cluster.metrics import RelayMetrics
from relay.cluster.redis_link import RedisLink
from relay.cluster.shared_limits import SharedRateLimiter
from relay.dbexec import DatabaseExecutor
from relay.guard import Guard
from relay.limits import RateLimiter
from relay.outbound import Outbound
from relay.pool import ProviderPool
from relay.reserver import Reserver
from relay.settler import Settler


@dataclass(slots=True)
class RelayOptions:
    """Tunables; the defaults suit a LAN relay, tests shrink the timeouts."""

    connect_timeout: float = 10.0
    read_timeout: float = 300.0  # longest silence tolerated from an upstream
    disconnect_grace: float = 30.0  # keep reading after a client left, to learn the usage
    lease_seconds: float = 60.0
    flush_interval: float = 0.05
    quick_writes: bool = True  # SQLite: write holds and settlements on the loop when free
    key_ttl: float = 1.0  # another process (CLI, second relay) revoking a key: seen within 1 s
    pool_ttl: float = 10.0
    max_body_bytes: int = 32 * 1024 * 1024
    max_upstream_body: int = 64 * 1024 * 1024
    default_max_tokens: int | None = None  # None: the setting's value
    offload_json_bytes: int = 256 * 1024  # parse bigger bodies in a thread
    shutdown_grace: float = 3.0  # open streams get this long to finish when the relay stops
    # From this many requests in flight, a hold waits up to hold_gather_delay for others to
    # share its commit (relay/reserver.py).
    hold_gather_from: int = 16
    hold_gather_delay: float = 0.001
    # Hostile and idle connections (relay/lowlevel.py, relay/connlimit.py).
    header_timeout: float = 10.0  # a new connection's first request head, whole
    keepalive_timeout: float = 30.0  # idle between requests (the next head included)
    body_timeout: float = 30.0  # a request's whole body, from when its handler reads it
    max_connections_per_ip: int = 256  # 0: no limit
    stream_write_timeout: float = 30.0  # one write to a stream client blocked this long: drop
    redis_url: str | None = None  # REDIS_URL: per-key limits and bans shared across instances

    @classmethod
    def from_settings(cls, values: dict[str, Any]) -> "RelayOptions":
        """The operator's stored settings that apply when the relay starts."""
        return cls(lease_seconds=float(values["reservation_lease_seconds"]),
                   max_body_bytes=int(values["max_body_mb"]) * 1024 * 1024,
                   read_timeout=float(values["upstream_read_timeout_seconds"]),
                   header_timeout=float(values["header_timeout_seconds"]),
                   keepalive_timeout=float(values["keepalive_timeout_seconds"]),
                   body_timeout=float(values["body_timeout_seconds"]),
                   max_connections_per_ip=int(values["max_connections_per_ip"]),
                   stream_write_timeout=float(values["stream_write_timeout_seconds"]))


@dataclass(slots=True)
class RelayState:
    options: RelayOptions
    dbx: DatabaseExecutor
    keys: KeyCache
    pool: ProviderPool
    accountant: Accountant
    reserver: Reserver
    guard: Guard
    limiter: RateLimiter | SharedRateLimiter
    settler: Settler
    client: Outbound | None = None
    redis: RedisLink | None = None  # with REDIS_URL; its health for /healthz
    default_max_tokens: int = 4096
    requests_served: int = field(default=0)
    in_flight: int = field(default=0)
    streams: set[Any] = field(default_factory=set)  # open StreamRelays, for shutdown
    metrics: RelayMetrics = field(default_factory=RelayMetrics)  # this app's own registry


STATE: web.AppKey[RelayState] = web.AppKey("relaydesk_state", RelayState)
# The served HTTPS certificate's SHA-256 pin (absent under plain HTTP), for pages that show it.
TLS_FINGERPRINT: web.AppKey[str] = web.AppKey("relaydesk_tls_fingerprint", str)
