"""A real HTTP forward proxy on loopback for tests, speaking like squid or tinyproxy: CONNECT
tunnels and absolute-form requests, Basic proxy auth; it records what went through it."""

from __future__ import annotations

import asyncio
import base64
import binascii
import ssl
from collections.abc import Sequence
from urllib.parse import urlsplit

from tests.helpers.loopback_server import (
    _CHUNK,
    BadMessage,
    Headers,
    LoopbackServer,
    copy_until_eof,
)

# Connection-scoped headers a proxy must not pass on (RFC 9110 7.6.1); the body framing headers
# stay because bodies are relayed with their framing as is.
_HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate",
    "te", "trailer", "upgrade",
})



class HttpProxy(LoopbackServer):
    """An HTTP forward proxy: ``async with HttpProxy(auth=("u", "p")) as proxy:``.

    CONNECT opens a tunnel; an absolute-form request (``POST http://host/path``) is forwarded
    to the origin over a new connection and its answer streamed back as it arrives, framing
    (Content-Length, chunked, or until close) kept. Client connections stay alive between plain
    requests unless the client or the origin's framing says close; no pipelining. Anything the
    proxy itself answers (400, 403, 407, 502) closes the connection.

    ``ssl_context`` makes it an https:// proxy (TLS between client and proxy).

    Attributes:
        connects: ``"host:port"`` per accepted CONNECT.
        requests: ``(method, absolute URL)`` per accepted plain request.
        refused: 407 answers (missing or wrong ``Proxy-Authorization``).
        forbidden: 403 answers (``refuse=True``).
        origin_headers: the headers each plain request was forwarded with.
    """

    def __init__(self, auth: tuple[str, str] | None = None, *, refuse: bool = False,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(ssl_context=ssl_context)
        self.scheme = "https" if ssl_context is not None else "http"
        self.auth = auth
        self.refuse = refuse
        self.connects: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.refused = 0
        self.forbidden = 0
        self.origin_headers: list[Headers] = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await _read_head(reader)
            if head is None:
                return
            start, headers = head
            try:
                method, target, version = start.split(" ")
            except ValueError:
                raise BadMessage(start) from None
            if self.auth is not None and not self._authorized(headers):
                self.refused += 1
                await _answer(writer, 407, "Proxy Authentication Required",
                              [("Proxy-Authenticate", 'Basic realm="test"')])
                return
            if self.refuse:
                self.forbidden += 1
                await _answer(writer, 403, "Forbidden")
                return
            if method == "CONNECT":
                await self._tunnel(reader, writer, target)
                return
            if not await self._forward(reader, writer, method, target, version, headers):
                return

    def _authorized(self, headers: Headers) -> bool:
        value = _header(headers, "proxy-authorization")
        if value is None:
            return False
        kind, _, token = value.strip().partition(" ")
        if kind.lower() != "basic":
            return False
        try:
            login = base64.b64decode(token.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, sep, password = login.partition(":")
        return sep == ":" and (user, password) == self.auth

    async def _tunnel(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      target: str) -> None:
        host, port = _split_authority(target)
        self.connects.append(target)
        try:
            up_reader, up_writer = await self._open(host, port)
        except OSError:
            await _answer(writer, 502, "Bad Gateway")
            return
        try:
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await self._pipe(reader, writer, up_reader, up_writer)
        finally:
            await self._release(up_writer)

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       method: str, target: str, version: str, headers: Headers) -> bool:
        """Relay one absolute-form request; True when the client connection stays open."""
        try:
            url = urlsplit(target)
            port = url.port or 80
        except ValueError:  # a bad IPv6 literal or port
            url, port = urlsplit(""), 0
        if url.scheme != "http" or not url.hostname:
            await _answer(writer, 400, "Bad Request")
            return False
        self.requests.append((method, target))
        tokens = _connection_tokens(headers)
        client_closes = "close" in tokens or (version == "HTTP/1.0" and "keep-alive" not in tokens)
        out = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP | tokens]
        if _header(out, "host") is None:
            out.insert(0, ("Host", url.netloc.rpartition("@")[2]))
        out.append(("Connection", "close"))
        self.origin_headers.append(out)
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        try:
            up_reader, up_writer = await self._open(url.hostname, port)
        except OSError:
            await _answer(writer, 502, "Bad Gateway")
            return False
        try:
            up_writer.write(_head(f"{method} {path} HTTP/1.1", out))
            await _copy_body(reader, up_writer, _request_framing(headers))
            head = await _read_head(up_reader)
            if head is None:
                await _answer(writer, 502, "Bad Gateway")
                return False
            status_line, answer = head
            version_and_status = status_line.split(" ", 2)
            if len(version_and_status) < 2:
                raise BadMessage(status_line)
            status = _number(version_and_status[1])
            framing = _response_framing(method, status, answer)
            closes = client_closes or framing == "eof"
            back = [(k, v) for k, v in answer
                    if k.lower() not in _HOP_BY_HOP | _connection_tokens(answer)]
            if closes:
                back.append(("Connection", "close"))
            writer.write(_head("HTTP/1.1 " + status_line.split(" ", 1)[1], back))
            await writer.drain()
            await self._copy_watching(reader, up_reader, writer, framing)
            return not closes
        finally:
            await self._release(up_writer)

    async def _copy_watching(self, reader: asyncio.StreamReader, up_reader: asyncio.StreamReader,
                             writer: asyncio.StreamWriter, framing: str | int) -> None:
        """Stream the origin's body back; a client hang-up meanwhile ends it at once, so the
        origin sees the hang-up too (as it would through squid)."""
        copy = asyncio.ensure_future(_copy_body(up_reader, writer, framing))
        hangup = asyncio.ensure_future(reader.read(1))  # a client sends nothing until the answer
        try:
            await asyncio.wait([copy, hangup], return_when=asyncio.FIRST_COMPLETED)
            if not copy.done() and not hangup.result():
                raise ConnectionResetError("client hung up")
            await copy
            if hangup.done() and hangup.result():
                raise BadMessage("pipelined request")  # its first byte is gone: close
        finally:
            for task in (copy, hangup):
                task.cancel()
            await asyncio.gather(copy, hangup, return_exceptions=True)


def _connection_tokens(headers: Headers) -> frozenset[str]:
    value = ",".join(v for k, v in headers if k.lower() in ("connection", "proxy-connection"))
    return frozenset(t.strip().lower() for t in value.split(",") if t.strip())


def _request_framing(headers: Headers) -> str | int:
    if "chunked" in (_header(headers, "transfer-encoding") or "").lower():
        return "chunked"
    length = _header(headers, "content-length")
    return _number(length) if length is not None else 0


def _response_framing(method: str, status: int, headers: Headers) -> str | int:
    if method == "HEAD" or status < 200 or status in (204, 304):
        return 0
    if "chunked" in (_header(headers, "transfer-encoding") or "").lower():
        return "chunked"
    length = _header(headers, "content-length")
    return _number(length) if length is not None else "eof"


def _number(text: str) -> int:
    if not text.strip().isdigit():
        raise BadMessage(text)
    return int(text)


async def _copy_body(src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                     framing: str | int) -> None:
    """Copy one message body with its framing as is, flushing each piece as it arrives."""
    if framing == "eof":
        await copy_until_eof(src, dst)
    elif framing == "chunked":
        while True:
            line = await src.readuntil(b"\r\n")
            dst.write(line)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadMessage(line) from None
            if size == 0:
                break
            await _copy_length(src, dst, size + 2)  # the data and its CRLF
        while True:  # trailer fields, up to the empty line
            line = await src.readuntil(b"\r\n")
            dst.write(line)
            if line == b"\r\n":
                break
        await dst.drain()
    else:
        assert isinstance(framing, int)
        await _copy_length(src, dst, framing)


async def _copy_length(src: asyncio.StreamReader, dst: asyncio.StreamWriter, size: int) -> None:
    while size > 0:
        data = await src.read(min(size, _CHUNK))
        if not data:
            raise asyncio.IncompleteReadError(b"", size)
        dst.write(data)
        await dst.drain()
        size -= len(data)


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, Headers] | None:
    """The start line and header fields of one message; None on a close between messages."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise
    start, *lines = raw[:-4].decode("latin-1").split("\r\n")
    headers: Headers = []
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise BadMessage(line)
        headers.append((name, value.strip()))
    return start, headers


def _head(start: str, headers: Sequence[tuple[str, str]]) -> bytes:
    lines = [start, *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _header(headers: Headers, name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


async def _answer(writer: asyncio.StreamWriter, status: int, reason: str,
                  headers: Headers | None = None) -> None:
    """An answer from the proxy itself; the connection closes after it."""
    body = f"{status} {reason}\n".encode()
    fields = [*(headers or []), ("Content-Type", "text/plain"),
              ("Content-Length", str(len(body))), ("Connection", "close")]
    writer.write(_head(f"HTTP/1.1 {status} {reason}", fields) + body)
    await writer.drain()


def _split_authority(target: str) -> tuple[str, int]:
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise BadMessage(target)
    return host.removeprefix("[").removesuffix("]"), int(port)
