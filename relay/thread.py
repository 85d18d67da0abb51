"""The relay on an event loop and thread of its own, for the desktop app.

The window's event loop redraws tables and charts; the relay's serves the LAN. On one loop each
stalls the other (a table reset delays every request; heavy traffic makes the window lag). Here
the relay's loop runs in its own thread and the window talks to it only through ``start`` and
``stop`` (and reads a few counters): neither can hold the other up for longer than the GIL
switch interval. The relay's database work already runs on threads of its own.
"""

import asyncio
import concurrent.futures
import threading
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
