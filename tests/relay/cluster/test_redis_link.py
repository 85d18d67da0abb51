"""relay.cluster.redis_link: health state and the breaker against a real redis-server that is
stopped and restarted, a port nobody listens on, and a peer that never answers."""

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import pytest

from relay.cluster.redis_link import RedisLink, RedisUnavailable
from tests.helpers.redis_server import RedisServer
from tests.helpers.waiting import until

LOGGER = "relay.cluster.redis_link"


def records(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and text in r.getMessage()]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nobody listens once the socket is closed


@pytest.fixture
async def silent_peer() -> AsyncIterator[int]:
    """A TCP server that accepts and reads but never answers: a hung Redis."""
    held: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        while await reader.read(4096):
            pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_reachable_redis_is_healthy(redis_url: str) -> None:
    link = RedisLink(redis_url)
    try:
        assert await link.check() is True
        assert await link.run(lambda: link.client.set(link.key("probe"), "1")) is True
        assert await link.client.get("relaydesk:probe") == b"1"  # the prefix is applied
        assert link.status() == {"healthy": True, "last_error": None, "down_since": None}
    finally:
        await link.close()


async def test_unreachable_at_start_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    link = RedisLink(f"redis://127.0.0.1:{closed_port()}/0", retry_after=60.0)
    try:
        assert await link.check() is False
        for _ in range(5):  # the breaker is open: refused at once, no new attempt, no new log
            with pytest.raises(RedisUnavailable):
                await link.run(link.client.ping)
        status = link.status()
        assert status["healthy"] is False and link.healthy is False
        assert "Connection" in str(status["last_error"])
        assert isinstance(status["down_since"], str) and status["down_since"].endswith("Z")
        (down,) = records(caplog, "Redis unreachable")
        assert down.levelno >= logging.WARNING
        assert "per instance until it is back" in down.getMessage()
    finally:
        await link.close()


async def test_a_hung_redis_times_out_quickly(silent_peer: int) -> None:
    link = RedisLink(f"redis://127.0.0.1:{silent_peer}/0", timeout=0.1, retry_after=60.0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        with pytest.raises(RedisUnavailable):
            await link.run(link.client.ping)
        assert loop.time() - started < 2.0  # bounded by the timeout, not redis-py's retries
        assert link.healthy is False and link.last_error is not None
    finally:
        await link.close()


async def test_down_then_back_is_logged_once_each_way(caplog: pytest.LogCaptureFixture,
                                                      own_redis: RedisServer) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    link = RedisLink(own_redis.url, retry_after=0.05)
    try:
        assert await link.check()
        own_redis.stop()
        for _ in range(3):
            with pytest.raises(RedisUnavailable):
                await link.run(link.client.ping)
        assert link.healthy is False and link.down_since is not None
        own_redis.start()  # same port: a recovery
        await until(lambda: link.healthy, 10.0)  # the background probe found it
        assert link.down_since is None
        assert await link.run(link.client.ping) is True
        assert link.last_error is not None  # kept: what the last outage was
        assert len(records(caplog, "Redis unreachable")) == 1
        (back,) = records(caplog, "Redis is back")
        assert back.levelno == logging.WARNING and "shared across instances" in back.getMessage()
    finally:
        await link.close()


async def test_close_lets_pending_writes_finish(redis_url: str) -> None:
    link = RedisLink(redis_url)
    reader = RedisLink(redis_url)

    async def write(n: int) -> None:
        await link.run(lambda: link.client.set(link.key("w", n), n))

    try:
        for n in range(20):
            link.spawn(write(n))
        await link.close()
        values = await reader.client.mget([reader.key("w", n) for n in range(20)])
        assert values == [str(n).encode() for n in range(20)]
    finally:
        await reader.close()
