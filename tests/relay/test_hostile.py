"""Hostile and idle connections: slowloris heads, idle floods, too many connections from one
address, stream clients that stop reading, clients that hang up (issue 13 §4).

Attackers connect from other loopback addresses (127.0.0.2, …: Linux routes all of
127.0.0.0/8 to the machine), so the per-address cap tells them from the normal client.
"""

import asyncio
import json
import logging
import resource
import socket
import sys
import time
from collections.abc import AsyncIterator

import aiohttp
import psutil
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_protocol import RequestHandler

from app import accounts, admintokens, settings, tls
from app.models import Reservation
from relay import errors
from relay.connlimit import total_cap
from relay.handlers import read_body
from relay.state import RelayOptions
from tests.helpers.fake_upstream import FakeUpstream
from tests.relay.conftest import Harness, relay_options
from tests.relay.serve_process import ServeProcess, provision

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="needs 127.0.0.0/8 routed to loopback (Linux)")

CHAT = {"model": "m1", "messages": [{"role": "user", "content": "Hi"}]}


async def _connect(port: int, source: str = "127.0.0.2", *, rcvbuf: int | None = None
                   ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if rcvbuf is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((source, 0))
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return await asyncio.open_connection(sock=sock)


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """Everything the relay sent before closing the connection; fails if it stays open."""
    data = b""
    async with asyncio.timeout(seconds):
        while chunk := await _read_or_reset(reader):
            data += chunk
    return data


async def _read_or_reset(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.read(65536)
    except ConnectionResetError:
        return b""


async def _until(predicate, seconds: float) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(seconds):
        while not predicate():
            await asyncio.sleep(0.01)


async def _timed_chat(session: aiohttp.ClientSession, base_url: str, key: str) -> float:
    started = time.monotonic()
    async with session.post(f"{base_url}/chat/completions", json=CHAT,
                            headers={"Authorization": f"Bearer {key}"}) as resp:
        assert resp.status == 200, await resp.text()
        await resp.read()
    return time.monotonic() - started


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as s:
        yield s


# --- heads and idle connections ------------------------------------------------------------


async def test_a_slowloris_head_is_cut_at_the_header_timeout(make_relay, session) -> None:
    h: Harness = await make_relay(options=relay_options(header_timeout=0.5))
    reader, writer = await _connect(h.server.port)
    head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nX-Pad: " + b"a" * 400

    async def dribble() -> None:
        for byte in head:  # 40 s at this pace: far past any timeout
            writer.write(bytes([byte]))
            await asyncio.sleep(0.1)

    started = time.monotonic()
    task = asyncio.create_task(dribble())
    try:
        await _closed_within(reader, 5)
    finally:
        task.cancel()
        writer.close()
    assert 0.4 < time.monotonic() - started < 2.5
    assert await _timed_chat(session, h.base_url, h.key) < 1  # others are served as before


async def test_a_connection_that_sends_nothing_is_closed(make_relay) -> None:
    h: Harness = await make_relay(options=relay_options(header_timeout=0.3))
    reader, writer = await _connect(h.server.port)
    await _closed_within(reader, 3)
    writer.close()
    await _until(lambda: h.server.open_connections == 0, 2)


async def test_a_stalled_tls_handshake_is_cut_at_the_header_timeout(make_relay, sqlite_db
                                                                     ) -> None:
    plan = tls.resolve(sqlite_db, "127.0.0.1", "on")
    h: Harness = await make_relay(options=relay_options(header_timeout=0.3), tls=plan)
    reader, writer = await _connect(h.server.port)
    writer.write(b"\x16\x03\x01")  # the first bytes of a ClientHello, and no more
    started = time.monotonic()
    await _closed_within(reader, 3)
    writer.close()
    assert time.monotonic() - started < 2


async def test_an_idle_keep_alive_connection_is_closed_after_the_keepalive_timeout(
        make_relay) -> None:
    h: Harness = await make_relay(options=relay_options(header_timeout=5, keepalive_timeout=0.5))
    reader, writer = await _connect(h.server.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
    started = time.monotonic()
    # The answer, then (no next request within the keep-alive timeout) the close; a next
    # head dribbled meanwhile does not extend it.
    writer.write(b"GET /healthz HTT")
    data = await _closed_within(reader, 4)
    writer.close()
    assert data.startswith(b"HTTP/1.1 200") and data.count(b"HTTP/1.1") == 1
    assert 0.4 < time.monotonic() - started < 2.5


async def test_two_thousand_idle_sockets_do_not_slow_a_normal_client(make_relay,
                                                                      session) -> None:
    h: Harness = await make_relay(options=relay_options(header_timeout=60))
    port = h.server.port
    idle = []
    # 8 addresses x 250: each under the default per-address cap of 256
    for n in range(8):
        for _ in range(5):  # in batches the listen backlog takes without SYN retries
            idle += await asyncio.gather(*(_connect(port, f"127.0.0.{n + 2}")
                                           for _ in range(50)))
    try:
        await _until(lambda: h.server.open_connections >= 2000, 10)
        latencies = [await _timed_chat(session, h.base_url, h.key) for _ in range(20)]
        assert h.server.open_connections >= 2000  # all still held
    finally:
        for _, writer in idle:
            writer.close()
    assert max(latencies) < 1.0, latencies
    await h.settle()
    assert len(h.logs()) == 20


# --- the per-address cap -------------------------------------------------------------------


async def test_connections_over_the_per_address_cap_get_a_429_and_are_closed(
        make_relay, session) -> None:
    h: Harness = await make_relay(options=relay_options(max_connections_per_ip=5))
    port = h.server.port
    held = [await _connect(port) for _ in range(5)]
    await _until(lambda: h.server.open_connections == 5, 2)
    reader, writer = await _connect(port)
    answer = await _closed_within(reader, 3)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 429")
    assert json.loads(body)["error"]["code"] == "too_many_connections"
    # Another address is not affected, and a slot that frees up can be taken again.
    assert await _timed_chat(session, h.base_url, h.key) < 1
    held.pop()[1].close()
    await _until(lambda: h.server.open_connections <= 5, 2)
    reader, writer = await _connect(port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n")
    assert (await _closed_within(reader, 3)).startswith(b"HTTP/1.1 200")
    for _, w in [*held, (reader, writer)]:
        w.close()


async def test_a_trusted_proxy_is_not_capped(make_relay) -> None:
    settings.set("trusted_proxies", ["127.0.0.3/32"])
    h: Harness = await make_relay(options=relay_options(max_connections_per_ip=2))
    held = [await _connect(h.server.port, "127.0.0.3") for _ in range(6)]
    await _until(lambda: h.server.open_connections == 6, 2)
    for _, writer in held:
        writer.close()


# --- fd exhaustion, as a real `relaydesk serve` at a 1,024 open-file limit ------------------


def _limit_open_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


async def test_a_flood_at_a_low_open_file_limit_leaves_the_relay_serving_and_its_log_small(
        sqlite_db, session) -> None:
    """1,200 half-sent heads from four addresses against a relay that may open 1,024 files:
    the caps keep the relay's files for real work, a normal client is answered within 1 s
    each time, and the log says what happened in a few lines, without a traceback."""
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        key, env = provision(up, 10_000_000)
        server = await ServeProcess(sqlite_db.data_dir, env=env,
                                    preexec_fn=_limit_open_files).start()
        port = int(server.base_url.rsplit(":", 1)[1].split("/")[0])
        flood: list[asyncio.StreamWriter] = []

        async def half_head(source: str) -> None:
            try:
                _, writer = await _connect(port, source)
            except OSError:
                return
            writer.write(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
            flood.append(writer)

        try:
            for n in range(4):
                for _ in range(6):
                    await asyncio.gather(*(half_head(f"127.0.0.{n + 2}") for _ in range(50)))
            latencies = [await _timed_chat(session, server.base_url, key) for _ in range(20)]
        finally:
            for writer in flood:
                writer.close()
            await server.stop()
    output = "".join(server.output)
    assert max(latencies) < 1.0, latencies
    assert "Traceback" not in output, output[:3000]
    assert len(output) < 20_000, output[:3000]
    # The refusals were said once, then counted.
    assert output.count("max_connections_per_ip") == 2 and "repeated" in output, output


async def test_the_relay_raises_its_open_file_limit_to_the_hard_limit(sqlite_db) -> None:
    hard = min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], 4096)

    def lower_soft() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))

    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        _, env = provision(up, 1_000_000)
        server = await ServeProcess(sqlite_db.data_dir, env=env, preexec_fn=lower_soft).start()
        try:
            assert server.proc is not None
            soft, _ = psutil.Process(server.proc.pid).rlimit(psutil.RLIMIT_NOFILE)
        finally:
            await server.stop()
    assert soft == hard


# --- clients that stop reading or hang up -------------------------------------------------


async def test_a_stream_client_that_stops_reading_is_dropped_and_billed(make_relay) -> None:
    h: Harness = await make_relay(options=relay_options(stream_write_timeout=0.5),
                                  balance="1000")
    up = h.upstreams["deepseek"]
    up.scenario.stream_bytes = 20 * 1024 * 1024
    before = h.balance()
    reader, writer = await _connect(h.server.port, "127.0.0.1", rcvbuf=4096)
    # A hold that covers the whole stream: it is the blocked write that ends it.
    body = json.dumps(dict(CHAT, stream=True, max_tokens=20_000_000)).encode()
    writer.write(b"POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer "
                 + h.key.encode() + b"\r\nContent-Type: application/json\r\nContent-Length: "
                 + str(len(body)).encode() + b"\r\n\r\n" + body)
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
    # ... and read no more: the relay's writes block, then it drops the client.
    await _until(lambda: h.server.state.in_flight == 0 and up.requests, 10)
    writer.close()
    await h.settle()
    (row,) = h.logs()
    assert (row.status, row.error_code) == (499, "client_stopped_reading")
    assert row.cost_micros > 0
    assert h.balance() == before - row.cost_micros
    assert Reservation.select().count() == 0
    h.assert_ledger_consistent()


async def test_a_non_stream_client_that_hangs_up_cancels_the_upstream_request(
        make_relay, session) -> None:
    h: Harness = await make_relay(options=relay_options(read_timeout=60))
    up = h.upstreams["deepseek"]
    up.scenario.fail_with = "timeout"  # the provider holds the answer until released
    before = h.balance()
    request = asyncio.create_task(session.post(
        f"{h.base_url}/chat/completions", json=CHAT,
        headers={"Authorization": f"Bearer {h.key}"}))
    await _until(lambda: up.requests and Reservation.select().count() == 1, 5)
    request.cancel()  # the client hangs up
    hung_up = time.monotonic()
    await _until(lambda: up.last_request.disconnected, 5)
    assert time.monotonic() - hung_up < 1.0
    await h.settle()
    (row,) = h.logs()
    assert row.status == 499 and row.cost_micros == 0
    assert Reservation.select().count() == 0
    assert h.balance() == before == accounts.get_user("alice").balance_micros
    up.scenario.release.set()


async def test_the_connection_settings_reach_the_relay_options(sqlite_db) -> None:
    """`relaydesk serve` and the desktop app both build their options this way."""
    for key, value in [("upstream_read_timeout_seconds", 7), ("header_timeout_seconds", 3),
                       ("keepalive_timeout_seconds", 9), ("max_connections_per_ip", 12),
                       ("stream_write_timeout_seconds", 4), ("body_timeout_seconds", 6)]:
        settings.set(key, value)
    opts = RelayOptions.from_settings(settings.all_settings())
    assert (opts.read_timeout, opts.header_timeout, opts.keepalive_timeout,
            opts.max_connections_per_ip, opts.stream_write_timeout, opts.body_timeout) == (
        7.0, 3.0, 9.0, 12, 4.0, 6.0)


# --- request bodies that arrive slowly or never ---------------------------------------------


def _head(key: str, length: int, path: str = "/v1/chat/completions") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()


def _error(answer: bytes, status: int) -> dict:  # type: ignore[type-arg]
    """The JSON error of a whole HTTP answer that must carry ``status`` and close."""
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d" % status), answer
    assert b"connection: close" in head.lower(), answer
    return json.loads(body)["error"]  # type: ignore[no-any-return]


async def test_a_body_that_stalls_gets_a_408_and_its_connection_closed(make_relay,
                                                                       session) -> None:
    h: Harness = await make_relay(options=relay_options(body_timeout=0.5))
    before = h.balance()
    reader, writer = await _connect(h.server.port)
    writer.write(_head(h.key, 1000) + b'{"model"')  # 8 of 1,000 bytes, then nothing
    started = time.monotonic()
    answer = await _closed_within(reader, 5)
    elapsed = time.monotonic() - started
    writer.close()
    error = _error(answer, 408)
    assert error["code"] == "request_timeout" and "0.5 s" in error["message"], error
    assert 0.4 < elapsed < 2.5
    await _until(lambda: h.server.open_connections == 0, 2)
    assert not h.upstreams["deepseek"].requests
    assert h.balance() == before and Reservation.select().count() == 0
    assert await _timed_chat(session, h.base_url, h.key) < 1  # the relay serves on


async def test_an_admin_body_that_stalls_gets_a_408_too(make_relay) -> None:
    h: Harness = await make_relay(options=relay_options(body_timeout=0.5))
    _, token = admintokens.create_token("ops")
    reader, writer = await _connect(h.server.port, "127.0.0.1")
    writer.write(_head(token, 100, "/admin/api/users") + b'{"userna')
    answer = await _closed_within(reader, 5)
    writer.close()
    assert _error(answer, 408)["code"] == "request_timeout"
    assert [u.username for u in accounts.list_users()] == ["alice"]


async def test_a_client_that_hangs_up_mid_body_leaves_no_traceback(make_relay, caplog) -> None:
    h: Harness = await make_relay(options=relay_options(body_timeout=30))
    _, token = admintokens.create_token("ops")
    before = h.balance()
    with caplog.at_level(logging.INFO):
        # API requests are cancelled when their client leaves; admin ones read on.
        for path, key in [("/v1/chat/completions", h.key), ("/admin/api/users", token)] * 10:
            _reader, writer = await _connect(h.server.port, "127.0.0.1")
            writer.write(_head(key, 1000, path) + b'{"model"')
            await writer.drain()
            writer.transport.abort()  # type: ignore[attr-defined]
        await _until(lambda: h.server.open_connections == 0 and not h.server.state.in_flight,
                     5)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], \
        caplog.text
    assert h.balance() == before and Reservation.select().count() == 0


class _NeverConnected(RequestHandler):
    """aiohttp's own connection handler, not connected (no __slots__: make_mocked_request
    sets a writer on it)."""


async def test_a_read_after_the_connection_closed_is_an_incomplete_body(make_relay) -> None:
    """aiohttp raises a bare RuntimeError when a body read starts after the connection was
    closed (a race with the client hanging up, or with the relay closing an idle-looking
    connection): a 400, like any body cut short. A real aiohttp reader on a closed
    connection."""
    h: Harness = await make_relay()
    loop = asyncio.get_running_loop()
    protocol = _NeverConnected(web.Server(lambda request: None), loop=loop)  # type: ignore
    assert not protocol.connected
    payload = aiohttp.StreamReader(protocol, 2 ** 16, loop=loop)
    payload.feed_data(b'{"model"')
    request = make_mocked_request("POST", "/v1/chat/completions", protocol=protocol,
                                  transport=None, payload=payload,
                                  headers={"Content-Length": "1000"})
    with pytest.raises(errors.RelayError) as caught:
        await read_body(request, h.server.state)
    assert (caught.value.status, caught.value.code) == (400, "incomplete_body")


async def test_slow_bodies_cannot_lock_out_other_clients(sqlite_db, session) -> None:
    """The connection cap filled with requests whose bodies never finish (a real `relaydesk
    serve` at a 160-file limit): while they are held, another address gets 429s; the body
    deadline closes them all with a 408, and the other address is served again."""
    cap = total_cap(160)
    assert cap is not None
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        key, env = provision(up, 10_000_000)
        settings.set("body_timeout_seconds", 5)
        server = await ServeProcess(sqlite_db.data_dir, env=env,
                                    preexec_fn=lambda: resource.setrlimit(
                                        resource.RLIMIT_NOFILE, (160, 160))).start()
        port = int(server.base_url.rsplit(":", 1)[1].split("/")[0])
        writers: list[asyncio.StreamWriter] = []
        answers: list[asyncio.Task[bytes]] = []  # all each slow connection got until closed

        async def attack() -> None:
            reader, writer = await _connect(port, f"127.0.0.{2 + len(writers) % 2}")
            writer.write(_head(key, 1000) + b'{"model"')
            writers.append(writer)
            answers.append(asyncio.create_task(_closed_within(reader, 15)))

        def refused() -> bool:
            return any(t.done() and t.result().startswith(b"HTTP/1.1 429") for t in answers)

        async def healthz() -> bytes:
            reader, writer = await _connect(port, "127.0.0.200")
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n")
            try:
                return await _closed_within(reader, 5)
            finally:
                writer.close()

        try:
            # A new connection pushes out an idle one (its head not yet read): attack until
            # one is refused, i.e. every connection held is busy with its slow body.
            async with asyncio.timeout(4):  # well before the first body deadline
                while not refused():
                    await attack()
                    await asyncio.sleep(0.01)  # pace only: the loop waits for the refusal
            assert (await healthz()).startswith(b"HTTP/1.1 429")  # locked out
            started = time.monotonic()
            await asyncio.wait(answers, timeout=10)
            assert all(t.done() for t in answers)
            assert time.monotonic() - started < 7
            assert (await healthz()).startswith(b"HTTP/1.1 200")
            assert await _timed_chat(session, server.base_url, key) < 1
        finally:
            for writer in writers:
                writer.close()
            await server.stop()
    timed_out = [t.result() for t in answers if t.result().startswith(b"HTTP/1.1 408")]
    assert len(timed_out) == cap, [t.result()[:40] for t in answers]
    assert all(_error(a, 408)["code"] == "request_timeout" for a in timed_out)
    output = "".join(server.output)
    assert "Traceback" not in output, output[:3000]
