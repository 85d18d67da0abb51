"""relay/h1 safety edges found in review: no second send once a provider may have worked on a
request, trailers that stay with their response, internationalised host names, oversized
heads, and redirects treated as a provider problem rather than the client's."""

import asyncio
import gc

import pytest

from relay import upstream
from relay.h1 import UpstreamClosed, UpstreamError, target
from tests.relay.h1.servers import RawConn, body_of, post, raw


def _answer(body: bytes = b"ok") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


async def test_a_close_after_the_provider_had_time_to_work_is_not_retried(client,
                                                                         servers) -> None:
    """A provider that read the request, worked on it, then dropped the connection may have
    billed the operator for it: sending it again would pay twice."""
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(_answer())
        await conn.read_request()
        await asyncio.sleep(0.6)  # the provider works on it (well past the stale window)...
        # ...and the connection ends without an answer

    server = await raw(servers, handler)
    assert await body_of(await post(client, server.port)) == b"ok"
    with pytest.raises(UpstreamClosed):
        await post(client, server.port, body=b"expensive")
    assert [body for _, body in server.requests] == [b"{}", b"expensive"]
    assert server.connections == 1


async def test_trailers_do_not_leak_into_the_next_response(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"2\r\nok\r\n0\r\nContent-Encoding: gzip\r\nX-Trailer: 1\r\n\r\n")
        await conn.read_request()
        await conn.send(_answer(b"plain"))

    server = await raw(servers, handler)
    assert await body_of(await post(client, server.port)) == b"ok"
    second = await post(client, server.port)
    assert "content-encoding" not in second.headers
    assert await body_of(second) == b"plain"
    assert server.connections == 1


async def test_an_oversized_response_head_is_an_upstream_error(client, servers) -> None:
    async def handler(conn: RawConn) -> None:
        await conn.read_request()
        headers = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"x" * 4000) for i in range(20))
        await conn.send(b"HTTP/1.1 200 OK\r\n" + headers + b"Content-Length: 0\r\n\r\n")

    server = await raw(servers, handler)
    with pytest.raises(UpstreamError):
        await post(client, server.port)


def test_internationalised_host_names_go_out_as_idna() -> None:
    url = target("https://bücher.example/v1")
    assert url.host == "xn--bcher-kva.example" and url.host_header == "xn--bcher-kva.example"
    for bad in ("http://a..b/v1", "http://" + "x" * 70 + ".example/v1"):
        with pytest.raises(ValueError):
            target(bad)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_fails_over_and_tells_the_operator_where_to(status: int) -> None:
    verdict = upstream.classify(status, b"", location="https://api.example.com/v1")
    assert verdict.failover and verdict.client_error is None
    assert "https://api.example.com/v1" in verdict.reason


# --- after_send: the relay takes a request's hold between sending it and reading the answer --

async def test_a_slow_after_send_does_not_turn_an_idle_close_into_a_failure(client,
                                                                           servers) -> None:
    """The server's idle close crosses the request; the hold then takes longer than the stale
    window. What counts is when the close came, so the request still goes again, once."""
    async def handler(conn: RawConn) -> None:
        if server.connections == 1:
            await conn.read_request()
            await conn.send(_answer(b"first"))
            await conn.read_request()
            return  # closed without an answer, at once
        while await conn.read_request() is not None:
            await conn.send(_answer(b"again"))

    calls = 0

    async def slow_hold() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(0.6)  # e.g. waiting for SQLite's write lock

    server = await raw(servers, handler)
    assert await body_of(await post(client, server.port)) == b"first"
    resp = await post(client, server.port, body=b"second", after_send=slow_hold)
    assert await body_of(resp) == b"again"
    assert calls == 2 and server.connections == 2


async def test_a_failing_after_send_drops_the_exchange_quietly(client, servers) -> None:
    """A refused hold: the error reaches the caller, the connection is not reused, and asyncio
    reports nothing (no "Future exception was never retrieved" in the operator's log)."""
    async def handler(conn: RawConn) -> None:
        while await conn.read_request() is not None:
            await conn.send(_answer())

    class Refused(Exception):
        pass

    async def refuse() -> None:
        raise Refused

    reports: list[dict] = []  # type: ignore[type-arg]
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: reports.append(context))
    try:
        server = await raw(servers, handler)
        with pytest.raises(Refused):
            await post(client, server.port, after_send=refuse)
        assert await body_of(await post(client, server.port)) == b"ok"
        assert server.connections == 2  # the refused exchange's connection was dropped
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert reports == []
