"""Reservation billing under concurrency: the balance can never be overdrawn."""

import asyncio
import threading

import aiohttp

from app import accounts, audit, metering
from app.models import LedgerEntry, Reservation
from app.pricing import Price, cost_micros
from tests.relay.conftest import relay_options

PRICE = Price(2_000_000, 500_000, 8_000_000)
BODY = {"model": "m1", "max_tokens": 1000, "messages": [{"role": "user", "content": "hi"}]}
HOLD = cost_micros(metering.prompt_upper_bound(BODY), 0, 1000, PRICE)


class BalanceWatcher:
    """Samples the balance from another thread (its own connection) during a test."""

    def __init__(self, username: str) -> None:
        self.username = username
        self.minimum: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from app import db
        try:
            # A sample every half millisecond: a tight loop would starve the relay of the GIL.
            while not self._stop.wait(0.0005):
                value = accounts.get_user(self.username).balance_micros
                self.minimum = value if self.minimum is None else min(self.minimum, value)
        finally:
            db.close_database()

    def __enter__(self) -> "BalanceWatcher":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def post(session: aiohttp.ClientSession, url: str, key: str) -> int:
    async with session.post(f"{url}/chat/completions", json=BODY,
                            headers={"Authorization": f"Bearer {key}"}) as resp:
        await resp.read()
        return resp.status


async def test_200_concurrent_requests_never_overdraw(make_relay) -> None:
    """200 requests at once on a balance that covers 10 holds (and not one more token): exactly
    10 reach the upstream (held there until all others were refused), the rest get 429
    insufficient_quota, nothing goes negative."""
    balance = HOLD * 10 + 1
    # The held ten must outlast the other 190 however slow the machine: with the tests' usual
    # 5 s read timeout, a slow CI run saw some of them time out (and settle) before the check.
    h = await make_relay(("openai",), balance=str(balance / 1_000_000),
                         options=relay_options(read_timeout=120.0))
    up = h.upstreams["openai"]
    up.scenario.fail_with = "timeout"  # hold every request until released
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        with BalanceWatcher("alice") as watcher:
            tasks = [asyncio.create_task(post(session, h.base_url, h.key)) for _ in range(200)]
            async with asyncio.timeout(60):
                while sum(t.done() for t in tasks) + len(up.requests) < 200:
                    await asyncio.sleep(0.01)
            assert len(up.requests) == 10
            assert h.balance() == balance - 10 * HOLD
            up.scenario.release.set()
            statuses = await asyncio.gather(*tasks)
            await h.settle()
    assert statuses.count(200) == 10 and statuses.count(429) == 190
    assert watcher.minimum is not None and watcher.minimum >= 0
    logs = h.logs()
    assert len(logs) == 200 and sum(1 for r in logs if r.status == 429) == 190
    spent = sum(r.cost_micros for r in logs)
    assert spent == 10 * cost_micros(12, 0, 3, PRICE)
    assert h.balance() == balance - spent
    assert Reservation.select().count() == 0
    h.assert_ledger_consistent()
    assert LedgerEntry.select().where(LedgerEntry.kind == "charge").count() == 10


async def test_cost_above_the_hold_is_charged_up_to_it_and_the_rest_written_off(
        make_relay) -> None:
    """A provider reporting far more than max_tokens allows: the user pays the hold, never goes
    below zero, and the excess is the operator's visible loss (log row and audit event)."""
    h = await make_relay(("openai",), balance="0.01")  # 10,000 micro-units
    up = h.upstreams["openai"]
    up.scenario.usage_override = {"prompt_tokens": 10, "completion_tokens": 2000,
                                  "total_tokens": 2010}
    body = dict(BODY, max_tokens=5)
    hold = cost_micros(metering.prompt_upper_bound(body), 0, 5, PRICE)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=body,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            assert resp.status == 200
    await h.settle()
    (log,) = h.logs()
    cost = cost_micros(10, 0, 2000, PRICE)  # 16,020: more than the balance
    assert log.cost_micros == hold and log.written_off_micros == cost - hold and log.overrun
    assert h.balance() == 10_000 - hold >= 0
    (event,) = audit.recent(action="billing.write_off")
    assert event.target == "openai-1" and event.detail["written_off_micros"] == cost - hold
    h.assert_ledger_consistent()


async def test_insufficient_balance_is_429_insufficient_quota(make_relay) -> None:
    h = await make_relay(("openai",), balance="0.000001")
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            body = await resp.json()
            assert resp.status == 429 and resp.headers["x-should-retry"] == "false"
    assert body["error"]["type"] == body["error"]["code"] == "insufficient_quota"
    assert h.upstreams["openai"].requests == []  # never forwarded
    assert h.balance() == 1


async def test_default_cap_reserved_when_client_gives_no_max_tokens(make_relay) -> None:
    h = await make_relay(("openai",), options=relay_options(default_max_tokens=50))
    body = {"model": "m1", "messages": [{"role": "user", "content": "hi"}]}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=body,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            assert resp.status == 200
    await h.settle()
    (hold,) = LedgerEntry.select().where(LedgerEntry.kind == "hold")
    assert -hold.amount_micros == cost_micros(metering.prompt_upper_bound(body), 0, 50, PRICE)
    assert h.upstreams["openai"].last_request.json["max_tokens"] == 50
    assert resp.headers["X-RelayDesk-Max-Tokens"] == "50"
