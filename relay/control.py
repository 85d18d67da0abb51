"""`relaydesk serve --control`: the desktop app's relay, in a process of its own.

The window and the relay share no interpreter, so neither a table reset nor a burst of LAN
traffic can hold the other up (bench/gui_relay.py measures both designs). The app talks to this
process over its standard streams, one JSON object per line:

- to the app (stdout): ``{"ready": {...}}`` once listening, or ``{"error": {...}}`` and exit 1;
  then ``{"status": {...}}`` (requests served, in flight, provider health) every second, and
  ``{"event": topic}`` when the relay itself changes bans or admin tokens;
- from the app (stdin): ``emit TOPIC`` after the operator changed something the relay caches
  (a revoked key must be refused on the very next request), answered by ``{"applied": topic}``
  once the caches have dropped it; and ``stop``.

End of input means the app is gone: the relay stops too, so it never outlives its window.
"""

import asyncio
import functools
import json
import sys
import threading
from typing import Any, TextIO

from app import events
from app.config import Config
from app.errors import ServiceError
from app.tls import TlsPlan
from relay.server import RelayServer
from relay.state import RelayOptions

# What the app may ask the relay to re-read, and what the relay tells the app about.
INBOUND = frozenset({events.KEYS, events.PRICES, events.PROVIDERS, events.SETTINGS,
                     events.ADMIN_TOKENS, events.BANS})
OUTBOUND = (events.BANS, events.ADMIN_TOKENS)
STATUS_EVERY = 1.0


class Channel:
    """Writes protocol lines; the only writer of stdout in this process."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":"), default=str)
        with self._lock:
            try:
                self._out.write(line + "\n")
                self._out.flush()
            except (BrokenPipeError, ValueError):  # the app is gone; stdin's end stops us
                pass


def error_message(exc: BaseException) -> dict[str, Any]:
    """A start failure as the app re-raises it (a busy port, unusable HTTPS files)."""
    if isinstance(exc, ServiceError):
        return {"kind": "service", "template": exc.template, "values": exc.values,
                "param": exc.param}
    if isinstance(exc, OSError):
        return {"kind": "os", "errno": exc.errno, "message": exc.strerror or str(exc)}
    return {"kind": "other", "message": f"{type(exc).__name__}: {exc}"}


async def serve_controlled(host: str, port: int, *, options: RelayOptions, config: Config | None,
                           tls: TlsPlan | None, shutdown_timeout: float = 3.0,
                           stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    channel = Channel(stdout)
    server = RelayServer(host, port, options=options, config=config, tls=tls,
                         shutdown_timeout=shutdown_timeout)
    try:
        await server.start()
    except (OSError, ServiceError) as exc:
        channel.send({"error": error_message(exc)})
        return 1
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    relaying = False  # set on the loop while re-emitting the app's own change: no echo
    loop_thread = threading.get_ident()

    def local_change(topic: str) -> None:
        # Events fire on the thread that made the change: only the loop's can be an echo.
        if not (relaying and threading.get_ident() == loop_thread):
            channel.send({"event": topic})

    def from_app(topic: str) -> None:
        nonlocal relaying
        relaying = True
        try:
            events.emit_local(topic)  # the app has told the other processes already
        finally:
            relaying = False
        channel.send({"applied": topic})  # the caches have dropped it (tests wait for this)

    def read_commands() -> None:
        for line in stdin:
            command, _, topic = line.strip().partition(" ")
            if command == "emit" and topic in INBOUND:
                loop.call_soon_threadsafe(from_app, topic)
            elif command == "stop":
                break
        loop.call_soon_threadsafe(stop.set)  # "stop", or the app closed our input

    # Events fire on whichever thread changed something (the loop, a database thread).
    unsubscribe = [events.subscribe(t, functools.partial(local_change, t)) for t in OUTBOUND]
    channel.send({"ready": {"port": server.port, "urls": server.urls(),
                            "fingerprint": server.fingerprint,
                            "cert_file": str(tls.cert_file) if tls is not None else None}})
    threading.Thread(target=read_commands, name="relaydesk-control", daemon=True).start()
    try:
        while not stop.is_set():
            state = server.state
            health = state.pool.live_health()
            channel.send({"status": {
                "served": state.requests_served, "in_flight": state.in_flight,
                "health": {str(pid): [failures, round(left, 1)]
                           for pid, (failures, left) in health.items()}}})
            try:
                await asyncio.wait_for(stop.wait(), STATUS_EVERY)
            except TimeoutError:
                pass
    finally:
        for undo in unsubscribe:
            undo()
        await server.stop()
        channel.send({"stopped": True})
    return 0
