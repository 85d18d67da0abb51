"""`relaydesk serve` as a real process: clean shutdown, crash recovery, two relays on one
PostgreSQL database."""

import asyncio
import signal
from pathlib import Path

import aiohttp
import pytest

from app import accounts, billing, db, ledger, runtime, settings
from app.models import LedgerEntry, RequestLog, Reservation
from tests.helpers.fake_upstream import FakeUpstream
from tests.relay.serve_process import ServeProcess, chat_status, provision
from tests.relay.test_billing import BODY, HOLD

STREAM_BODY = dict(BODY, stream=True)


async def _wait(predicate, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def _balance() -> int:
    return accounts.get_user("alice").balance_micros


async def test_sigterm_mid_stream_exits_cleanly_and_bills(sqlite_db) -> None:
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        key, env = provision(up, 10_000_000)
        gate = asyncio.Event()
        up.scenario.pause_before_event = {3: gate}
        server = await ServeProcess(sqlite_db.data_dir, env=env).start()
        async with aiohttp.ClientSession() as session:
            resp = await session.post(f"{server.base_url}/chat/completions", json=STREAM_BODY,
                                      headers={"Authorization": f"Bearer {key}"})
            await _wait(lambda: up.requests and up.last_request.events_sent >= 3, "3 events")
            loop = asyncio.get_running_loop()
            started = loop.time()
            code = await server.signal(signal.SIGTERM)
            assert loop.time() - started < 10  # open streams get a few seconds, not forever
            body = await resp.read()  # a clean end, not a cut connection
            resp.close()
        gate.set()
    assert body.rstrip().endswith(b'"code": "relay_shutting_down"}}')
    assert code == 0, "".join(server.output)
    assert "shutting down" in "".join(server.output)
    # Nothing left held, and the partly delivered stream was billed and logged.
    assert Reservation.select().count() == 0
    (log,) = RequestLog.select()
    assert log.cost_micros > 0 and log.estimated
    assert ledger.mismatched_users() == []


async def test_kill_9_then_restart_recovers_reservation_once(sqlite_db) -> None:
    settings.set("reservation_lease_seconds", 1)
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        key, env = provision(up, 10_000_000)
        gate = asyncio.Event()
        up.scenario.pause_before_event = {3: gate}
        server = await ServeProcess(sqlite_db.data_dir, env=env).start()
        async with aiohttp.ClientSession() as session:
            resp = await session.post(f"{server.base_url}/chat/completions", json=STREAM_BODY,
                                      headers={"Authorization": f"Bearer {key}"})
            # the relay checkpoints what it delivered while renewing the lease
            await _wait(lambda: Reservation.select().where(
                Reservation.delivered_micros > 0).count() == 1, "a checkpoint")
            await server.kill()
            resp.close()
        gate.set()
        (held,) = Reservation.select()
        assert _balance() == 10_000_000 - held.amount_micros  # still held by the dead process
        restarted = await ServeProcess(sqlite_db.data_dir, env=env).start()
        try:
            await _wait(lambda: Reservation.select().count() == 0, "recovery")
        finally:
            await restarted.stop()
    charges = list(LedgerEntry.select().where((LedgerEntry.ref == held.request_id)
                                              & (LedgerEntry.kind == "charge")))
    assert len(charges) == 1 and -charges[0].amount_micros == held.delivered_micros > 0
    assert _balance() == 10_000_000 - held.delivered_micros
    (log,) = RequestLog.select()
    assert log.estimated and log.error_code == "relay_interrupted"
    assert ledger.mismatched_users() == []
    assert billing.recover_expired() == 0  # a second recovery finds nothing: never billed twice


@pytest.mark.postgres
async def test_two_relays_share_one_postgres_without_overdraft(postgres_url: str,
                                                                tmp_path: Path) -> None:
    runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    balance = HOLD * 10 + 1  # ten holds, and not one more token
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        key, env = provision(up, balance)
        up.scenario.fail_with = "timeout"  # hold every forwarded request until released
        env["DATABASE_URL"] = postgres_url
        relays = [await ServeProcess(tmp_path / f"r{i}", env=env).start() for i in range(2)]
        try:
            async with aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=0)) as session:
                tasks = [asyncio.create_task(chat_status(session, relays[i % 2].base_url, key,
                                                         BODY)) for i in range(200)]
                await _wait(lambda: sum(t.done() for t in tasks) + len(up.requests) >= 200,
                            "all requests refused or held", timeout=60)
                assert len(up.requests) == 10
                up.scenario.release.set()
                statuses = await asyncio.gather(*tasks)
        finally:
            for relay in relays:
                await relay.stop()
    assert statuses.count(200) == 10 and statuses.count(429) == 190
    assert Reservation.select().count() == 0
    assert ledger.mismatched_users() == []
    assert 0 <= _balance() == balance - sum(r.cost_micros for r in RequestLog.select())
    db.close_database()


async def test_serve_prints_the_user_portals_address_and_it_answers(sqlite_db) -> None:
    """README: "`relaydesk serve` prints the address" of the portal."""
    server = await ServeProcess(sqlite_db.data_dir).start()
    try:
        async with asyncio.timeout(30):
            while not any("User portal:" in line for line in server.output):
                await asyncio.sleep(0.02)
        (line,) = [line for line in server.output if "User portal:" in line]
        address = line.split("User portal:", 1)[1].strip()
        assert address == server.base_url.removesuffix("/v1") + "/portal/"
        async with aiohttp.ClientSession() as session, session.get(address) as resp:
            assert resp.status == 200 and "text/html" in resp.content_type
            assert 'action="/portal/signin"' in await resp.text()
    finally:
        await server.stop()
