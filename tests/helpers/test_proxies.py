"""The loopback proxies must behave like squid and dante on the wire, or proxy tests prove nothing.

Each test drives them with the clients the relay uses: aiohttp's own proxy support for HTTP(S)
proxies and aiohttp-socks for SOCKS5.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp_socks import ProxyConnector, ProxyError

from app import tls
from tests.helpers.http_proxy import HttpProxy
from tests.helpers.socks_proxy import Socks5Proxy

BOUND = 10  # seconds: a broken proxy fails the test instead of hanging it


class Origin:
    """A tiny aiohttp origin server: ``/echo`` tells what arrived, ``/sse`` streams two events
    with a pause (``go``) between them and notes a hang-up (``hung_up``)."""

    def __init__(self, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None):
        self.host = host
        self.ssl_context = ssl_context
        self.port = 0
        self.go = asyncio.Event()
        self.hung_up = asyncio.Event()
        self.requests = 0
        self._runner: web.AppRunner | None = None

    def url(self, path: str, host: str | None = None) -> str:
        scheme = "https" if self.ssl_context else "http"
        name = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{scheme}://{name}:{self.port}{path}"

    async def __aenter__(self) -> Origin:
        app = web.Application()
        app.router.add_route("*", "/echo", self._echo)
        app.router.add_get("/sse", self._sse)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0, ssl_context=self.ssl_context)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _echo(self, request: web.Request) -> web.Response:
        self.requests += 1
        body = await request.read()
        return web.json_response({
            "method": request.method, "path_qs": request.path_qs,
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "body": body.decode(), "chunked": "chunked" in request.headers.get(
                "Transfer-Encoding", "")})

    async def _sse(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        try:
            await response.write(b"data: one\n\n")
            await self.go.wait()
            await response.write(b"data: two\n\n")
        except asyncio.CancelledError:
            self.hung_up.set()
            raise
        return response


@pytest.fixture
async def origin() -> AsyncIterator[Origin]:
    async with Origin() as o:
        yield o


@pytest.fixture
def tls_pair(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context for 127.0.0.1 and a client context that trusts only it."""
    cert, key = tls.ensure_self_signed(tmp_path, [], [])
    plan = tls.TlsPlan(cert, key, tls.fingerprint_sha256(cert), self_signed=True)
    return tls.ssl_context(plan), ssl.create_default_context(cafile=str(cert))


def closed_port() -> int:
    """A loopback port nothing listens on (connecting to it is refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- HTTP proxy: plain (absolute-form) requests -------------------------------------------------


async def test_plain_request_is_forwarded_in_origin_form(session, origin) -> None:
    url = origin.url("/echo?api-version=2024-10-21")
    async with HttpProxy() as proxy:
        async with session.post(url, json={"q": "hi"}, proxy=proxy.url) as r:
            assert r.status == 200
            seen = await r.json()
    assert proxy.requests == [("POST", url)]
    assert proxy.connects == []
    assert seen["method"] == "POST" and seen["path_qs"] == "/echo?api-version=2024-10-21"
    assert seen["body"] == '{"q": "hi"}'
    assert seen["headers"]["host"] == f"127.0.0.1:{origin.port}"


async def test_plain_requests_keep_the_client_connection_alive(session, origin) -> None:
    async with HttpProxy() as proxy:
        for _ in range(3):
            async with session.get(origin.url("/echo"), proxy=proxy.url) as r:
                assert r.status == 200
                await r.read()
    assert proxy.accepted == 1
    assert len(proxy.requests) == 3 and origin.requests == 3


async def test_chunked_request_body_goes_through(session, origin) -> None:
    async def body() -> AsyncIterator[bytes]:
        for piece in (b"abc", b"", b"def" * 30_000):
            yield piece

    async with HttpProxy() as proxy:
        async with session.post(origin.url("/echo"), data=body(), proxy=proxy.url) as r:
            seen = await r.json()
    assert seen["chunked"] is True
    assert seen["body"] == "abc" + "def" * 30_000


async def test_sse_arrives_event_by_event(session, origin) -> None:
    async with HttpProxy() as proxy, asyncio.timeout(BOUND):
        async with session.get(origin.url("/sse"), proxy=proxy.url) as r:
            assert r.headers["Transfer-Encoding"] == "chunked"
            # the origin has not finished: it waits for `go`, so this piece came on its own
            assert await r.content.readuntil(b"\n\n") == b"data: one\n\n"
            origin.go.set()
            assert await r.content.read() == b"data: two\n\n"


class RawOrigin:
    """An origin that writes a scripted response by hand: first piece, wait for ``go``, rest."""

    def __init__(self, head: bytes, first: bytes, rest: bytes) -> None:
        self.head, self.first, self.rest = head, first, rest
        self.go = asyncio.Event()
        self.hung_up = asyncio.Event()
        self.request_lines: list[bytes] = []
        self.port = 0

    async def __aenter__(self) -> RawOrigin:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            self.request_lines.append(head.split(b"\r\n")[0])
            writer.write(self.head + self.first)
            await writer.drain()
            waiter = asyncio.ensure_future(self.go.wait())
            eof = asyncio.ensure_future(reader.read())
            await asyncio.wait([waiter, eof], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            eof.cancel()
            if not self.go.is_set():
                self.hung_up.set()
                return
            writer.write(self.rest)
            await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()


FRAMINGS = {
    "content-length": (b"HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\n",
                       b"data: one\n\n", b"data: two\n\n"),
    "chunked": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                b"b\r\ndata: one\n\n\r\n", b"b\r\ndata: two\n\n\r\n0\r\n\r\n"),
    "until-close": (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
                    b"data: one\n\n", b"data: two\n\n"),
}


@pytest.mark.parametrize("framing", FRAMINGS)
async def test_each_response_framing_streams_before_the_origin_finishes(session, framing) -> None:
    async with RawOrigin(*FRAMINGS[framing]) as raw, HttpProxy() as proxy:
        async with asyncio.timeout(BOUND):
            url = f"http://127.0.0.1:{raw.port}/v1/chat/completions"
            async with session.get(url, proxy=proxy.url) as r:
                assert await r.content.readuntil(b"\n\n") == b"data: one\n\n"
                raw.go.set()
                assert await r.content.read() == b"data: two\n\n"
                # without a length the end is the close, so the client connection must close too
                assert (r.headers.get("Connection") == "close") == (framing == "until-close")
    assert raw.request_lines == [b"GET /v1/chat/completions HTTP/1.1"]


async def test_client_hang_up_reaches_the_origin(session, origin) -> None:
    async with HttpProxy() as proxy, asyncio.timeout(BOUND):
        async with session.get(origin.url("/sse"), proxy=proxy.url) as r:
            await r.content.readuntil(b"\n\n")
            r.close()  # drops the connection, as the relay does when its client goes
        await origin.hung_up.wait()


async def test_unreachable_origin_is_a_502(session) -> None:
    port = closed_port()
    async with HttpProxy() as proxy:
        async with session.get(f"http://127.0.0.1:{port}/", proxy=proxy.url) as r:
            assert r.status == 502
        with pytest.raises(aiohttp.ClientHttpProxyError) as caught:
            await session.get(f"https://127.0.0.1:{port}/", proxy=proxy.url)
    assert caught.value.status == 502
    assert proxy.connects == [f"127.0.0.1:{port}"]


# --- HTTP proxy: CONNECT ------------------------------------------------------------------------


async def test_https_target_goes_through_a_connect_tunnel(session, tls_pair) -> None:
    server_ctx, client_ctx = tls_pair
    async with Origin(ssl_context=server_ctx) as secure, HttpProxy() as proxy:
        async with session.post(secure.url("/echo"), data=b"x", proxy=proxy.url,
                                ssl=client_ctx) as r:
            seen = await r.json()
    assert seen["body"] == "x"
    assert proxy.connects == [f"127.0.0.1:{secure.port}"]
    assert proxy.requests == []


async def test_close_all_drops_an_open_tunnel(session, tls_pair) -> None:
    server_ctx, client_ctx = tls_pair
    async with Origin(ssl_context=server_ctx) as secure, HttpProxy() as proxy:
        async with asyncio.timeout(BOUND):
            async with session.get(secure.url("/sse"), proxy=proxy.url, ssl=client_ctx) as r:
                assert await r.content.readuntil(b"\n\n") == b"data: one\n\n"
                proxy.close_all()
                with pytest.raises(aiohttp.ClientPayloadError):
                    await r.content.read()
            await secure.hung_up.wait()


async def test_close_all_drops_a_plain_stream(session, origin) -> None:
    async with HttpProxy() as proxy, asyncio.timeout(BOUND):
        async with session.get(origin.url("/sse"), proxy=proxy.url) as r:
            await r.content.readuntil(b"\n\n")
            proxy.close_all()
            with pytest.raises(aiohttp.ClientPayloadError):
                await r.content.read()
        await origin.hung_up.wait()


async def test_https_proxy_speaks_tls_to_the_client(session, origin, tls_pair) -> None:
    server_ctx, client_ctx = tls_pair
    async with HttpProxy(ssl_context=server_ctx) as proxy:
        assert proxy.url.startswith("https://127.0.0.1:")
        async with session.get(origin.url("/echo"), proxy=proxy.url, ssl=client_ctx) as r:
            assert r.status == 200
    assert proxy.requests == [("GET", origin.url("/echo"))]


async def test_https_target_through_an_https_proxy(session, tls_pair) -> None:
    """TLS inside TLS: aiohttp's client reaches an https provider through an https:// proxy."""
    server_ctx, client_ctx = tls_pair
    async with Origin(ssl_context=server_ctx) as secure, HttpProxy(ssl_context=server_ctx) as proxy:
        async with session.get(secure.url("/echo"), proxy=proxy.url, ssl=client_ctx) as r:
            assert r.status == 200
    assert proxy.connects == [f"127.0.0.1:{secure.port}"]


async def test_ipv6_origin_plain_and_through_connect(session, tls_pair) -> None:
    server_ctx, client_ctx = tls_pair
    async with Origin(host="::1") as plain, Origin(host="::1", ssl_context=server_ctx) as secure, \
            HttpProxy() as proxy:
        for url in (plain.url("/echo"), secure.url("/echo")):
            async with session.get(url, proxy=proxy.url, ssl=client_ctx) as r:
                assert r.status == 200
    assert proxy.requests == [("GET", f"http://[::1]:{plain.port}/echo")]
    assert proxy.connects == [f"[::1]:{secure.port}"]


# --- HTTP proxy: authentication and refusal -----------------------------------------------------


async def test_proxy_auth_is_required_and_not_passed_on(session, origin, tls_pair) -> None:
    url = origin.url("/echo")
    async with HttpProxy(auth=("alice", "s3cr:t")) as proxy:
        async with session.get(url, proxy=proxy.url) as r:
            assert r.status == 407
            assert r.headers["Proxy-Authenticate"] == 'Basic realm="test"'
        wrong = proxy.url_with(userinfo=("alice", "nope"))
        async with session.get(url, proxy=wrong) as r:
            assert r.status == 407
        assert proxy.requests == [] and origin.requests == 0
        with pytest.raises(aiohttp.ClientHttpProxyError) as caught:
            await session.get("https://127.0.0.1:1/", proxy=proxy.url)
        assert caught.value.status == 407
        assert proxy.refused == 3

        # aiohttp sends proxy_headers only on CONNECT; the URL's credentials go on both
        authed = proxy.url_with(userinfo=("alice", "s3cr:t"))
        async with session.get(url, proxy=authed) as r:
            seen = await r.json()
        assert "proxy-authorization" not in seen["headers"]
        assert proxy.requests == [("GET", url)]
        server_ctx, client_ctx = tls_pair
        async with Origin(ssl_context=server_ctx) as secure:
            async with session.get(secure.url("/echo"), proxy=authed, ssl=client_ctx) as r:
                assert r.status == 200
        assert proxy.connects == [f"127.0.0.1:{secure.port}"]
        assert proxy.refused == 3


async def test_refusing_proxy_answers_403_to_everything(session, origin) -> None:
    async with HttpProxy(refuse=True) as proxy:
        async with session.get(origin.url("/echo"), proxy=proxy.url) as r:
            assert r.status == 403
        with pytest.raises(aiohttp.ClientHttpProxyError) as caught:
            await session.get(f"https://127.0.0.1:{origin.port}/", proxy=proxy.url)
    assert caught.value.status == 403
    assert proxy.forbidden == 2
    assert proxy.requests == [] and proxy.connects == [] and origin.requests == 0


@pytest.mark.parametrize("target", [b"/not-absolute", b"http://[::1/", b"http://h:99999/"])
async def test_a_bad_request_target_is_a_400(target) -> None:
    async with HttpProxy() as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert proxy.requests == []


# --- SOCKS5 -------------------------------------------------------------------------------------


def socks_session(url: str, **kwargs: object) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=ProxyConnector.from_url(url, **kwargs))


async def test_socks5_resolves_locally_and_sends_the_address(origin) -> None:
    async with Socks5Proxy() as proxy, socks_session(proxy.url, rdns=False) as s:
        async with s.get(origin.url("/echo", host="localhost")) as r:
            assert r.status == 200
    assert proxy.targets == [("127.0.0.1", origin.port)]
    assert proxy.remote_dns == []


async def test_socks5h_lets_the_proxy_resolve_the_name(origin) -> None:
    async with Socks5Proxy() as proxy, socks_session(proxy.url, rdns=True) as s:
        async with s.get(origin.url("/echo", host="localhost")) as r:
            assert r.status == 200
    assert proxy.targets == [("localhost", origin.port)]
    assert proxy.remote_dns == ["localhost"]


async def test_aiohttp_socks_resolves_remotely_unless_told_not_to(origin) -> None:
    """python-socks knows no socks5h:// scheme and defaults to remote DNS for socks5://, so a
    socks5:// proxy needs rdns=False to mean what it says."""
    async with Socks5Proxy() as proxy:
        with pytest.raises(ValueError):
            ProxyConnector.from_url(proxy.url_with("socks5h"))
        async with socks_session(proxy.url) as s:
            async with s.get(origin.url("/echo", host="localhost")) as r:
                assert r.status == 200
    assert proxy.remote_dns == ["localhost"]


async def test_socks5_ipv6_target() -> None:
    async with Origin(host="::1") as v6, Socks5Proxy() as proxy, socks_session(proxy.url) as s:
        async with s.get(v6.url("/echo")) as r:
            assert r.status == 200
    assert proxy.targets == [("::1", v6.port)]


async def test_socks5_streams_and_close_all_drops_it(origin) -> None:
    async with Socks5Proxy() as proxy, socks_session(proxy.url) as s, asyncio.timeout(BOUND):
        async with s.get(origin.url("/sse")) as r:
            assert await r.content.readuntil(b"\n\n") == b"data: one\n\n"
            proxy.close_all()
            with pytest.raises(aiohttp.ClientPayloadError):
                await r.content.read()
        await origin.hung_up.wait()


async def test_socks5_username_password(origin) -> None:
    async with Socks5Proxy(auth=("bob", "pa:ss")) as proxy:
        async with socks_session(proxy.url_with(userinfo=("bob", "pa:ss"))) as s:
            async with s.get(origin.url("/echo")) as r:
                assert r.status == 200
        for url in (proxy.url, proxy.url_with(userinfo=("bob", "wrong"))):
            async with socks_session(url) as s:
                with pytest.raises(ProxyError):
                    await s.get(origin.url("/echo"))
    assert proxy.auth_failures == 2
    assert proxy.targets == [("127.0.0.1", origin.port)]


async def test_socks5_refusing_proxy(origin) -> None:
    async with Socks5Proxy(refuse=True) as proxy, socks_session(proxy.url) as s:
        with pytest.raises(ProxyError) as caught:
            await s.get(origin.url("/echo"))
    assert caught.value.error_code == 2  # connection not allowed by ruleset
    assert proxy.forbidden == 1 and proxy.targets == [] and origin.requests == 0


async def test_socks5_unreachable_target_is_refused() -> None:
    port = closed_port()
    async with Socks5Proxy() as proxy, socks_session(proxy.url) as s:
        with pytest.raises(ProxyError) as caught:
            await s.get(f"http://127.0.0.1:{port}/")
    assert caught.value.error_code == 5  # connection refused
    assert proxy.targets == [("127.0.0.1", port)]


async def raw_socks(proxy: Socks5Proxy, *messages: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    for message in messages:
        writer.write(message)
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return answer


@pytest.mark.parametrize(("request_bytes", "code"), [
    (b"\x05\x02\x00\x01\x7f\x00\x00\x01\x00\x50", 7),  # BIND: command not supported
    (b"\x05\x01\x00\x09", 8),  # unknown address type
])
async def test_socks5_unsupported_requests_get_rfc_1928_replies(request_bytes, code) -> None:
    async with Socks5Proxy() as proxy:
        answer = await raw_socks(proxy, b"\x05\x01\x00", request_bytes)
    assert answer == b"\x05\x00" + bytes([5, code, 0, 1]) + b"\x00" * 6
    assert proxy.targets == []


async def test_socks5_without_a_shared_method_says_so() -> None:
    async with Socks5Proxy(auth=("u", "p")) as proxy:
        assert await raw_socks(proxy, b"\x05\x01\x00") == b"\x05\xff"
        good = b"\x01\x01u\x01p"
        reply = await raw_socks(proxy, b"\x05\x01\x02", good, b"\x05\x01\x00\x09")
    assert reply.startswith(b"\x05\x02\x01\x00\x05\x08")  # method 2, login ok, then the request
    assert proxy.auth_failures == 1


