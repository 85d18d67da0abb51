"""relay/h1's HTTP/1.1 client against real local servers: body framings, interim responses,
keep-alive reuse and its one safe retry, timeouts, and broken HTTP always ending as UpstreamError.

Bigger flows (back-pressure, large bodies, TLS, IPv6, cancellation) are in
test_client_streams.py."""

import asyncio
import gzip
import socket
import zlib

import pytest
from aiohttp import web

from relay.h1 import UpstreamClosed, UpstreamError, UpstreamTimeout, header_lines, target
from tests.relay.h1.servers import RawConn, app, body_of, idle_count, post, raw, until

# --- bodies --------------------------------------------------------------------------------------

async def test_content_length_body_status_and_lower_cased_headers(client, servers) -> None:
    async def handler(request: web.Request) -> web.Response:
        assert request.path == "/v1/chat" and await request.read() == b'{"a":1}'
        assert request.headers["Host"] == f"127.0.0.1:{request.url.port}"
        return web.Response(status=201, body=b"hello", headers={"X-Custom-Thing": "Value"},
                            content_type="application/json", charset="utf-8")

    server = await app(servers, handler)
    resp = await post(client, server.port, body=b'{"a":1}')
    assert resp.status == 201
    assert resp.headers["x-custom-thing"] == "Value"
    assert all(name == name.lower() for name in resp.headers)
    assert resp.headers["content-length"] == "5"
    assert resp.content_type == "application/json"
    assert await body_of(resp) == b"hello" and resp.complete


async def test_chunked_body_is_seen_piece_by_piece(client, servers) -> None:
    first_seen = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        await resp.write(b"first piece")
        async with asyncio.timeout(5):
            await first_seen.wait()  # the client read piece one before piece two exists
        await resp.write(b"second piece")
        await resp.write_eof()
        return resp

    server = await app(servers, handler)
    resp = await post(client, server.port)
    assert resp.headers["transfer-encoding"] == "chunked"
    pieces = aiter(resp)
    assert await anext(pieces) == b"first piece"
    assert not resp.complete
    first_seen.set()
    assert b"".join([chunk async for chunk in pieces]) == b"second piece"
    assert resp.complete
    assert idle_count(client) == 1  # a finished chunked answer leaves the connection reusable


async def test_close_delimited_body_ends_with_the_connection(client, servers) -> None:
    more = asyncio.Event()

    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ")
        async with asyncio.timeout(5):
            await more.wait()
        await conn.send(b"the end")
        conn.writer.close()

    server = await raw(servers, handler)
    resp = await post(client, server.port)
    pieces = aiter(resp)
    assert await anext(pieces) == b"until "
    assert not resp.complete
    more.set()
    assert b"".join([chunk async for chunk in pieces]) == b"the end"
    assert resp.complete and idle_count(client) == 0


async def test_no_content_204_and_keep_alive(client, servers) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=204)

    server = await app(servers, handler)
    for _ in range(2):
        resp = await post(client, server.port)
        assert resp.status == 204
        assert await body_of(resp) == b"" and resp.complete
    assert server.connections == 1


async def test_interim_100_continue_is_skipped(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        while await conn.read_request() is not None:
            await conn.send(b"HTTP/1.1 100 Continue\r\n\r\n"
                            b"HTTP/1.1 200 OK\r\nX-Real: yes\r\nContent-Length: 2\r\n\r\nok")

    server = await raw(servers, handler)
    for _ in range(2):
        resp = await post(client, server.port)
        assert resp.status == 200 and resp.headers == {"x-real": "yes", "content-length": "2"}
        assert await body_of(resp) == b"ok"
    assert server.connections == 1


async def test_gzip_and_deflate_bodies_are_decoded(client, servers) -> None:
    text = b"compressible " * 5000

    async def handler(request: web.Request) -> web.Response:
        if request.path.endswith("/gzip"):
            return web.Response(body=gzip.compress(text), headers={"Content-Encoding": "gzip"})
        return web.Response(body=zlib.compress(text), headers={"Content-Encoding": "deflate"})

    server = await app(servers, handler)
    for path in ("/gzip", "/deflate"):
        resp = await post(client, server.port, path)
        assert await body_of(resp) == text and resp.complete


# --- keep-alive ----------------------------------------------------------------------------------

async def test_sequential_requests_share_one_connection(client, servers) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    server = await app(servers, handler)
    for i in range(3):
        assert await body_of(await post(client, server.port, body=b"%d" % i)) == b"%d" % i
    assert server.connections == 1 and len(server.peers) == 3
    assert idle_count(client) == 1


async def test_connection_close_answers_are_not_reused(client, servers) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"bye", headers={"Connection": "close"})

    server = await app(servers, handler)
    for _ in range(2):
        resp = await post(client, server.port)
        assert await body_of(resp) == b"bye" and resp.complete
        assert idle_count(client) == 0
    assert server.connections == 2


def _keep_alive_answer(body: bytes = b"ok") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


async def test_pooled_connection_closed_while_idle_is_replaced(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        if await conn.read_request() is not None:
            await conn.send(_keep_alive_answer())
        # then the server's idle timeout: close without a word

    server = await raw(servers, handler)
    assert await body_of(await post(client, server.port)) == b"ok"
    pooled = client._idle[target(f"http://127.0.0.1:{server.port}/v1").key][0]
    await until(lambda: pooled.closed)  # the client noticed the FIN while idle
    assert await body_of(await post(client, server.port)) == b"ok"
    assert server.connections == 2 and len(server.requests) == 2


async def test_request_racing_the_idle_close_is_retried_once_on_a_new_connection(
        client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        if server.connections == 1:
            await conn.read_request()
            await conn.send(_keep_alive_answer(b"first"))
            await conn.read_request()  # arrives just as the server gives up on the connection
            return  # closed without any answer: the client may safely send it again
        while await conn.read_request() is not None:
            await conn.send(_keep_alive_answer(b"again"))

    server = await raw(servers, handler)
    assert await body_of(await post(client, server.port)) == b"first"
    resp = await post(client, server.port, body=b"second")
    assert await body_of(resp) == b"again"
    assert server.connections == 2
    assert [body for _, body in server.requests] == [b"{}", b"second", b"second"]


@pytest.mark.parametrize("partial", [
    b"HTTP/1.1 200 OK\r\nContent-Le",  # closed in the middle of the head
    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part",  # in the middle of the body
])
async def test_no_retry_once_the_server_started_answering(client, servers,
                                                          partial: bytes) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(_keep_alive_answer())
        await conn.read_request()
        await conn.send(partial)  # then the connection closes

    server = await raw(servers, handler)
    assert await body_of(await post(client, server.port)) == b"ok"
    with pytest.raises(UpstreamClosed):
        resp = await post(client, server.port, body=b"once")
        await body_of(resp)
    assert [body for _, body in server.requests] == [b"{}", b"once"]
    assert server.connections == 1 and idle_count(client) == 0


# --- timeouts and unreachable servers ------------------------------------------------------------

async def test_silence_after_the_head_times_out_the_body(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await conn.until_eof()  # silent until the client gives up

    server = await raw(servers, handler)
    resp = await post(client, server.port, read_timeout=0.2)
    pieces = aiter(resp)
    assert await anext(pieces) == b"abc"
    with pytest.raises(UpstreamTimeout):
        await anext(pieces)
    async with asyncio.timeout(5):
        await server.eof_seen.wait()  # the timed-out connection was dropped
    assert idle_count(client) == 0


async def test_silence_before_the_head_times_out_post(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.until_eof()

    server = await raw(servers, handler)
    with pytest.raises(UpstreamTimeout):
        await post(client, server.port, read_timeout=0.2)
    async with asyncio.timeout(5):
        await server.eof_seen.wait()
    assert idle_count(client) == 0


async def test_refused_port_is_an_upstream_error(client) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(UpstreamError) as caught:
        await post(client, port)
    assert not isinstance(caught.value, UpstreamTimeout)


async def test_connect_timeout(client) -> None:
    """A listener whose accept queue is full drops further SYNs, so connecting hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):  # the queue takes one or two; the rest stay in SYN_SENT
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        with pytest.raises(UpstreamTimeout):
            await post(client, port, connect_timeout=0.3)
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


# --- broken HTTP ---------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    b"garbage\r\n\r\n",
    b"HTTP/1.1 2x0 OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\nxx",
    b"HTTP/1.1 200 OK\r\nContent-Encoding: zstd, gzip\r\nContent-Length: 2\r\n\r\nxx",
])
async def test_broken_heads_raise_upstream_error(client, servers, answer: bytes) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(answer)
        await conn.until_eof()

    server = await raw(servers, handler)
    with pytest.raises(UpstreamError):
        await post(client, server.port)
    async with asyncio.timeout(5):
        await server.eof_seen.wait()  # the broken connection was dropped, not pooled
    assert idle_count(client) == 0


@pytest.mark.parametrize(("answer", "framing_ok"), [
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n", False),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX", False),
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 12\r\n\r\nnot gzipped!",
     False),
    # well framed, but the gzip stream stops before its end: a cut-off body, not a complete one
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n"
     + gzip.compress(b"truncated body")[:10], True),
])
async def test_broken_bodies_raise_upstream_error(client, servers, answer: bytes,
                                                  framing_ok: bool) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(answer)
        await conn.until_eof()

    server = await raw(servers, handler)
    resp = await post(client, server.port)
    with pytest.raises(UpstreamError):
        await body_of(resp)
    assert not resp.complete
    # HTTP framing intact: the connection may carry the next request; broken: it was dropped
    assert idle_count(client) == (1 if framing_ok else 0)


async def test_unsolicited_bytes_on_an_idle_connection_drop_it(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(_keep_alive_answer() + b"HTTP/1.1 408 Request Timeout\r\n\r\n")
        while await conn.read_request() is not None:
            await conn.send(_keep_alive_answer())

    server = await raw(servers, handler)
    assert await body_of(await post(client, server.port)) == b"ok"
    assert await body_of(await post(client, server.port)) == b"ok"
    assert server.connections == 2


# --- target() and header_lines() -----------------------------------------------------------------

def test_target_parsing() -> None:
    t = target("http://example.com/v1")
    assert (t.tls, t.host, t.port, t.prefix, t.host_header) == (
        False, "example.com", 80, "/v1", "example.com")
    t = target("https://example.com/v1/")
    assert (t.tls, t.port, t.prefix, t.host_header) == (True, 443, "/v1", "example.com")
    assert target("https://example.com:8443").host_header == "example.com:8443"
    assert target("https://example.com:8443").prefix == ""
    assert target("http://example.com:443/").host_header == "example.com:443"
    t = target("http://[::1]:8080/compatible-mode/v1")
    assert (t.host, t.port, t.host_header, t.prefix) == (
        "::1", 8080, "[::1]:8080", "/compatible-mode/v1")
    assert target("https://[2001:db8::1]/v1").host_header == "[2001:db8::1]"
    assert target("http://h/a b").prefix == "/a%20b"
    assert target("http://h/v1").key == (False, "h", 80)


@pytest.mark.parametrize("bad", ["ftp://example.com/v1", "example.com/v1", "http:///v1", "",
                                 "http://h:99999/v1"])
def test_target_rejects_non_http_urls(bad: str) -> None:
    with pytest.raises(ValueError):
        target(bad)


def test_header_lines() -> None:
    assert header_lines([("A", "1"), ("B-C", "x y")]) == b"A: 1\r\nB-C: x y\r\n"
    for value in ("sk-abc\r\nX-Evil: 1", "sk-abc\n", "sk\rabc", "sk\0"):
        with pytest.raises(ValueError):
            header_lines([("Authorization", f"Bearer {value}")])
