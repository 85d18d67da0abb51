"""Per-key rate limits: the RateLimiter with an injected clock, then the relay end to end."""

import asyncio
from collections.abc import Callable

import aiohttp
import openai
import pytest

from app import apikeys, settings
from app.apikeys import KeyInfo
from app.models import RequestLog
from relay.dbexec import DatabaseExecutor
from relay.errors import RelayError
from relay.limits import Limits, RateLimiter
from tests.relay.conftest import relay_options


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def key(key_id: int = 1, *, rpm: int | None = None, tpm: int | None = None,
        concurrency: int | None = None) -> KeyInfo:
    return KeyInfo(key_id=key_id, user_id=1, username="alice", user_active=True,
                   key_active=True, expires_at=None, allowed_models=None, allowed_cidrs=None,
                   rpm_limit=rpm, tpm_limit=tpm, concurrency_limit=concurrency)


def limiter(clock: Clock, **defaults: int) -> RateLimiter:
    lim = RateLimiter(None, monotonic=clock)
    lim.set_defaults(Limits(**defaults))
    return lim


def refused(admit: Callable[[], object]) -> RelayError:
    with pytest.raises(RelayError) as info:
        admit()
    exc = info.value
    assert (exc.status, exc.type, exc.code) == (429, "requests", "rate_limit_exceeded")
    return exc


def test_rpm_window_boundary_is_exact_and_retry_after_counts_down() -> None:
    clock = Clock()
    lim = limiter(clock, rpm=3)
    k = key()
    for _ in range(3):
        lim.release(lim.try_admit(k, 10), 10)
        clock.advance(10)  # admitted at t=0, 10, 20; now t=30
    exc = refused(lambda: lim.try_admit(k, 10))
    assert exc.headers == {"Retry-After": "30", "retry-after-ms": "30000"}  # t=0 leaves at t=60
    assert "3 requests per minute" in exc.message
    clock.advance(29.5)  # t=59.5: still three in the last minute
    assert refused(lambda: lim.try_admit(k, 10)).headers == {"Retry-After": "1",
                                                              "retry-after-ms": "500"}
    clock.advance(0.5)  # t=60 exactly: the first one no longer counts
    lim.try_admit(k, 10)
    assert lim.requests_in_window(1) == 3
    assert refused(lambda: lim.try_admit(k, 10)).headers["Retry-After"] == "10"  # t=10's


def test_tpm_full_of_requests_in_flight_says_retry_soon() -> None:
    """A request in flight counts at its estimate until it settles, which can free tokens at
    any moment: the 429 says retry in a second, not when the window would empty (60 s)."""
    clock = Clock()
    lim = limiter(clock, tpm=100)
    k = key()
    first = lim.try_admit(k, 100)
    assert refused(lambda: lim.try_admit(k, 20)).headers == {"Retry-After": "1",
                                                              "retry-after-ms": "1000"}
    lim.release(first, 10)  # it used far less than its estimate
    lim.release(lim.try_admit(k, 20), 95)  # admitted at once; the window now holds 105 used
    assert refused(lambda: lim.try_admit(k, 1)).headers["Retry-After"] == "60"


def test_refused_requests_do_not_count() -> None:
    clock = Clock()
    lim = limiter(clock, rpm=1)
    lim.try_admit(key(), 0)
    for _ in range(5):
        refused(lambda: lim.try_admit(key(), 0))
    assert lim.requests_in_window(1) == 1
    clock.advance(60)
    lim.try_admit(key(), 0)


def test_tpm_counts_the_estimate_then_the_actual_usage() -> None:
    clock = Clock()
    lim = limiter(clock, tpm=1000)
    k = key()
    big = lim.try_admit(k, 900)  # prompt estimate + reserved output
    assert lim.tokens_in_window(1) == 900
    lim.try_admit(k, 50)  # 900 < 1000: admitted
    assert lim.tokens_in_window(1) == 950
    clock.advance(5)
    lim.try_admit(k, 100)  # still under before it: admitted, now 1050
    exc = refused(lambda: lim.try_admit(k, 1))
    assert "1000 tokens per minute" in exc.message
    # The window empties at t=60, but three requests in flight may settle for less any moment.
    assert exc.headers["Retry-After"] == "1"
    lim.release(big, 120)  # the upstream answered with far fewer tokens
    assert lim.tokens_in_window(1) == 270
    lim.try_admit(k, 10)


def test_tpm_correction_upwards_and_after_the_window() -> None:
    clock = Clock()
    lim = limiter(clock, tpm=1000)
    k = key()
    first = lim.try_admit(k, 100)
    lim.release(first, 1500)  # used more than estimated: the key is over its limit
    assert refused(lambda: lim.try_admit(k, 1)).headers["Retry-After"] == "60"
    clock.advance(60)
    slow = lim.try_admit(k, 500)
    clock.advance(61)  # a long request settles after its count left the window
    lim.release(slow, 5000)
    assert lim.tokens_in_window(1) == 0
    lim.try_admit(k, 1)


def test_a_single_request_larger_than_the_tpm_limit_is_admitted_when_idle() -> None:
    clock = Clock()
    lim = limiter(clock, tpm=100)
    lim.try_admit(key(), 10_000)
    refused(lambda: lim.try_admit(key(), 1))


def test_concurrency_is_released_once_whatever_happens() -> None:
    clock = Clock()
    lim = limiter(clock, concurrency=2)
    k = key()
    a, b = lim.try_admit(k, 0), lim.try_admit(k, 0)
    exc = refused(lambda: lim.try_admit(k, 0))
    assert "2 concurrent requests" in exc.message and exc.headers["Retry-After"] == "1"
    lim.release(a)
    lim.release(a)  # twice is harmless: it does not free a second slot
    assert lim.in_flight(1) == 1
    c = lim.try_admit(k, 0)
    refused(lambda: lim.try_admit(k, 0))
    lim.release(b)
    lim.release(c)
    assert lim.in_flight(1) == 0


def test_per_key_value_beats_the_default_and_zero_is_unlimited() -> None:
    clock = Clock()
    lim = limiter(clock, rpm=1, tpm=10, concurrency=1)
    own = key(2, rpm=3, tpm=0, concurrency=0)  # more requests, unlimited tokens and in-flight
    for _ in range(3):
        lim.try_admit(own, 1_000_000)
    refused(lambda: lim.try_admit(own, 1))
    stricter = key(3, rpm=0, concurrency=0, tpm=None)  # unlimited requests, default tokens
    for _ in range(50):
        lim.try_admit(stricter, 0)
    lim.try_admit(stricter, 10)
    assert "10 tokens per minute" in refused(lambda: lim.try_admit(stricter, 0)).message
    assert lim.limits(key(4)) == Limits(1, 10, 1)
    assert lim.limits(own) == Limits(3, 0, 0)
    lim.try_admit(key(4), 0)  # keys are counted separately
    assert "1 concurrent requests" in refused(lambda: lim.try_admit(key(4), 0)).message


def test_all_unlimited_keeps_only_the_in_flight_count() -> None:
    clock = Clock()
    lim = limiter(clock)
    tickets = [lim.try_admit(key(), 10**9) for _ in range(1000)]
    assert lim.requests_in_window(1) == 0 and lim.tokens_in_window(1) == 0
    assert lim.in_flight(1) == 1000
    for ticket in tickets:
        lim.release(ticket, 5)
    assert lim.keys_counted() == 1
    lim.set_defaults(Limits())  # a refresh forgets keys with nothing left to count
    assert lim.keys_counted() == 0


async def test_default_changes_are_picked_up(sqlite_db) -> None:
    clock = Clock()
    dbx = DatabaseExecutor()
    lim = RateLimiter(dbx, ttl=2.0, monotonic=clock)
    try:
        await lim.refresh()
        assert lim.defaults == Limits(0, 0, 0)
        await dbx.run(settings.set, "rate_limit_rpm", 2)  # this process: at the next request
        await lim.admit(key(), 0)
        assert lim.defaults.rpm == 2
        await lim.admit(key(), 0)
        refused(lambda: lim.try_admit(key(), 0))
        lim.close()  # from now on changes come from "another process": seen within the ttl
        await dbx.run(settings.set, "rate_limit_rpm", 5)
        await dbx.run(settings.set, "rate_limit_concurrency", 7)
        clock.advance(1)
        with pytest.raises(RelayError):
            await lim.admit(key(), 0)  # within the ttl: the cached defaults still apply
        clock.advance(1.5)
        with pytest.raises(RelayError):
            await lim.admit(key(), 0)  # the reload runs in the background...
        await until(lambda: lim.defaults == Limits(5, 0, 7))  # ...and the next request sees it
        await lim.admit(key(), 0)
    finally:
        lim.close()
        dbx.shutdown()


# --- end to end: the relay, the official SDK, a fake upstream ----------------------------------

BODY = {"model": "m1", "messages": [{"role": "user", "content": "hi"}]}


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Wait for a condition of the relay (bounded); never a fixed sleep."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


async def test_rpm_limit_refuses_the_fourth_request(make_relay) -> None:
    h = await make_relay(("openai",))
    key_id = apikeys.list_keys()[0].id
    apikeys.update_key(key_id, rpm=3)
    up = h.upstreams["openai"]
    async with h.client() as client:
        for _ in range(3):
            await client.chat.completions.create(**BODY)
        await h.settle()
        balance = h.balance()
        with pytest.raises(openai.RateLimitError) as info:
            await client.chat.completions.create(**BODY)
        models = await client.models.list()  # /v1/models is not rate-limited
    exc = info.value
    assert exc.status_code == 429 and exc.code == "rate_limit_exceeded"
    assert "3 requests per minute" in exc.message
    retry_after = int(exc.response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert [m.id for m in models.data] == ["m1"]
    await h.settle()
    assert len(up.requests) == 3  # the refused request never reached the upstream
    assert h.balance() == balance  # nor held or cost anything
    last = h.logs()[-1]
    assert (last.status, last.error_code, last.cost_micros) == (429, "rate_limit_exceeded", 0)
    h.assert_ledger_consistent()


async def test_concurrency_limit_with_real_concurrency(make_relay) -> None:
    h = await make_relay(("openai",), options=relay_options(read_timeout=120.0))  # held ones wait
    key_id = apikeys.list_keys()[0].id
    apikeys.update_key(key_id, concurrency=2)
    limiter = h.server.state.limiter
    up = h.upstreams["openai"]
    up.scenario.fail_with = "timeout"  # the upstream holds every request until released
    up.scenario.fail_times = 2
    async with h.client() as client:
        held = [asyncio.create_task(client.chat.completions.create(**BODY)) for _ in range(2)]
        await until(lambda: len(up.requests) == 2)
        assert limiter.in_flight(key_id) == 2
        with pytest.raises(openai.RateLimitError) as info:  # answered at once, not queued
            await client.chat.completions.create(**BODY)
        assert len(up.requests) == 2
        assert "2 concurrent requests" in info.value.message
        assert info.value.response.headers["Retry-After"] == "1"
        up.scenario.release.set()
        done = await asyncio.gather(*held)
        assert all(r.choices[0].message.content == "Hello there!" for r in done)
        await until(lambda: limiter.in_flight(key_id) == 0)
        again = await client.chat.completions.create(**BODY)
    assert again.choices[0].message.content == "Hello there!"
    assert len(up.requests) == 3
    await h.settle()
    statuses = sorted(row.status for row in RequestLog.select())
    assert statuses == [200, 200, 200, 429]


async def test_a_stream_holds_its_slot_until_it_ends(make_relay) -> None:
    h = await make_relay(("openai",))
    key_id = apikeys.list_keys()[0].id
    apikeys.update_key(key_id, concurrency=1)
    limiter = h.server.state.limiter
    gate = asyncio.Event()
    h.upstreams["openai"].scenario.pause_before_event = {2: gate}
    async with h.client() as client:
        stream = await client.chat.completions.create(**BODY, stream=True)
        chunks = aiter(stream)
        text = [await anext(chunks)]  # the stream is open and paused upstream
        with pytest.raises(openai.RateLimitError):
            await client.chat.completions.create(**BODY)
        assert limiter.in_flight(key_id) == 1
        gate.set()
        text += [c async for c in chunks]
        assert "".join(c.choices[0].delta.content or "" for c in text if c.choices) == (
            "Hello there!")
        await until(lambda: limiter.in_flight(key_id) == 0)
        assert (await client.chat.completions.create(**BODY)).choices
    await h.settle()


async def test_client_disconnect_mid_stream_frees_the_slot(make_relay) -> None:
    h = await make_relay(("openai",))
    key_id = apikeys.list_keys()[0].id
    apikeys.update_key(key_id, concurrency=1, tpm=100_000)
    limiter = h.server.state.limiter
    up = h.upstreams["openai"]
    up.scenario.prompt_tokens, up.scenario.completion_tokens = 40, 30
    gate = asyncio.Event()
    up.scenario.pause_before_event = {2: gate}
    async with aiohttp.ClientSession() as session:
        resp = await session.post(f"{h.base_url}/chat/completions",
                                  json=dict(BODY, stream=True, max_tokens=500),
                                  headers={"Authorization": f"Bearer {h.key}"})
        await asyncio.wait_for(resp.content.readany(), timeout=10)
        assert limiter.in_flight(key_id) == 1
        assert limiter.tokens_in_window(key_id) > 500  # the estimate, counted at admission
        resp.close()  # the user hit "stop"
    gate.set()  # the relay reads on to learn the usage, then lets the request go
    await until(lambda: limiter.in_flight(key_id) == 0)
    assert limiter.tokens_in_window(key_id) == 70  # corrected to the upstream's usage
    async with h.client() as client:
        assert (await client.chat.completions.create(**BODY)).choices
    await h.settle()
