"""Real local servers for the H1Client tests: an aiohttp app for well-formed exchanges, and a raw
``asyncio.start_server`` for the odd or broken HTTP a framework would never send."""

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from relay.h1 import AfterSend, H1Client, H1Response, target


@dataclass
class RawConn:
    """One accepted connection, as the raw handler sees it."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    server: "RawServer"

    async def read_request(self) -> tuple[bytes, bytes] | None:
        """The next request's head and body, or ``None`` when the client closed."""
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length)
        self.server.requests.append((head, body))
        self.server.request_seen.set()
        return head, body

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def until_eof(self) -> None:
        """Wait for the client to close or reset this connection."""
        try:
            while await self.reader.read(65536):
                pass
        except ConnectionError:
            pass
        self.server.eofs += 1
        self.server.eof_seen.set()


Handler = Callable[[RawConn], Awaitable[None]]


@dataclass
class RawServer:
    """A TCP server on 127.0.0.1 that answers with whatever bytes ``handler`` writes; counts
    connections and requests so tests can tell reuse, retries and duplicates apart."""

    handler: Handler
    connections: int = 0
    eofs: int = 0
    requests: list[tuple[bytes, bytes]] = field(default_factory=list)
    request_seen: asyncio.Event = field(default_factory=asyncio.Event)
    eof_seen: asyncio.Event = field(default_factory=asyncio.Event)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def start(self) -> "RawServer":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.append(writer)
        self.connections += 1
        try:
            await self.handler(RawConn(reader, writer, self))
        except ConnectionError:
            pass  # the client dropped the connection: what several tests do on purpose
        except asyncio.CancelledError:
            pass  # stop(): end quietly (asyncio.streams logs a handler task that was cancelled)
        finally:
            writer.close()
            self._tasks.discard(task)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            try:
                await task
            except asyncio.CancelledError:
                pass
        for writer in self._writers:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, ssl.SSLError):
                pass
        await self._server.wait_closed()


class AppServer:
    """An aiohttp app on ``host``; records the client port of every request (one port per TCP
    connection, so the set of ports counts the connections used)."""

    def __init__(self, handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
                 host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.host = host
        self.ssl_context = ssl_context
        self.peers: list[int] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def _record(self, request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        self.peers.append(request.transport.get_extra_info("peername")[1])
        return await self.handler(request)

    async def start(self) -> "AppServer":
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._record)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0,
                                     access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0, ssl_context=self.ssl_context)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    @property
    def connections(self) -> int:
        return len(set(self.peers))

    async def stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


def url(port: int, host: str = "127.0.0.1", scheme: str = "http") -> str:
    return f"{scheme}://{host}:{port}/v1"


async def post(client: H1Client, port: int, path: str = "/chat", body: bytes = b"{}", *,
               host: str = "127.0.0.1", scheme: str = "http", read_timeout: float = 5.0,
               connect_timeout: float = 5.0, after_send: AfterSend | None = None
               ) -> H1Response:
    return await client.post(target(url(port, host, scheme)), path, body,
                             b"Content-Type: application/json\r\n",
                             connect_timeout=connect_timeout, read_timeout=read_timeout,
                             after_send=after_send)


async def body_of(response: H1Response) -> bytes:
    return b"".join([chunk async for chunk in response])


def idle_count(client: H1Client) -> int:
    """Pooled connections still open (the pool's own list, read for the tests' sake)."""
    return sum(1 for conns in client._idle.values() for conn in conns if not conn.closed)


async def until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait, bounded, for a condition another task or the event loop makes true."""
    async with asyncio.timeout(seconds):
        while not predicate():
            await asyncio.sleep(0.001)


async def raw(servers: list, handler: Handler) -> RawServer:  # type: ignore[type-arg]
    """Start a RawServer that the ``servers`` fixture stops after the test."""
    server = await RawServer(handler).start()
    servers.append(server)
    return server


async def app(servers: list,  # type: ignore[type-arg]
              handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> AppServer:
    """Start an AppServer that the ``servers`` fixture stops after the test."""
    server = await AppServer(handler).start()
    servers.append(server)
    return server
