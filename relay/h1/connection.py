"""One HTTP/1.1 connection to a provider, and the response it is reading.

The parsing is httptools (llhttp, the parser Node.js uses): status line, headers, chunked and
length-delimited bodies. What is ours is the little around it: hand each body piece to the one
waiting reader, pause the socket when the reader falls behind, time out a silent upstream.
"""

import asyncio
import zlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import httptools

# The reader falls this far behind before the socket stops reading (memory stays flat on a
# 1 GB stream), and resumes once it is back under the low mark.
HIGH_WATER = 512 * 1024
LOW_WATER = 128 * 1024
_DECOMPRESSED_PIECE = 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024  # a response head bigger than this is not a provider talking

# Awaited between sending a request and reading its answer (the relay takes a hold there).
AfterSend = Callable[[], Awaitable[None]]


class UpstreamError(Exception):
    """The upstream could not be reached or broke the HTTP exchange: fail over."""


class UpstreamTimeout(UpstreamError, TimeoutError):
    """Connecting took too long, or the upstream went silent for longer than allowed."""


class UpstreamClosed(UpstreamError, ConnectionError):
    """The connection closed before the response was complete."""


class H1Response:
    """Status, headers and the body as it arrives; iterate it for the body pieces (each
    iteration returns everything that arrived since the previous one).

    Only one task reads a response. ``close()`` gives up on the rest of the body: the
    connection is dropped (a half-read connection cannot carry another request).
    """

    __slots__ = ("status", "headers", "_conn", "_chunks", "_buffered", "_done", "_error",
                 "_waiter", "_decoder")

    def __init__(self, conn: "H1Connection") -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self._conn: H1Connection | None = conn
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._done = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._decoder: Any = None

    @property
    def complete(self) -> bool:
        """The whole body has arrived (it may not all have been read yet)."""
        return self._done and self._error is None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def __aiter__(self) -> "H1Response":
        return self

    async def __anext__(self) -> bytes:
        while not self._chunks:
            if self._error is not None:
                raise self._error
            if self._done:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if len(self._chunks) == 1:
            chunk = self._chunks.popleft()
        else:  # all that arrived since the last read, in one piece (like StreamReader.readany)
            chunk = b"".join(self._chunks)
            self._chunks.clear()
        self._buffered -= len(chunk)
        conn = self._conn
        if conn is not None and conn.reading_paused and self._buffered < LOW_WATER:
            conn.resume_reading()
        return chunk

    async def read(self, limit: int) -> bytes:
        """The body, or its first ``limit`` bytes (then the rest is not read)."""
        out = bytearray()
        async for chunk in self:
            out += chunk
            if len(out) >= limit:
                if not self._done or self._chunks:
                    self.close()
                del out[limit:]
                break
        return bytes(out)

    def close(self) -> None:
        """Stop reading: later reads fail, and an unfinished exchange drops its connection."""
        if not self._done:
            self._fail(UpstreamClosed("the response was closed before its end"))
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.abort()
        self._chunks.clear()
        self._buffered = 0

    # -- fed by the connection --------------------------------------------------------

    def _feed(self, data: bytes) -> None:
        if self._decoder is not None:
            data = self._decompress(data)
            if not data:
                return
        self._chunks.append(data)
        self._buffered += len(data)
        self._wake()

    def _decompress(self, data: bytes) -> bytes:
        out = bytearray(self._decoder.decompress(data, _DECOMPRESSED_PIECE))
        while self._decoder.unconsumed_tail:
            out += self._decoder.decompress(self._decoder.unconsumed_tail, _DECOMPRESSED_PIECE)
        return bytes(out)

    def _finish(self) -> None:
        self._conn = None  # the connection may carry another exchange from now on
        if self._decoder is not None:
            try:
                rest = self._decoder.flush()
            except zlib.error as exc:
                self._fail(UpstreamError(f"bad compressed body: {exc}"))
                return
            if not self._decoder.eof:  # flush() does not complain about a cut-off stream
                self._fail(UpstreamError("the compressed body ends before its end marker"))
                return
            if rest:
                self._chunks.append(rest)
                self._buffered += len(rest)
        self._done = True
        self._conn = None
        self._wake()

    def _fail(self, error: BaseException) -> None:
        if self._done:
            return
        self._error, self._done = error, True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class H1Connection(asyncio.Protocol):
    """A keep-alive connection carrying one request at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reading_paused = False
        self.idle_since = 0.0
        self.received = False  # some byte of the current response arrived
        self._sent = False  # the whole request went out (else the connection cannot be reused)
        self._response: H1Response | None = None
        self._head: asyncio.Future[H1Response] | None = None
        self._parser: Any = None
        self._raw_headers: list[tuple[bytes, bytes]] = []
        self._header_bytes = 0
        self.sent_at = 0.0  # when the current request was handed to the socket
        self.closed_at = 0.0  # when the connection closed (or was dropped)
        self._informational = False
        self._until_eof = False
        self._keep_alive = False
        self._read_timeout = 0.0
        self._last_read = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._drain: asyncio.Future[None] | None = None
        self._writing_paused = False
        self.on_idle: Any = None  # called with self when a finished exchange frees it
        self.pool_key: Any = None

    # -- asyncio.Protocol -------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self._response is None:  # nothing was asked: a confused server
            self.abort()
            return
        self.received = True
        self._last_read = self.loop.time()
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(UpstreamError("the upstream switched protocols"))
        except httptools.HttpParserError as exc:
            self._fail(UpstreamError(f"invalid HTTP from the upstream: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed:
            self.closed_at = self.loop.time()
        self.closed = True
        self._wake_drain(exc)
        response = self._response
        if response is None:
            return
        if exc is None and self._until_eof and self._head is not None and self._head.done():
            self._complete()  # a body delimited by the end of the connection
            return
        self._fail(UpstreamClosed("the upstream closed the connection"
                                  + (f": {exc}" if exc else "")))

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._wake_drain(None)

    # -- httptools callbacks ----------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._head is None or self._head.done():
            return  # trailers after a chunked body: nothing the relay uses
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > MAX_HEADER_BYTES:
            self._fail(UpstreamError("the upstream's response headers are too large"))
            return
        self._raw_headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        raw, self._raw_headers, self._header_bytes = self._raw_headers, [], 0
        if 100 <= status < 200:  # "100 Continue" and friends: the real answer follows
            self._informational = True
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1")
                   for name, value in raw}
        response = self._response
        assert response is not None and self._head is not None
        response.status, response.headers = status, headers
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            response._decoder = zlib.decompressobj(wbits=47)  # gzip or zlib header
        elif encoding not in ("identity", ""):
            self._fail(UpstreamError(f"unsupported content-encoding {encoding!r}"))
            return
        self._until_eof = ("content-length" not in headers
                           and "chunked" not in headers.get("transfer-encoding", "").lower()
                           and status not in (204, 304))
        self._keep_alive = bool(self._parser.should_keep_alive()) and not self._until_eof
        if not self._head.done():
            self._head.set_result(response)
            self._wake_drain(None)  # answered before the whole body went out: stop sending

    def on_body(self, body: bytes) -> None:
        response = self._response
        if response is not None:
            response._feed(body)
            if response._buffered > HIGH_WATER and not self.reading_paused:
                self.pause_reading()

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        if self._until_eof:
            return  # llhttp cannot know; the end of the connection ends the body
        self._complete()

    # -- used by the client -----------------------------------------------------------

    async def request(self, head: bytes, body: bytes, read_timeout: float,
                      after_send: AfterSend | None = None) -> H1Response:
        """Send one request and wait for its status and headers (``after_send`` is awaited
        in between; if it raises, the exchange is dropped)."""
        response = H1Response(self)
        self._response = response
        self._head = head_future = self.loop.create_future()
        self._parser = httptools.HttpResponseParser(self)
        self._raw_headers, self._header_bytes = [], 0
        self.received = self._sent = False
        self._read_timeout = read_timeout
        self._last_read = self.sent_at = self.loop.time()
        self._timer = self.loop.call_at(self._last_read + read_timeout, self._check_silence)
        assert self.transport is not None
        try:
            if len(body) <= LOW_WATER:
                self.transport.write(head + body)
                self._sent = True
            else:
                await self._send_large(head, body)
            if after_send is not None:
                await after_send()
            return await head_future
        except BaseException:
            if self._response is response:  # cancelled or failed mid-exchange: unusable
                self.abort()
            if head_future.done() and not head_future.cancelled():
                head_future.exception()  # left unread when after_send failed: not an error
            raise

    async def _send_large(self, head: bytes, body: bytes) -> None:
        """Big bodies (images) go in slices, each once the socket has room: no copy of the
        whole body into the transport's buffer in one loop step."""
        assert self.transport is not None
        self.transport.write(head)
        view = memoryview(body)
        for start in range(0, len(view), LOW_WATER):
            if self._head is None or self._head.done() or self.closed:
                return  # answered early (e.g. 413) or gone: stop sending
            self.transport.write(view[start:start + LOW_WATER])
            self._sent = start + LOW_WATER >= len(view)  # the transport holds all of it
            if self._writing_paused:
                self._drain = self.loop.create_future()
                await self._drain

    def _wake_drain(self, exc: Exception | None) -> None:
        drain, self._drain = self._drain, None
        if drain is not None and not drain.done():
            drain.set_result(None)

    def pause_reading(self) -> None:
        if self.transport is not None and not self.closed:
            self.reading_paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self.reading_paused and self.transport is not None and not self.closed:
            self.reading_paused = False
            self._last_read = self.loop.time()
            self.transport.resume_reading()

    def abort(self) -> None:
        """Drop the connection now (nothing more is read or written)."""
        self._cancel_timer()
        if not self.closed and self.transport is not None:
            self.closed = True
            self.transport.abort()
        self._fail(UpstreamClosed("the connection was closed"))

    def _check_silence(self) -> None:
        """The read timeout: one timer per exchange, re-armed lazily instead of on every
        read."""
        self._timer = None
        if self._response is None:
            return
        now = self.loop.time()
        if self.reading_paused:  # our reader is slow, not the upstream
            self._last_read = now
        deadline = self._last_read + self._read_timeout
        if now < deadline:
            self._timer = self.loop.call_at(deadline, self._check_silence)
            return
        self._fail(UpstreamTimeout(f"no data from the upstream for {self._read_timeout:g} s"))
        self.abort()

    def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    def _complete(self) -> None:
        self._cancel_timer()
        response, self._response, self._head = self._response, None, None
        if response is not None:
            response._finish()
        if self.reading_paused and not self.closed:
            self.resume_reading()
        if self._keep_alive and self._sent and not self.closed:
            self.idle_since = self.loop.time()
            if self.on_idle is not None:
                self.on_idle(self)
        elif self.transport is not None and not self.closed:
            self.closed = True
            if self._sent:
                self.transport.close()
            else:  # a half-sent body: close() would wait for the server to read the rest
                self.transport.abort()

    def _fail(self, error: BaseException) -> None:
        self._cancel_timer()
        response, head = self._response, self._head
        self._response = self._head = None
        if head is not None and not head.done():
            head.set_exception(error)
        if response is not None:
            response._fail(error)
        if not self.closed and self.transport is not None:
            self.closed = True
            self.transport.abort()
