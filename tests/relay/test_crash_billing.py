"""kill -9 under mixed load: every answer a client received in full is billed exactly once,
with its real usage, by the settlement written before its last byte left; recovery bills only
what was unfinished (`relaydesk serve` processes, SQLite and PostgreSQL)."""

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from app import (
    accounts,
    apikeys,
    db,
    keystore,
    ledger,
    pricing,
    providers,
    recharges,
    runtime,
    settings,
)
from app.models import LedgerEntry, RequestLog, Reservation
from tests.helpers.fake_upstream import FakeUpstream
from tests.relay.serve_process import ServeProcess

BODY = {"model": "m1", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}
STREAM_BODY = dict(BODY, stream=True, stream_options={"include_usage": True})
CLIENTS = 24
ANSWERS_BEFORE_KILL = 400


@dataclass
class Received:
    """What the clients got in full: non-stream answers by the relay's request id (their
    usage), and how many streams ended with [DONE]."""

    answers: dict[str, dict[str, int]] = field(default_factory=dict)
    streams: int = 0


async def _setup(up: FakeUpstream) -> tuple[str, dict[str, str]]:
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 1_000_000_000)
    pricing.set_price("m1", "2", "8", "0.5")
    providers.add_provider("up", up.kind, models=["m1"], base_url=up.base_url)
    settings.set("reservation_lease_seconds", 1)
    _, key = apikeys.create_key("alice")
    return key, {keystore.env_var_name("up"): up.api_key}


async def _until(predicate, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def _load_then_kill(relay: ServeProcess, up: FakeUpstream, key: str) -> Received:
    """Clients send stream and non-stream requests without pause until the relay dies. Before
    the kill, streams stall upstream until the relay holds some of them: a fast relay could
    otherwise have settled everything it was serving at the moment it dies."""
    got = Received()
    headers = {"Authorization": f"Bearer {key}"}
    url = f"{relay.base_url}/chat/completions"

    async def client(session: aiohttp.ClientSession, stream: bool) -> None:
        while True:
            try:
                async with session.post(url, json=STREAM_BODY if stream else BODY,
                                        headers=headers) as resp:
                    body = await resp.read()
            except (aiohttp.ClientError, ConnectionError):
                return  # the relay is gone
            if resp.status != 200:
                continue
            if not stream:
                got.answers[resp.headers["x-request-id"]] = json.loads(body)["usage"]
            elif body.rstrip().endswith(b"data: [DONE]"):
                got.streams += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tasks = [asyncio.create_task(client(session, i % 4 == 0)) for i in range(CLIENTS)]
        # a stream delivered too, or a slow start could leave none to check (a flake seen)
        await _until(lambda: len(got.answers) >= ANSWERS_BEFORE_KILL and got.streams > 0)
        up.scenario.pause_before_event[2] = asyncio.Event()  # never set: they stall for good
        await _until(lambda: Reservation.select().count() > 0)
        await relay.kill()
        await asyncio.gather(*tasks)
    return got


async def _crash_and_recover(data_dirs: tuple[Path, Path], env: dict[str, str],
                             up: FakeUpstream, key: str) -> Received:
    relay = await ServeProcess(data_dirs[0], env=env).start()
    got = await _load_then_kill(relay, up, key)
    assert Reservation.select().count() > 0  # the crash left requests held
    restarted = await ServeProcess(data_dirs[1], env=env).start()
    try:  # its lease loop recovers the dead relay's reservations once their lease lapsed
        await _until(lambda: Reservation.select().count() == 0)
    finally:
        await restarted.stop()
    return got


def _check_billing(got: Received) -> int:
    """Asserts every delivered answer is billed exactly once at its real usage, none of them
    by recovery; returns how many unfinished requests recovery billed."""
    logs = {row.request_id: row for row in RequestLog.select()}
    charges: dict[str, list[LedgerEntry]] = {}
    for entry in LedgerEntry.select().where(LedgerEntry.kind == "charge"):
        charges.setdefault(entry.ref, []).append(entry)
    assert RequestLog.select().count() == len(logs)  # one row per request, never two
    by_recovery = 0
    for request_id, usage in got.answers.items():
        row = logs[request_id]
        assert (row.status, row.error_code, row.estimated) == (200, None, False), request_id
        assert (row.prompt_tokens, row.completion_tokens) == (
            usage["prompt_tokens"], usage["completion_tokens"])
        (charge,) = charges[request_id]
        assert -charge.amount_micros == row.cost_micros > 0
        by_recovery += charge.actor == "recovery"
    assert by_recovery == 0  # settled before the client had them
    # Streams carry no request id to the client: every one that ended with [DONE] has a log
    # row with its real usage.
    delivered_streams = RequestLog.select().where(
        RequestLog.stream & (RequestLog.status == 200) & ~RequestLog.estimated).count()
    assert delivered_streams >= got.streams > 0
    assert Reservation.select().count() == 0
    user = accounts.get_user("alice")
    assert user.balance_micros >= 0
    assert ledger.mismatched_users() == []
    assert not RequestLog.select().where((RequestLog.status == 200)
                                         & (RequestLog.error_code.is_null(False))).exists()
    return RequestLog.select().where(RequestLog.error_code == "relay_interrupted").count()


async def test_kill_9_under_load_bills_every_delivered_answer_once_sqlite(sqlite_db) -> None:
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        key, env = await _setup(up)
        got = await _crash_and_recover((sqlite_db.data_dir,) * 2, env, up, key)
    interrupted = _check_billing(got)
    print(f"sqlite: {len(got.answers)} answers, {got.streams} streams delivered; recovery "
          f"billed {interrupted} unfinished requests")


@pytest.mark.postgres
async def test_kill_9_under_load_bills_every_delivered_answer_once_postgres(
        postgres_url: str, tmp_path: Path) -> None:
    runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    try:
        async with FakeUpstream(kind="openai", api_key="sk-up") as up:
            key, env = await _setup(up)
            env["DATABASE_URL"] = postgres_url
            got = await _crash_and_recover((tmp_path / "r1", tmp_path / "r2"), env, up, key)
        interrupted = _check_billing(got)
        print(f"postgres: {len(got.answers)} answers, {got.streams} streams delivered; "
              f"recovery billed {interrupted} unfinished requests")
    finally:
        db.close_database()
