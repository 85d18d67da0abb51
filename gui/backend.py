"""The GUI's link to the service layer and the embedded relay.

Widgets never call services directly on the GUI thread: ``Backend.call`` runs them in a worker
thread and returns to the loop, so a slow disk or a locked database cannot freeze the window.
Pages refresh when ``changed`` fires, and relay traffic is sampled by a timer (never a repaint
per request).
"""

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app import deployment, events, settings, tls
from app.config import Config
from app.errors import ValidationError
from gui.errors import error_text
from gui.relay_process import RelayProcess
from relay.control import INBOUND as FORWARDED
from relay.dbexec import DatabaseExecutor
from relay.state import RelayOptions
from relay.thread import RelayThread

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
# Managing a deployment, requests are served and billed on its servers: the pages showing them
# reload this often instead of after each request here.
DEPLOYMENT_REFRESH_MS = 15_000


class Backend(QObject):
    """Signals:
        changed(str): data of a topic ("users", "money", "providers", "prices", "settings",
            "logs", "security") changed; pages showing it reload. "security" also fires when
            the relay bans an address or a token changes, from whichever thread did it.
        relay_state(str): "starting", "running", "stopped" or "error: <message>".
        traffic(int, int): requests in the last minute, requests in flight.
    """

    changed = Signal(str)
    _service_event = Signal(str)  # emitted on any thread; delivered queued on the GUI thread
    relay_state = Signal(str)
    traffic = Signal(int, int)

    def __init__(self, config: Config, parent: QObject | None = None, *,
                 relay_process: bool = False) -> None:
        """``relay_process``: run the relay as a child process (the app does; see
        gui/relay_process.py) rather than on a thread of this one (page tests do)."""
        super().__init__(parent)
        self.config = config
        self._dbx = DatabaseExecutor(workers=1)
        self._relay_process = relay_process
        self.relay: RelayThread | RelayProcess | None = None
        self.relay_error: str | None = None
        self._samples: list[tuple[float, int]] = []
        self._served = 0  # requests the relay had served at the last sample
        self._timer = QTimer(self)
        self._timer.setInterval(2000)
        self._timer.timeout.connect(self._sample)
        self._timer.start()
        self._service_event.connect(self.changed.emit, Qt.ConnectionType.QueuedConnection)
        self._remote_timer = QTimer(self)
        self._remote_timer.setInterval(DEPLOYMENT_REFRESH_MS)
        self._remote_timer.timeout.connect(self._remote_activity)
        self.use_config(config)
        self._unsubscribe = [events.subscribe(topic, lambda: self._service_event.emit("security"))
                             for topic in (events.BANS, events.ADMIN_TOKENS)]
        if relay_process:  # what the operator changes here, the relay's caches must drop
            self._unsubscribe += [events.subscribe(topic, functools.partial(self._forward, topic))
                                  for topic in sorted(FORWARDED)]

    def use_config(self, config: Config) -> None:
        """Work on ``config``'s database from now on (first run switches to a deployment)."""
        self.config = config
        if config.managed:
            self._remote_timer.start()
        else:
            self._remote_timer.stop()

    @property
    def managed(self) -> bool:
        """This window manages a deployment: no relay runs here."""
        return self.config.managed

    @property
    def deployment(self) -> str | None:
        """``database@host`` of the managed deployment; None for this computer's relay."""
        url = self.config.database_url
        return deployment.describe(url) if self.managed and url else None

    def _remote_activity(self) -> None:
        for topic in ("logs", "money", "providers"):
            self.changed.emit(topic)

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a service function off the GUI thread."""
        return await self._dbx.run(fn, *args, **kwargs)

    # --- the embedded relay ----------------------------------------------------------------

    async def start_relay(self) -> bool:
        """Start the relay on the configured address; False (and ``relay_error``) on failure."""
        if self.relay is not None and self.relay.running:
            return True
        if self.managed:  # its relays run on the servers; nothing may listen here
            self.relay_error = None
            self.relay_state.emit("stopped")
            return False
        if self.relay is not None:  # it ended by itself: reap it before starting anew
            await self.stop_relay()
        values = await self.call(settings.all_settings)
        host, port = values["relay_host"], values["relay_port"]
        self.relay_state.emit("starting")
        server: RelayThread | RelayProcess
        try:
            # Same decision as `relaydesk serve`; key generation and file checks run off the
            # GUI thread. A bad certificate is reported like a busy port, not raised.
            if self._relay_process:  # it reads the same settings and decides TLS the same way
                server = RelayProcess(self.config, host, port, shutdown_timeout=3.0,
                                      on_event=lambda _topic: self.changed.emit("security"),
                                      on_exit=self._relay_ended)
                # Known before it serves, so a change made meanwhile is passed on (it waits
                # in the relay's input until the relay reads it).
                self.relay = server
            else:
                plan = await self.call(self._tls_plan, host)
                server = RelayThread(host, port, shutdown_timeout=3.0, config=self.config,
                                     tls=plan, options=RelayOptions.from_settings(values))
            await server.start()
        except ValidationError as exc:
            return self._start_failed(error_text(exc))
        except TimeoutError:  # before OSError, of which it is a kind
            return self._start_failed(self.tr(
                "The relay did not start within a minute. The details are in relaydesk.log "
                "in the data folder."))
        except OSError as exc:
            return self._start_failed(self.tr("Port {port} on {host} is not available: {why}")
                                      .format(port=port, host=host, why=exc.strerror or exc))
        except RuntimeError:
            return self._start_failed(self.tr(
                "The relay could not start. The details are in relaydesk.log in the data "
                "folder."))
        self.relay, self.relay_error = server, None
        self._samples.clear()
        self._served = 0
        self.relay_state.emit("running")
        return True

    def _start_failed(self, why: str) -> bool:
        self.relay, self.relay_error = None, why
        self.relay_state.emit("error: " + why)
        return False

    def _relay_ended(self, relay: RelayProcess) -> None:
        """The relay process ended without being asked to (a crash, killed by someone)."""
        if relay is not self.relay or not relay.served:
            return  # stopped on purpose, or a start that failed (start_relay reports it)
        log.error("the relay process ended unexpectedly; see the lines above in this log")
        self.relay_error = self.tr("The relay stopped unexpectedly. The details are in "
                                   "relaydesk.log; Relay → Start relay starts it again.")
        self.relay_state.emit("error: " + self.relay_error)

    async def stop_relay(self) -> None:
        relay, self.relay = self.relay, None
        if relay is not None:
            await relay.stop()
        self.relay_state.emit("stopped")

    async def restart_relay(self) -> bool:
        await self.stop_relay()
        return await self.start_relay()

    def _tls_plan(self, host: str) -> tls.TlsPlan | None:
        return tls.resolve(self.config, host, settings.get("tls_mode"),
                           settings.get("tls_cert_file"), settings.get("tls_key_file"))

    @property
    def relay_status(self) -> str:
        """What ``relay_state`` last said: "running", "stopped" or "error: <why>"."""
        if self.relay is not None and self.relay.running:
            return "running"
        return f"error: {self.relay_error}" if self.relay_error else "stopped"

    @property
    def tls_cert_file(self) -> Path | None:
        """The running relay's certificate file (to hand to clients); None for plain HTTP."""
        relay = self.relay
        return relay.cert_file if relay is not None and relay.running else None

    def relay_urls(self) -> list[str]:
        return self.relay.urls() if self.relay is not None and self.relay.running else []

    @property
    def tls_fingerprint(self) -> str | None:
        """SHA-256 pin of the running relay's certificate; None when stopped or plain HTTP."""
        return self.relay.fingerprint if self.relay is not None and self.relay.running else None

    def relay_health(self) -> dict[int, tuple[int, float]]:
        """Provider id -> (failures, seconds of cool-down left) from the running relay."""
        relay = self.relay
        return relay.health() if relay is not None and relay.running else {}

    def _forward(self, topic: str) -> None:
        relay = self.relay  # any thread: a service call on the worker changed something
        if isinstance(relay, RelayProcess):
            relay.forward(topic)

    def _sample(self) -> None:
        if self.relay is None or not self.relay.running:
            return
        state = self.relay.state
        now = time.monotonic()
        self._samples.append((now, state.requests_served))
        self._samples = [(t, n) for t, n in self._samples if now - t <= 60.0]
        per_minute = state.requests_served - self._samples[0][1]
        self.traffic.emit(per_minute, state.in_flight)
        if state.requests_served != self._served:
            # Requests were logged and billed, and providers' health may have moved: the pages
            # showing them reload (the visible ones now, the others when shown).
            self._served = state.requests_served
            for topic in ("logs", "money", "providers"):
                self.changed.emit(topic)

    async def close(self) -> None:
        self._timer.stop()
        self._remote_timer.stop()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        await self.stop_relay()
        await asyncio.get_running_loop().run_in_executor(None, self._dbx.shutdown)
