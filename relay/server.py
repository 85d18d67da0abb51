"""Running the relay app on a socket: shared by `relaydesk serve` and the desktop window."""

import asyncio
import logging
import signal
from collections.abc import Callable

from aiohttp import web

from app import netpolicy
from app.config import Config
from app.tls import TlsPlan, lan_ipv4_addresses, ssl_context
from relay import logdedup
from relay.app import ADMIN_PREFIX, create_app
from relay.connlimit import ConnectionGate, raise_open_file_limit, total_cap
from relay.lowlevel import JsonAppRunner
from relay.state import STATE, TLS_FINGERPRINT, RelayOptions, RelayState

log = logging.getLogger(__name__)

# asyncio also accepts up to this many connections in one go before the connection caps can
# close any: at a 1,024-file limit a larger value ran out of files under a flood (accepting
# then pauses for a second).
LISTEN_BACKLOG = 128


class RelayServer:
    """Start/stop the relay on the running loop (plain asyncio or qasync).

    ``stop()`` gives open streams ``shutdown_timeout`` seconds, then cancels them; their
    handlers still queue their settlement, which the app's cleanup flushes before returning.
    With ``tls`` (see ``app.tls.resolve``) it serves HTTPS only on that port.

    Against hostile and idle clients (README, Security): the process's open-file limit is
    raised to the system's ceiling, connections are capped (relay/connlimit.py) and timed
    (relay/lowlevel.py), and repeated log records are counted, not repeated (relay/logdedup.py).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 8765, *,
                 options: RelayOptions | None = None, shutdown_timeout: float = 3.0,
                 config: Config | None = None, tls: TlsPlan | None = None) -> None:
        self.host, self.port = host, port
        self.options = options
        self.shutdown_timeout = shutdown_timeout
        self.config = config
        self.tls = tls
        self.app: web.Application | None = None
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None
        self._log_flush: asyncio.TimerHandle | None = None
        self._gate: ConnectionGate | None = None

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def open_connections(self) -> int:
        """Client connections open now (each counted from accept to close)."""
        return self._gate.open if self._gate is not None else 0

    @property
    def state(self) -> RelayState:
        assert self.app is not None
        return self.app[STATE]

    async def start(self) -> None:
        """Bind and serve. Raises OSError (e.g. port in use) with nothing left running, or
        ValidationError when the TLS files cannot be loaded."""
        context = ssl_context(self.tls) if self.tls is not None else None
        self.app = create_app(self.options, self.config)
        if self.tls is not None:
            self.app[TLS_FINGERPRINT] = self.tls.fingerprint
        options = self.app[STATE].options
        guard = self.app[STATE].guard
        gate = ConnectionGate(options.max_connections_per_ip,
                              total_cap(raise_open_file_limit()),
                              exempt=lambda ip: _trusted(guard.policy, ip))
        self._gate = gate
        runner = JsonAppRunner(self.app, shutdown_timeout=self.shutdown_timeout,
                               access_log=None, handle_signals=False,
                               keepalive_timeout=options.keepalive_timeout,
                               handler_cancellation=True, gate=gate,
                               header_timeout=options.header_timeout,
                               finish_on_hangup=_finishes_on_hangup)
        await runner.setup()
        loop = asyncio.get_running_loop()
        # A TLS handshake that stalls is bounded like a request head that does.
        handshake_timeout = None if context is None else options.header_timeout
        try:
            assert runner.server is not None
            # loop.create_server rather than web.TCPSite, for the handshake timeout.
            listener = await loop.create_server(
                runner.server, self.host, self.port, reuse_address=True, backlog=LISTEN_BACKLOG,
                ssl=context, ssl_handshake_timeout=handshake_timeout)
        except BaseException:
            await runner.cleanup()
            raise
        self._listener = listener
        self._runner = runner
        if listener.sockets:
            self.port = listener.sockets[0].getsockname()[1]
        logdedup.install()
        self._log_flush = loop.call_later(logdedup.WINDOW, self._flush_logs)

    def _flush_logs(self) -> None:
        logdedup.flush()
        self._log_flush = asyncio.get_running_loop().call_later(logdedup.WINDOW,
                                                                self._flush_logs)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        if self._listener is not None:
            self._listener.close()  # no new connections; open ones end in cleanup()
            self._listener = None
        try:
            await runner.cleanup()
        finally:
            if self._log_flush is not None:
                self._log_flush.cancel()
                self._log_flush = None
            logdedup.uninstall()

    @property
    def fingerprint(self) -> str | None:
        """SHA-256 pin of the certificate served (``AB:CD:…``); None for plain HTTP."""
        return self.tls.fingerprint if self.tls is not None else None

    def urls(self) -> list[str]:
        """Base URLs clients should use: the LAN addresses when bound to all interfaces."""
        hosts = lan_addresses() if self.host in ("0.0.0.0", "::", "") else [self.host]
        scheme = "https" if self.tls is not None else "http"
        return [f"{scheme}://{_bracket(h)}:{self.port}/v1" for h in hosts]


def _finishes_on_hangup(request: web.BaseRequest) -> bool:
    """Admin changes complete even if their client hangs up; API requests are cancelled
    (streams shield themselves: relay/proxy.py)."""
    return request.path.startswith(ADMIN_PREFIX)


def _trusted(policy: netpolicy.Policy, ip: str) -> bool:
    return bool(policy.trusted_proxies) and netpolicy.contains(
        policy.trusted_proxies, netpolicy.parse_address(ip))


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses, LAN ones first, without touching the network."""
    return [*lan_ipv4_addresses(), "127.0.0.1"]


async def serve_forever(host: str, port: int, *, options: RelayOptions | None = None,
                        config: Config | None = None, tls: TlsPlan | None = None,
                        announce: Callable[[str], object] = print) -> None:
    """Run until SIGINT/SIGTERM, then shut down cleanly."""
    server = RelayServer(host, port, options=options, config=config, tls=tls)
    await server.start()
    for url in server.urls():
        announce(f"RelayDesk relay listening on {url}")
    for url in server.urls():
        announce(f"User portal: {url.removesuffix('/v1')}/portal/")
    if server.fingerprint is not None:
        # Clients pin this (or trust the certificate file) instead of a certificate authority.
        announce(f"TLS certificate SHA-256 fingerprint: {server.fingerprint}")
        assert tls is not None
        kind = "self-signed" if tls.self_signed else "operator-supplied"
        announce(f"TLS certificate ({kind}): {tls.cert_file}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        announce("RelayDesk relay shutting down")
        await server.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
