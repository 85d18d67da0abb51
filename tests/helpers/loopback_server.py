"""What the loopback proxies for tests share (tests/helpers/http_proxy.py,
tests/helpers/socks_proxy.py): a server on 127.0.0.1 that records, pipes bytes both ways and
closes cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from typing import Self
from urllib.parse import quote

_CHUNK = 64 * 1024

Headers = list[tuple[str, str]]
_Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class BadMessage(Exception):
    """The peer sent something that is not HTTP/1.1 as this proxy understands it."""


class LoopbackServer:
    """A TCP server on 127.0.0.1 (random port) that tracks its connections so it can drop them.

    Attributes:
        accepted: client connections accepted so far (keep-alive reuse shows as fewer).
        errors: exceptions a connection handler did not expect (a proxy bug); leaving
            ``async with`` raises the first, so the test that met it fails.
    """

    scheme = ""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.accepted = 0
        self.errors: list[BaseException] = []
        self._ssl = ssl_context
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url_with(self, scheme: str | None = None, userinfo: tuple[str, str] | None = None) -> str:
        """This proxy's URL with another scheme (``socks5h``) and/or credentials in it."""
        login = ""
        if userinfo is not None:
            login = f"{quote(userinfo[0], safe='')}:{quote(userinfo[1], safe='')}@"
        return f"{scheme or self.scheme}://{login}{self.host}:{self.port}"

    async def start(self) -> Self:
        self._server = await asyncio.start_server(self._accept, self.host, 0, ssl=self._ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening, drop every connection and wait until each handler has finished."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.close()
        self.close_all()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        await self.stop()
        if kind is None and self.errors:
            raise self.errors[0]  # a proxy bug must fail the test that met it

    def close_all(self) -> None:
        """Drop every open connection, both sides (tunnels included), as a dying proxy would."""
        for writer in list(self._writers):
            writer.transport.abort()

    async def _open(self, host: str, port: int) -> _Stream:
        reader, writer = await asyncio.open_connection(host, port)
        self._writers.add(writer)
        return reader, writer

    async def _release(self, writer: asyncio.StreamWriter) -> None:
        self._writers.discard(writer)
        writer.close()
        # Waiting lets the transport finish closing before the test's loop goes away.
        with contextlib.suppress(Exception):
            await writer.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        self.accepted += 1
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                BadMessage, ssl.SSLError):
            pass  # the peer went away or spoke garbage: a real proxy just drops it
        except Exception as exc:  # noqa: BLE001 - kept for the test to see, not swallowed
            self.errors.append(exc)
        finally:
            await self._release(writer)
            self._tasks.discard(task)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def _pipe(self, a_reader: asyncio.StreamReader, a_writer: asyncio.StreamWriter,
                    b_reader: asyncio.StreamReader, b_writer: asyncio.StreamWriter) -> None:
        """Copy bytes both ways until either side closes, then close both (as squid does)."""
        copies = [asyncio.ensure_future(copy_until_eof(a_reader, b_writer)),
                  asyncio.ensure_future(copy_until_eof(b_reader, a_writer))]
        try:
            await asyncio.wait(copies, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for copy in copies:
                copy.cancel()
            await asyncio.gather(*copies, return_exceptions=True)


# --- HTTP -----------------------------------------------------------------------------------------


async def copy_until_eof(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    while data := await src.read(_CHUNK):
        dst.write(data)
        await dst.drain()
