"""`relaydesk serve` reads REDIS_URL: two real serve processes on one PostgreSQL share a key's
limit through a real Redis; an unreachable Redis is said loudly and traffic still flows."""

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from app import apikeys, db, runtime
from tests.helpers.fake_upstream import FakeUpstream
from tests.relay.serve_process import ServeProcess, chat_status, provision

BODY = {"model": "m1", "messages": [{"role": "user", "content": "hi"}]}


@pytest.mark.postgres
async def test_two_serve_processes_share_a_key_rpm(postgres_url: str, redis_url: str,
                                                   tmp_path: Path) -> None:
    runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        key, env = provision(up, 10_000_000)
        apikeys.update_key(apikeys.list_keys()[0].id, rpm=5)
        env.update(DATABASE_URL=postgres_url, REDIS_URL=redis_url)
        relays = [await ServeProcess(tmp_path / f"r{i}", env=env).start() for i in range(2)]
        try:
            async with aiohttp.ClientSession() as session:
                statuses = [await chat_status(session, relays[i % 2].base_url, key, BODY)
                            for i in range(12)]
        finally:
            for relay in relays:
                await relay.stop()
    assert statuses == [200] * 5 + [429] * 7  # one limit for both, not five each
    assert len(up.requests) == 5
    db.close_database()


async def test_unreachable_redis_is_logged_and_traffic_flows(sqlite_db) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there once closed
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        key, env = provision(up, 10_000_000)
        apikeys.update_key(apikeys.list_keys()[0].id, rpm=3)
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        relay = await ServeProcess(sqlite_db.data_dir, env=env).start()
        try:
            async with aiohttp.ClientSession() as session:
                statuses = [await chat_status(session, relay.base_url, key, BODY)
                            for _ in range(4)]
            async with asyncio.timeout(10):  # the start-up check's log line reaches the pipe
                while not any("Redis unreachable" in line for line in relay.output):
                    await asyncio.sleep(0.02)
        finally:
            await relay.stop()
    assert statuses == [200] * 3 + [429]  # this instance's own limit applies meanwhile
