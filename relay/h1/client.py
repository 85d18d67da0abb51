"""A lean HTTP/1.1 client for the relay's calls to providers, with keep-alive pools.

Why not aiohttp's ClientSession: per request it builds a URL object, a request and a response
object, header multidicts, trace hooks, a connection lease and two timers — about 170 µs of the
relay's CPU per request on the benchmark box, as much as everything RelayDesk itself does. The
relay sends one kind of request (a POST with a JSON body, to a handful of base URLs it knows in
advance) and needs no cookies, redirects, proxies or retries, so this client does only that:
the request head is written as bytes, the response parsed by httptools (llhttp), and one timer
per exchange watches for silence.

What it keeps from a full client: TLS with verification (the default SSL context), IPv6 and
happy eyeballs, connect and read timeouts, chunked and length- or close-delimited bodies, gzip,
back-pressure on big bodies both ways, and one transparent retry when a pooled connection turns
out to have been closed by the server while idle (the request never reached it).
"""

import asyncio
import ipaddress
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlsplit

from relay.h1.connection import (AfterSend, H1Connection, H1Response, UpstreamClosed,
                                 UpstreamError, UpstreamTimeout)

IDLE_SECONDS = 15.0  # under most servers' keep-alive timeout (nginx 75 s, uvicorn 5 s is rare)
MAX_IDLE_PER_HOST = 256
STALE_WINDOW = 0.25  # a pooled connection closing this soon after a send was closed while idle
_FORBIDDEN_IN_HEADERS = str.maketrans("", "", "\r\n\0")


@dataclass(frozen=True, slots=True)
class Target:
    """Where a base URL points: scheme, host and port, and the path to put in front."""

    tls: bool
    host: str
    port: int
    prefix: str
    host_header: str
    literal: bool = False  # the host is an IP address: one address, nothing to race

    @property
    def key(self) -> tuple[bool, str, int]:
        return self.tls, self.host, self.port


@lru_cache(maxsize=256)
def target(base_url: str) -> Target:
    """Parse a provider's base URL once; ``ValueError`` when it is not http(s)."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {base_url!r}")
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    host = parts.hostname
    try:
        ipaddress.ip_address(host)
    except ValueError:
        literal = False
        try:  # an internationalised name goes on the wire in its ASCII (IDNA) form
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ValueError(f"bad host name in {base_url!r}: {exc}") from None
    else:
        literal = True
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if port == (443 if tls else 80) else f"{shown}:{port}"
    prefix = quote(parts.path.rstrip("/"), safe="/%:@!$&'()*+,;=-._~")
    return Target(tls, host, port, prefix, host_header, literal)


def header_lines(headers: Iterable[tuple[str, str]]) -> bytes:
    """``Name: value`` lines for a request head; ``ValueError`` for a value that would break
    out of its line (a provider key pasted with a newline)."""
    lines = []
    for name, value in headers:
        if value.translate(_FORBIDDEN_IN_HEADERS) != value:
            raise ValueError(f"the {name} header contains a line break")
        lines.append(f"{name}: {value}\r\n")
    return "".join(lines).encode("latin-1")


class H1Client:
    def __init__(self, ssl_context: ssl.SSLContext | None = None,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self._ssl = ssl_context
        self._idle_seconds = idle_seconds
        self._idle: dict[tuple[bool, str, int], list[H1Connection]] = {}
        self._closed = False

    async def post(self, url: Target, path: str, body: bytes, headers: bytes, *,
                   connect_timeout: float, read_timeout: float,
                   after_send: AfterSend | None = None) -> H1Response:
        """POST ``body`` to ``url`` + ``path``; returns once status and headers arrived.

        ``headers`` comes from :func:`header_lines`; Host and Content-Length are added here.
        Raises :class:`UpstreamError` (a :class:`UpstreamTimeout` for timeouts).
        ``after_send`` is awaited once the request is sent, before the answer is read; if it
        raises, the exchange is dropped and the error propagates. It runs again when a pooled
        connection turns out closed and the request goes again (and the caller's failover
        attempts pass it too): it must be harmless to repeat.
        """
        head = (f"POST {url.prefix}{path} HTTP/1.1\r\nHost: {url.host_header}\r\n"
                f"Content-Length: {len(body)}\r\n").encode("latin-1") + headers + b"\r\n"
        conn = self._pooled(url)
        if conn is not None:
            try:
                return await conn.request(head, body, read_timeout, after_send)
            except UpstreamClosed:
                # (when the close came, not now: after_send may have waited meanwhile)
                lost = conn.closed_at or conn.loop.time()
                if conn.received or lost - conn.sent_at > STALE_WINDOW:
                    raise
                # Closed by the server while it sat in our pool (its close crossed our request
                # on the wire): the request was never processed, so it is safe to send again.
                # A close that comes later may follow work the provider already did (and
                # billed): that is a failure, for failover to handle.
        conn = await self._connect(url, connect_timeout)
        return await conn.request(head, body, read_timeout, after_send)

    def _pooled(self, url: Target) -> H1Connection | None:
        idle = self._idle.get(url.key)
        if not idle:
            return None
        oldest_ok = asyncio.get_running_loop().time() - self._idle_seconds
        while idle:
            conn = idle.pop()  # the most recently used: the least likely to be closed
            if not conn.closed and conn.idle_since >= oldest_ok:
                return conn
            conn.abort()
        return None

    async def _connect(self, url: Target, timeout: float) -> H1Connection:
        if self._closed:
            raise UpstreamError("the relay is shutting down")
        loop = asyncio.get_running_loop()
        context = None
        if url.tls:
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            context = self._ssl
        try:
            async with asyncio.timeout(timeout):
                _, conn = await loop.create_connection(
                    lambda: H1Connection(loop), url.host, url.port, ssl=context,
                    server_hostname=url.host if context else None,
                    # Racing IPv6 and IPv4 only helps a name with both; for an address it is
                    # several tasks per connection for nothing.
                    happy_eyeballs_delay=None if url.literal else 0.25)
        except TimeoutError:
            raise UpstreamTimeout(f"connecting to {url.host_header} took over {timeout:g} s"
                                  ) from None
        except (OSError, UnicodeError) as exc:  # refused, unreachable, DNS, TLS (SSLError)
            raise UpstreamError(f"cannot connect to {url.host_header}: {exc}") from None
        conn.pool_key, conn.on_idle = url.key, self._park
        return conn

    def _park(self, conn: H1Connection) -> None:
        """A connection finished an exchange and may carry the next one."""
        idle = self._idle.setdefault(conn.pool_key, [])
        if self._closed or len(idle) >= MAX_IDLE_PER_HOST:
            conn.abort()
            return
        idle.append(conn)

    async def close(self) -> None:
        """Close every pooled connection; exchanges still running end with an error."""
        self._closed = True
        for idle in self._idle.values():
            for conn in idle:
                conn.abort()
        self._idle.clear()
