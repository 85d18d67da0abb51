"""relay/h1's client with big and cut-short exchanges: back-pressure both ways, giving up on a
body (``read(limit)``, ``close()``, cancellation, ``client.close()``), TLS and IPv6."""

import asyncio
import hashlib
import os
import socket
import ssl
from pathlib import Path

import pytest
from aiohttp import web

from app import tls
from relay.h1 import H1Client, UpstreamClosed, UpstreamError, target
from relay.h1.connection import HIGH_WATER
from tests.relay.h1.servers import AppServer, RawConn, body_of, idle_count, post, raw, until

# asyncio's socket transports read at most this much per data_received call
TRANSPORT_READ = 256 * 1024
MB = 1024 * 1024


def _chunked_head() -> bytes:
    return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


# --- back-pressure -------------------------------------------------------------------------------

async def test_slow_reader_keeps_memory_bounded_and_gets_every_byte(client, servers) -> None:
    block = os.urandom(MB)
    total = 50 * MB
    sent = hashlib.sha256()

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.content_length = total
        await resp.prepare(request)
        for i in range(total // MB):
            piece = bytes([i]) + block[1:]
            sent.update(piece)
            await resp.write(piece)
        await resp.write_eof()
        return resp

    server = await AppServer(handler).start()
    servers.append(server)
    resp = await post(client, server.port)
    got, count, peak, paused = hashlib.sha256(), 0, 0, False
    async for chunk in resp:
        got.update(chunk)
        count += len(chunk)
        # A reader slower than the socket: it lets the buffer fill until reading pauses.
        while resp._conn is not None and not resp._conn.reading_paused and not resp._done:
            peak = max(peak, resp._buffered)
            await asyncio.sleep(0)
        peak = max(peak, resp._buffered)
        paused |= bool(resp._conn is not None and resp._conn.reading_paused)
    assert count == total and got.digest() == sent.digest() and resp.complete
    assert paused, "the socket was never paused: the test did not exercise back-pressure"
    assert peak <= HIGH_WATER + TRANSPORT_READ
    assert idle_count(client) == 1  # reading resumed for the end and the connection is reusable


async def test_large_request_body_arrives_intact(client, servers) -> None:
    body = os.urandom(20 * MB)

    async def handler(request: web.Request) -> web.Response:
        digest, size = hashlib.sha256(), 0
        async for piece in request.content.iter_chunked(64 * 1024):
            digest.update(piece)
            size += len(piece)
        return web.Response(text=f"{size} {digest.hexdigest()}")

    server = await AppServer(handler).start()
    servers.append(server)
    resp = await post(client, server.port, body=body)
    assert (await body_of(resp)).decode() == f"{len(body)} {hashlib.sha256(body).hexdigest()}"
    resp = await post(client, server.port, body=b"small after large")  # the connection is sane
    assert (await body_of(resp)).decode().startswith("17 ")
    assert server.connections == 1


async def test_early_answer_to_a_large_upload_is_returned_and_the_connection_dropped(
        client, servers) -> None:
    """A server that answers (413) without reading the body: the client must not wait for
    room to send the rest, nor reuse a connection whose request was only half sent."""

    async def handler(conn: RawConn) -> None:
        if server.connections == 1:
            await conn.reader.readuntil(b"\r\n\r\n")  # the head only; the body is never read
            await conn.send(b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 3\r\n\r\nbig")
            await asyncio.Event().wait()  # keeps the connection open and unread
        while await conn.read_request() is not None:
            await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = await raw(servers, handler)
    async with asyncio.timeout(10):
        resp = await post(client, server.port, body=os.urandom(20 * MB))
        assert resp.status == 413 and await body_of(resp) == b"big"
        assert idle_count(client) == 0
        assert await body_of(await post(client, server.port)) == b"ok"
    assert server.connections == 2


# --- giving up on a body -------------------------------------------------------------------------

async def test_read_limit_cuts_the_body_and_drops_the_connection(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(_chunked_head() + _chunk(b"x" * 1000))
        await conn.until_eof()  # the rest never comes: the client must give up on its own

    server = await raw(servers, handler)
    resp = await post(client, server.port)
    assert await resp.read(10) == b"x" * 10
    assert not resp.complete and idle_count(client) == 0
    async with asyncio.timeout(5):
        await server.eof_seen.wait()
    with pytest.raises(UpstreamClosed):
        await body_of(resp)


async def test_read_limit_larger_than_the_body(client, servers) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"short")

    server = await AppServer(handler).start()
    servers.append(server)
    resp = await post(client, server.port)
    assert await resp.read(1000) == b"short" and resp.complete
    resp = await post(client, server.port)
    assert await resp.read(5) == b"short"  # exactly the whole body: nothing was cut
    assert server.connections == 1 and idle_count(client) == 1


async def _first_chunk_then_wait(conn: RawConn) -> None:
    """Answer with one chunk of a body, then wait for the client to hang up."""
    await conn.read_request()
    await conn.send(_chunked_head() + _chunk(b"first"))
    await conn.until_eof()


async def test_close_mid_body(client, servers) -> None:
    server = await raw(servers, _first_chunk_then_wait)
    resp = await post(client, server.port)
    pieces = aiter(resp)
    assert await anext(pieces) == b"first"
    resp.close()
    with pytest.raises(UpstreamClosed):
        await anext(pieces)
    assert not resp.complete and idle_count(client) == 0
    async with asyncio.timeout(5):
        await server.eof_seen.wait()
    resp.close()  # twice is harmless


async def test_cancelled_post_leaves_nothing_behind(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.until_eof()  # never answers

    server = await raw(servers, handler)
    task = asyncio.create_task(post(client, server.port))
    async with asyncio.timeout(5):
        await server.request_seen.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert idle_count(client) == 0
    async with asyncio.timeout(5):
        await server.eof_seen.wait()  # the half-done exchange's connection was dropped


async def test_cancelled_body_reader_then_close(client, servers) -> None:
    server = await raw(servers, _first_chunk_then_wait)
    resp = await post(client, server.port)

    async def drain() -> bytes:
        return await body_of(resp)

    task = asyncio.create_task(drain())
    await until(lambda: resp._waiter is not None)  # the reader took "first", waits for more
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    resp.close()  # what the relay does in its finally
    async with asyncio.timeout(5):
        await server.eof_seen.wait()
    assert idle_count(client) == 0


async def test_client_close_closes_pooled_and_running_connections(servers) -> None:
    more = asyncio.Event()

    async def handler(conn: RawConn) -> None:
        if await conn.read_request() is None:
            return
        if server.connections == 1:
            await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        else:
            await conn.send(_chunked_head() + _chunk(b"first"))
            async with asyncio.timeout(5):
                await more.wait()
            await conn.send(_chunk(b"last") + b"0\r\n\r\n")
        await conn.until_eof()

    server = await raw(servers, handler)
    client = H1Client()
    assert await body_of(await post(client, server.port)) == b"ok"
    assert idle_count(client) == 1
    # a second exchange is still running when the client closes
    first = client._idle[target(f"http://127.0.0.1:{server.port}/v1").key].pop()
    running = await post(client, server.port)
    client._idle[first.pool_key].append(first)
    await client.close()
    async with asyncio.timeout(5):
        while server.eofs < 1:
            await server.eof_seen.wait()
            server.eof_seen.clear()
    assert first.closed and idle_count(client) == 0
    more.set()
    assert await body_of(running) == b"firstlast"  # the running exchange still finishes...
    assert idle_count(client) == 0  # ...but its connection is not pooled after close()
    async with asyncio.timeout(5):
        while server.eofs < 2:
            await server.eof_seen.wait()
            server.eof_seen.clear()
    with pytest.raises(UpstreamError):
        await post(client, server.port)


# --- TLS and IPv6 --------------------------------------------------------------------------------

@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    return tls.ensure_self_signed(tmp_path / "tls", [], [])


async def test_tls_with_a_trusted_self_signed_certificate(servers, certificate) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)

    async def handler(request: web.Request) -> web.Response:
        assert request.secure
        return web.Response(body=b"secret " + await request.read())

    server = await AppServer(handler, ssl_context=server_context).start()
    servers.append(server)
    trusting = H1Client(ssl_context=ssl.create_default_context(cafile=str(cert)))
    try:
        for _ in range(2):
            resp = await post(trusting, server.port, scheme="https", body=b"hi")
            assert resp.status == 200 and await body_of(resp) == b"secret hi"
        assert server.connections == 1  # TLS connections are pooled too
    finally:
        await trusting.close()
    default = H1Client()  # the system's CAs never signed this certificate
    try:
        with pytest.raises(UpstreamError) as caught:
            await post(default, server.port, scheme="https")
        assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
        assert idle_count(default) == 0
    finally:
        await default.close()


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


async def test_ipv6_literal_base_url(client, servers) -> None:
    parsed = target("http://[::1]:8123/v1")
    assert (parsed.host, parsed.port, parsed.host_header) == ("::1", 8123, "[::1]:8123")
    if not _ipv6_loopback():
        assert os.environ.get("CI") != "true", "CI machines must have an IPv6 loopback (::1)"
        return  # parsing checked above; this machine cannot connect to ::1

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=request.headers["Host"])

    server = await AppServer(handler, host="::1").start()
    servers.append(server)
    resp = await post(client, server.port, host="[::1]")
    assert await body_of(resp) == f"[::1]:{server.port}".encode()
