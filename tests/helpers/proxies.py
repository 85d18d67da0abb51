"""Real forward proxies on loopback for tests: an HTTP proxy and a SOCKS5 server.

``HttpProxy`` speaks like squid or tinyproxy (CONNECT tunnels and absolute-form requests, Basic
proxy auth), ``Socks5Proxy`` like dante or ``ssh -D`` (RFC 1928 CONNECT, RFC 1929 login). Both
record what went through them, so a test can prove traffic took the proxy, and which names the
SOCKS server resolved (socks5h) rather than the client (socks5).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import errno
import ipaddress
import socket
import ssl
import struct
from collections.abc import Sequence
from typing import Self
from urllib.parse import quote, urlsplit

_CHUNK = 64 * 1024
# Connection-scoped headers a proxy must not pass on (RFC 9110 7.6.1); the body framing headers
# stay because bodies are relayed with their framing as is.
_HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate",
    "te", "trailer", "upgrade",
})

Headers = list[tuple[str, str]]
_Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class _BadMessage(Exception):
    """The peer sent something that is not HTTP/1.1 as this proxy understands it."""


class _LoopbackServer:
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
                _BadMessage, ssl.SSLError):
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
        copies = [asyncio.ensure_future(_copy_until_eof(a_reader, b_writer)),
                  asyncio.ensure_future(_copy_until_eof(b_reader, a_writer))]
        try:
            await asyncio.wait(copies, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for copy in copies:
                copy.cancel()
            await asyncio.gather(*copies, return_exceptions=True)


# --- HTTP -----------------------------------------------------------------------------------------

class HttpProxy(_LoopbackServer):
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
                raise _BadMessage(start) from None
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
                raise _BadMessage(status_line)
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
                raise _BadMessage("pipelined request")  # its first byte is gone: close
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
        raise _BadMessage(text)
    return int(text)


async def _copy_body(src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                     framing: str | int) -> None:
    """Copy one message body with its framing as is, flushing each piece as it arrives."""
    if framing == "eof":
        await _copy_until_eof(src, dst)
    elif framing == "chunked":
        while True:
            line = await src.readuntil(b"\r\n")
            dst.write(line)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadMessage(line) from None
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


async def _copy_until_eof(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    while data := await src.read(_CHUNK):
        dst.write(data)
        await dst.drain()


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
            raise _BadMessage(line)
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
        raise _BadMessage(target)
    return host.removeprefix("[").removesuffix("]"), int(port)


# --- SOCKS5 ---------------------------------------------------------------------------------------

# RFC 1928 reply codes
SUCCEEDED, GENERAL_FAILURE, NOT_ALLOWED, NETWORK_UNREACHABLE, HOST_UNREACHABLE = 0, 1, 2, 3, 4
CONNECTION_REFUSED, TTL_EXPIRED, COMMAND_NOT_SUPPORTED, ADDRESS_NOT_SUPPORTED = 5, 6, 7, 8
_NO_AUTH, _USER_PASS, _NO_METHOD = 0x00, 0x02, 0xFF


class Socks5Proxy(_LoopbackServer):
    """A SOCKS5 server: ``async with Socks5Proxy(auth=("u", "p")) as proxy:``.

    Only CONNECT. With ``auth`` only username/password (RFC 1929) is offered; a client without
    it gets "no acceptable methods", wrong credentials a failure reply; both close.

    Attributes:
        targets: ``(host, port)`` per accepted CONNECT, host as the client sent it (an IP, or the
            name for the proxy to resolve).
        remote_dns: the names the proxy was asked to resolve (socks5h; empty for socks5).
        auth_failures: greetings without username/password, and wrong credentials.
        forbidden: CONNECTs refused by ``refuse=True`` (reply 0x02, "not allowed by ruleset").
    """

    scheme = "socks5"

    def __init__(self, auth: tuple[str, str] | None = None, *, refuse: bool = False) -> None:
        super().__init__()
        self.auth = auth
        self.refuse = refuse
        self.targets: list[tuple[str, int]] = []
        self.remote_dns: list[str] = []
        self.auth_failures = 0
        self.forbidden = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        if version != 5:
            return
        offered = await reader.readexactly(count)
        wanted = _NO_AUTH if self.auth is None else _USER_PASS
        if wanted not in offered:
            if self.auth is not None:
                self.auth_failures += 1
            writer.write(bytes([5, _NO_METHOD]))
            await writer.drain()
            return
        writer.write(bytes([5, wanted]))
        await writer.drain()
        if self.auth is not None and not await self._login(reader, writer):
            self.auth_failures += 1
            return

        version, command, _reserved, kind = await reader.readexactly(4)
        if version != 5:
            return
        if kind == 1:
            host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        elif kind == 3:
            size = (await reader.readexactly(1))[0]
            host = (await reader.readexactly(size)).decode("ascii", errors="replace")
        elif kind == 4:
            host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        else:
            await _reply(writer, ADDRESS_NOT_SUPPORTED)
            return
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if command != 1:
            await _reply(writer, COMMAND_NOT_SUPPORTED)
            return
        if self.refuse:
            self.forbidden += 1
            await _reply(writer, NOT_ALLOWED)
            return
        self.targets.append((host, port))
        if kind == 3:
            self.remote_dns.append(host)
        try:
            up_reader, up_writer = await self._open(host, port)
        except OSError as exc:
            await _reply(writer, _failure_code(exc))
            return
        try:
            await _reply(writer, SUCCEEDED, up_writer.get_extra_info("sockname"))
            await self._pipe(reader, writer, up_reader, up_writer)
        finally:
            await self._release(up_writer)

    async def _login(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        version, size = await reader.readexactly(2)
        user = await reader.readexactly(size)
        (size,) = await reader.readexactly(1)
        password = await reader.readexactly(size)
        assert self.auth is not None
        ok = version == 1 and (user, password) == tuple(p.encode() for p in self.auth)
        writer.write(bytes([1, 0 if ok else 1]))
        await writer.drain()
        return ok


def _failure_code(exc: OSError) -> int:
    if isinstance(exc, socket.gaierror):
        return HOST_UNREACHABLE
    if isinstance(exc, ConnectionRefusedError):
        return CONNECTION_REFUSED
    return {errno.ENETUNREACH: NETWORK_UNREACHABLE, errno.EHOSTUNREACH: HOST_UNREACHABLE,
            errno.ETIMEDOUT: TTL_EXPIRED}.get(exc.errno or 0, GENERAL_FAILURE)


async def _reply(writer: asyncio.StreamWriter, code: int,
                 bound: tuple[object, ...] | None = None) -> None:
    address = ipaddress.ip_address(str(bound[0])) if bound else ipaddress.IPv4Address(0)
    port = int(str(bound[1])) if bound else 0
    kind = 1 if address.version == 4 else 4
    writer.write(bytes([5, code, 0, kind]) + address.packed + struct.pack("!H", port))
    await writer.drain()
