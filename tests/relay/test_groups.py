"""User groups through the relay: requests are billed and held at the group's multiplier, the
group's model list is enforced like a key's, and a change reaches the next request at once."""

import asyncio
import itertools

import aiohttp
import pytest

from app import apikeys, groups, metering
from app.apikeys import KeyInfo
from app.metering import Usage
from app.models import Reservation
from app.pricing import Price, cost_micros
from relay.context import RequestContext
from tests.relay.conftest import Harness, relay_options
from tests.relay.test_compat import assert_error, call

PRICE = Price(2_000_000, 500_000, 8_000_000)  # the harness's m1: 2 / 0.5 / 8 units per 1M
MESSAGES = [{"role": "user", "content": "hi"}]
CHAT = {"model": "m1", "messages": MESSAGES, "max_tokens": 50}
EMBED = {"model": "m1", "input": ["a" * 700, "b" * 700]}  # fewer than 1,234 tokens: no write-off


@pytest.fixture
async def http() -> aiohttp.ClientSession:  # type: ignore[misc]
    async with aiohttp.ClientSession() as session:
        yield session


async def in_group(make_relay, multiplier: str, *, balance: str = "10",  # type: ignore[no-untyped-def]
                   models: list[str] | None = None, **options: object) -> Harness:
    h = await make_relay(("openai",), balance=balance, options=relay_options(**options))
    groups.add_group("team", multiplier=multiplier, models=models)
    groups.assign_user("alice", "team")
    return h


async def spent(h: Harness, http: aiohttp.ClientSession, path: str, body: dict) -> int:
    """What one successful request took from the balance (and the log says it cost)."""
    before = h.balance()
    reply = await call(http, h, "POST", path, body)
    assert reply.status == 200, reply.body[:300]
    await h.settle()
    assert h.logs()[-1].cost_micros == before - h.balance()
    return before - h.balance()


@pytest.mark.parametrize(("multiplier", "expected"), [
    ("1", 2_468),  # 1,234 prompt tokens at 2 units per 1M
    ("0.8", 1_975),  # 1,974.4
    ("1.25", 3_085),
    ("1.333333", 3_291),  # 3,290.665844
])
async def test_a_request_is_billed_at_its_groups_multiplier(make_relay, http, multiplier,
                                                           expected) -> None:
    h = await in_group(make_relay, multiplier)
    h.upstreams["openai"].scenario.prompt_tokens = 1_234
    assert await spent(h, http, "/v1/embeddings", EMBED) == expected
    # a chat: 12 prompt and 3 completion tokens make 48 micro-units at 1x
    h.upstreams["openai"].scenario.prompt_tokens = 12
    assert await spent(h, http, "/v1/chat/completions", CHAT) == groups.apply_multiplier(
        48, groups.parse_multiplier(multiplier))
    h.assert_ledger_consistent()


async def test_a_zero_multiplier_is_free_even_with_no_balance(make_relay, http) -> None:
    h = await in_group(make_relay, "0", balance="0")
    reply = await call(http, h, "POST", "/v1/chat/completions", CHAT)
    assert reply.status == 200, reply.body[:300]
    await h.settle()
    assert h.balance() == 0 and h.logs()[-1].cost_micros == 0


async def test_the_hold_is_taken_at_the_multiplier_and_bounds_the_bill(make_relay, http) -> None:
    h = await in_group(make_relay, "1.333333", read_timeout=60.0)
    up = h.upstreams["openai"]
    up.scenario.fail_with = "timeout"  # hold the request upstream until released
    task = asyncio.create_task(call(http, h, "POST", "/v1/chat/completions", CHAT))
    async with asyncio.timeout(30):
        while not up.requests:
            await asyncio.sleep(0.005)
    (held,) = Reservation.select()
    bound = metering.prompt_upper_bound(CHAT)
    base = max(cost_micros(bound, cached, 50, PRICE) for cached in (0, bound))
    assert held.amount_micros == groups.apply_multiplier(base, 1_333_333) > base
    up.scenario.release.set()
    assert (await task).status == 200
    await h.settle()
    assert Reservation.select().count() == 0
    (row,) = h.logs()
    assert row.cost_micros == groups.apply_multiplier(48, 1_333_333) <= held.amount_micros


async def test_a_short_balance_is_sized_at_the_groups_price(make_relay, http) -> None:
    """The balance pays for exactly 100 completion tokens at 1.25x: the relay asks for 100,
    where sizing at the base price would ask for more than the balance can hold."""
    bound = metering.prompt_upper_bound(CHAT | {"max_tokens": 1000})
    balance = groups.apply_multiplier(cost_micros(bound, 0, 100, PRICE), 1_250_000)
    h = await in_group(make_relay, "1.25", balance=f"{balance / 1_000_000:.6f}")
    h.upstreams["openai"].scenario.content = ["x"] * 5000
    reply = await call(http, h, "POST", "/v1/chat/completions", CHAT | {"max_tokens": 1000})
    assert reply.status == 200, reply.body[:300]
    assert reply.headers["X-RelayDesk-Max-Tokens"] == "100"
    await h.settle()
    (row,) = h.logs()
    assert row.written_off_micros == 0 and 0 <= h.balance() == balance - row.cost_micros


async def test_a_model_outside_the_group_is_refused_like_a_keys(make_relay, http) -> None:
    h = await in_group(make_relay, "1", models=["m2"])
    reply = await call(http, h, "POST", "/v1/chat/completions", CHAT)
    assert_error(reply, 403, "model_not_allowed", "model")
    listed = await call(http, h, "GET", "/v1/models")
    assert listed.status == 200 and listed.json()["data"] == []
    assert_error(await call(http, h, "GET", "/v1/models/m1"), 404, "model_not_found")
    groups.update_group("team", models=["m1", "m2"])
    listed = await call(http, h, "GET", "/v1/models")
    assert [m["id"] for m in listed.json()["data"]] == ["m1"]
    assert (await call(http, h, "GET", "/v1/models/m1")).status == 200
    assert (await call(http, h, "POST", "/v1/chat/completions", CHAT)).status == 200


async def test_group_and_key_lists_must_both_allow_a_model(make_relay, http) -> None:
    h = await in_group(make_relay, "1", models=["m1"])
    _, other = apikeys.create_key("alice", name="other", models=["m2"])
    assert_error(await call(http, h, "POST", "/v1/chat/completions", CHAT, key=other), 403,
                 "model_not_allowed", "model")
    assert (await call(http, h, "GET", "/v1/models", key=other)).json()["data"] == []


async def test_a_new_multiplier_bills_the_very_next_request(make_relay, http) -> None:
    """Keys are cached for minutes here: only the group service's announcement can make the
    next request see the change."""
    h = await in_group(make_relay, "1", key_ttl=300.0)
    assert await spent(h, http, "/v1/chat/completions", CHAT) == 48
    groups.update_group("team", multiplier="1.25")
    assert await spent(h, http, "/v1/chat/completions", CHAT) == 60
    groups.update_group("team", models=["m2"])
    assert_error(await call(http, h, "POST", "/v1/chat/completions", CHAT), 403,
                 "model_not_allowed", "model")


async def test_moving_a_user_bills_the_very_next_request_at_the_new_group(make_relay,
                                                                          http) -> None:
    h = await in_group(make_relay, "1.25", key_ttl=300.0)
    groups.add_group("cheap", multiplier="0.5")
    assert await spent(h, http, "/v1/chat/completions", CHAT) == 60
    groups.assign_user("alice", "cheap")
    assert await spent(h, http, "/v1/chat/completions", CHAT) == 24


def _context(multiplier_ppm: int, bound: int) -> RequestContext:
    key = KeyInfo(key_id=1, user_id=1, username="alice", user_active=True, key_active=True,
                  expires_at=None, allowed_models=None, allowed_cidrs=None,
                  multiplier_ppm=multiplier_ppm)
    ctx = RequestContext(request_id="r", key=key, model="m1", stream=False, client_ip=None,
                         user_agent=None, price=PRICE)
    ctx.prompt_bound = bound
    return ctx


@pytest.mark.parametrize("multiplier", ["0", "0.000001", "0.8", "1", "1.25", "1.333333", "100"])
def test_a_bill_never_exceeds_the_price_of_the_bound_it_was_held_for(multiplier) -> None:
    """Whatever usage a provider reports within the prompt bound and the completion limit,
    plain or cached, it costs no more than the bound does at one of the two input prices."""
    ppm = groups.parse_multiplier(multiplier)
    for bound, limit in itertools.product((1, 7, 333, 10_001), (0, 1, 9, 4_097)):
        ctx = _context(ppm, bound)
        hold = max(ctx.priced(bound, cached, limit) for cached in (0, bound))
        for prompt, completion in itertools.product({0, 1, bound // 2, bound}, {0, limit}):
            for cached in {0, prompt // 3, prompt}:
                ctx.usage = Usage(prompt, cached, completion)
                assert ctx.cost() <= hold, (bound, limit, prompt, cached, completion)
