"""GET /healthz for a load balancer: 503 only when the database is unreachable (a real
PostgreSQL stopped under a running `relaydesk serve`), 200 "degraded" while Redis is down (a
real Redis stopped) or every provider cools down, and counts only: no provider names."""

import asyncio
import socket
from pathlib import Path
from typing import Any

import aiohttp
import openai

from app import admintokens
from relay.cluster import singleton
from tests.helpers.postgres import PostgresServer, postgres_available
from tests.helpers.redis_server import RedisServer
from tests.helpers.requirements import require
from tests.helpers.waiting import until
from tests.relay.admin.conftest import Admin
from tests.relay.cluster.metrics_scrape import scrape
from tests.relay.conftest import Harness, relay_options
from tests.relay.serve_process import ServeProcess

HI = [{"role": "user", "content": "hi"}]


async def health(port: int) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{port}/healthz") as resp:
        return resp.status, await resp.json()


async def health_until(port: int, redis: str, seconds: float = 15.0) -> dict[str, Any]:
    """Poll /healthz (bounded) until it reports ``redis``; Redis's recovery is noticed by the
    link's background probe, every few seconds."""
    async with asyncio.timeout(seconds):
        while True:
            _, body = await health(port)
            if body["redis"] == redis:
                return body
            await asyncio.sleep(0.05)


async def test_all_well_is_ok_with_counts_jobs_and_instance(make_relay) -> None:
    h: Harness = await make_relay(("openai",))
    port = h.server.port
    app = h.server.app
    assert app is not None
    await until(lambda: "retention" in singleton.registry(app).held)  # SQLite: this relay's
    status, body = await health(port)
    assert status == 200
    assert body == {"status": "ok", "database": "ok", "redis": "not configured",
                    "providers": {"total": 1, "healthy": 1, "cooling": 0},
                    "jobs": sorted(singleton.registry(app).held),
                    "instance": f"{socket.gethostname()}:{port}"}
    assert "retention" in body["jobs"]


async def test_no_provider_name_address_or_secret_in_the_public_body(make_relay) -> None:
    h: Harness = await make_relay(("openai",))
    async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{h.server.port}/healthz") as resp:
        text = await resp.text()
    up = h.upstreams["openai"]
    for private in ("openai-1", up.base_url, up.api_key, h.key):
        assert private not in text


async def test_every_provider_cooling_down_is_degraded_yet_200(make_relay) -> None:
    h: Harness = await make_relay(("openai",))
    h.upstreams["openai"].scenario.fail_with = "server_error"
    async with h.client() as client:
        for _ in range(3):  # the pool's failures before a cool-down
            try:
                await client.chat.completions.create(model="m1", messages=HI)  # type: ignore[arg-type]
            except openai.APIStatusError as exc:
                assert exc.status_code == 503
    status, body = await health(h.server.port)
    assert status == 200
    assert (body["status"], body["database"]) == ("degraded", "ok")
    assert body["providers"] == {"total": 1, "healthy": 0, "cooling": 1}


async def test_redis_down_is_degraded_but_serving_and_recovers(make_relay,
                                                              own_redis: RedisServer) -> None:
    h: Harness = await make_relay(("openai",), options=relay_options(redis_url=own_redis.url))
    token, plaintext = admintokens.create_token("ops")
    admin = Admin(relay=h, token=plaintext, token_id=token.id)
    port = h.server.port
    status, body = await health(port)
    assert (status, body["status"], body["redis"]) == (200, "ok", "ok")
    assert (await scrape(admin)).value("relaydesk_redis_up") == 1

    own_redis.stop()
    status, body = await health(port)  # no request needed: /healthz asks Redis itself
    assert status == 200  # the balancer keeps sending traffic: limits are per instance now
    assert (body["status"], body["database"], body["redis"]) == ("degraded", "ok", "unreachable")
    assert (await scrape(admin)).value("relaydesk_redis_up") == 0
    async with h.client() as client:
        reply = await client.chat.completions.create(model="m1", messages=HI)  # type: ignore[arg-type]
    assert reply.choices[0].message.content == "Hello there!"

    own_redis.start()  # same port: what a recovery looks like
    body = await health_until(port, "ok")
    assert body["status"] == "ok"
    assert (await scrape(admin)).value("relaydesk_redis_up") == 1


async def test_database_unreachable_is_503_and_degraded(tmp_path: Path) -> None:
    """`relaydesk serve` on a PostgreSQL of this test's own, which is then stopped."""
    require(postgres_available())
    server = PostgresServer()
    server.start()
    try:
        url = server.create_database("healthz")
        relay = await ServeProcess(tmp_path / "data", env={"DATABASE_URL": url}).start()
        try:
            port = int(relay.base_url.rsplit(":", 1)[1].split("/", 1)[0])
            status, body = await health(port)
            assert (status, body["status"], body["database"]) == (200, "ok", "ok")
            server.stop()
            status, body = await health(port)
            assert status == 503
            assert (body["status"], body["database"], body["redis"]) == (
                "degraded", "unreachable", "not configured")
            assert body["instance"] == f"{socket.gethostname()}:{port}"
        finally:
            await relay.kill()  # its database is gone: no orderly shutdown to wait for
    finally:
        server.stop()
