"""A real SOCKS5 server on loopback for tests, speaking like dante or ``ssh -D``: RFC 1928
CONNECT, RFC 1929 login; it records its targets and the names it resolved (socks5h) rather
than the client (socks5)."""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
import struct

from tests.helpers.loopback_server import LoopbackServer

# RFC 1928 reply codes
SUCCEEDED, GENERAL_FAILURE, NOT_ALLOWED, NETWORK_UNREACHABLE, HOST_UNREACHABLE = 0, 1, 2, 3, 4
CONNECTION_REFUSED, TTL_EXPIRED, COMMAND_NOT_SUPPORTED, ADDRESS_NOT_SUPPORTED = 5, 6, 7, 8
_NO_AUTH, _USER_PASS, _NO_METHOD = 0x00, 0x02, 0xFF


class Socks5Proxy(LoopbackServer):
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
