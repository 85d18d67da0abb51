"""The relay on an event loop and thread of its own, inside the calling process.

The desktop app runs its relay as a child process instead (gui/relay_process.py): one thread
of the window's process still shares the interpreter lock with the window (bench/gui_relay.py
compares both). This one serves where a process is not wanted: the GUI tests, and
``bench/gui_relay.py --relay thread``. Same read-only surface as the process: ``start``,
``stop`` and a few counters.
"""

import asyncio
import concurrent.futures
import threading
from pathlib import Path
from typing import Any

from relay.server import RelayServer
from relay.state import RelayState


class RelayThread:
    """A :class:`RelayServer` on its own loop in its own thread; the same read-only surface
    (``running``, ``host``, ``port``, ``state``, ``urls()``, ``fingerprint``)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8765, **kwargs: Any) -> None:
        self.server = RelayServer(host, port, **kwargs)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self.server.running

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def state(self) -> RelayState:
        return self.server.state

    @property
    def fingerprint(self) -> str | None:
        return self.server.fingerprint

    def urls(self) -> list[str]:
        return self.server.urls()

    @property
    def cert_file(self) -> Path | None:
        """The certificate served (to hand to clients); None for plain HTTP."""
        return self.server.tls.cert_file if self.server.tls is not None else None

    def health(self) -> dict[int, tuple[int, float]]:
        """Provider id -> (failures, seconds of cool-down left), as the relay sees it now."""
        return self.server.state.pool.live_health()

    async def start(self) -> None:
        """Start the thread and wait until the relay listens; raises what ``RelayServer.start``
        raised (a port in use, unusable TLS files), with the thread gone."""
        started: concurrent.futures.Future[None] = concurrent.futures.Future()
        thread = threading.Thread(target=self._run, args=(started,), name="relaydesk-relay",
                                  daemon=True)
        thread.start()
        try:
            await asyncio.wrap_future(started)
        except BaseException:
            await asyncio.to_thread(thread.join)
            raise
        self._thread = thread

    async def stop(self) -> None:
        """Stop serving (open requests get the server's shutdown grace) and end the thread."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None:
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:  # its loop already ended
                pass
        await asyncio.to_thread(thread.join)

    def _run(self, started: "concurrent.futures.Future[None]") -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(started))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._loop = None

    async def _serve(self, started: "concurrent.futures.Future[None]") -> None:
        self._stopping = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:  # noqa: BLE001 -- handed to start()'s caller
            started.set_exception(exc)
            return
        started.set_result(None)
        try:
            await self._stopping.wait()
        finally:
            await self.server.stop()
