"""Wildcard model aliases in the relay's provider pool: which provider serves a name, what it
is sent upstream as, what it is billed at, and what /v1/models lists."""

import random
from collections.abc import AsyncIterator

import pytest

from app import pricing, providers
from app.pricing import Price
from relay.dbexec import DatabaseExecutor
from relay.pool import ProviderPool, Snapshot
from tests.relay.test_compat import call, http  # noqa: F401 - the http fixture

CLAUDE_MAP = {"claude-haiku-*": "deepseek-flash", "claude-*": "deepseek-v4-pro",
              "claude-opus-4-8": "deepseek-exact"}


@pytest.fixture
async def pool(sqlite_db) -> AsyncIterator[ProviderPool]:  # type: ignore[no-untyped-def]
    dbx = DatabaseExecutor()
    made = ProviderPool(dbx, ttl=0.0, rng=random.Random(7))
    yield made
    made.close()
    dbx.shutdown()


async def test_exact_alias_wins_then_exact_model_then_longest_pattern(pool):
    providers.add_provider("ds", "deepseek", models=["deepseek-chat", "claude-sonnet-4-5"],
                           model_map=CLAUDE_MAP)
    (up,) = (await pool.snapshot()).upstreams
    assert up.upstream_model("claude-opus-4-8") == "deepseek-exact"  # exact alias
    assert up.upstream_model("claude-sonnet-4-5") == "claude-sonnet-4-5"  # exact model
    assert up.upstream_model("claude-haiku-4-5-20251001") == "deepseek-flash"  # longest
    assert up.upstream_model("claude-opus-4-1") == "deepseek-v4-pro"
    assert up.upstream_model("deepseek-chat") == "deepseek-chat"
    assert [up.serves(m) for m in ("claude-x", "claude-haiku-", "deepseek-chat", "claude",
                                   "gpt-4o", "xclaude-opus")] == [
        True, True, True, False, False, False]


async def test_pattern_order_does_not_depend_on_how_the_map_was_typed(pool):
    providers.add_provider("a", "deepseek", models=["m"],
                           model_map={"claude-*": "pro", "claude-haiku-*": "flash"})
    providers.add_provider("b", "deepseek", models=["m"],
                           model_map={"claude-haiku-*": "flash", "claude-*": "pro"})
    for up in (await pool.snapshot()).upstreams:
        assert up.upstream_model("claude-haiku-4-5") == "flash", up.name


async def test_candidates_include_providers_matching_by_pattern(pool):
    providers.add_provider("wild", "deepseek", models=["deepseek-chat"],
                           model_map={"claude-*": "deepseek-chat"}, priority=5)
    providers.add_provider("exact", "zhipu", models=["claude-opus-4-8"])
    providers.add_provider("other", "openai", models=["gpt-4o"], priority=9)
    snap = await pool.snapshot()
    chosen = pool.candidates(snap, "claude-opus-4-8")
    assert [u.name for u in chosen] == ["wild", "exact"]  # by priority, patterns included
    assert [u.upstream_model("claude-opus-4-8") for u in chosen] == [
        "deepseek-chat", "claude-opus-4-8"]
    assert [u.name for u in pool.candidates(snap, "claude-haiku-4-5")] == ["wild"]
    assert pool.candidates(snap, "gemini-pro") == []


async def test_served_models_never_lists_a_pattern(pool):
    providers.add_provider("ds", "deepseek", models=["deepseek-chat"],
                           model_map={"claude-*": "deepseek-chat", "gpt-4o": "deepseek-chat"})
    pricing.set_price("deepseek-chat", "1", "2")
    pricing.set_price("claude-*", "3", "15")
    served = pool.served_models(await pool.snapshot())
    assert sorted(served) == ["deepseek-chat", "gpt-4o"]  # gpt-4o: its upstream's price


async def test_served_models_needs_some_price(pool):
    providers.add_provider("ds", "deepseek", models=["unpriced"], model_map={"a": "unpriced2"})
    pricing.set_price("other", "1", "1")
    assert pool.served_models(await pool.snapshot()) == {}


async def test_price_for_exact_then_longest_pattern_then_upstream(pool):
    providers.add_provider("ds", "deepseek", models=["deepseek-chat"], model_map={
        "claude-*": "deepseek-v4-pro", "gpt-*": "deepseek-chat", "o3": "deepseek-chat"})
    pricing.set_price("claude-opus-4-8", "1", "1")
    pricing.set_price("claude-*", "2", "2")
    pricing.set_price("claude-haiku-*", "3", "3")
    pricing.set_price("deepseek-chat", "4", "4")
    pricing.set_price("deepseek-*", "5", "5")
    snap = await pool.snapshot()

    def price(model: str) -> int | None:
        found = pool.price_for(snap, model, pool.candidates(snap, model))
        return None if found is None else found.input_micros // 1_000_000

    assert price("claude-opus-4-8") == 1  # its own price
    assert price("claude-haiku-4-5") == 3  # the longest pattern
    assert price("claude-sonnet-4-5") == 2
    assert price("gpt-4o") == 4  # no price of its own: the upstream model's
    assert price("o3") == 4
    assert price("deepseek-v4-pro") == 5  # a pattern price for a name nobody serves
    assert price("gemini-pro") is None


async def test_price_for_a_pattern_and_no_candidates(pool):
    own = Price(1, 1, 1)
    snap = Snapshot(prices={"deepseek-*": own})
    assert pool.price_for(snap, "deepseek-v4", []) is own
    assert pool.price_for(snap, "claude-opus-4-8", []) is None


async def test_v1_models_hides_patterns_and_chat_maps_by_pattern(make_relay, http):  # noqa: F811
    h = await make_relay(("deepseek",))
    providers.update_provider("deepseek-1", model_map={"claude-*": "m1",
                                                       "claude-haiku-*": "m-flash"})
    pricing.set_price("claude-*", "3", "15")
    pricing.set_price("claude-haiku-4-5", "1", "5")
    reply = await call(http, h, "GET", "/v1/models")
    assert reply.status == 200
    assert [m["id"] for m in reply.json()["data"]] == ["m1"]
    assert (await call(http, h, "GET", "/v1/models/claude-*")).status == 404
    chat = {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": "hi"}]}
    answer = await call(http, h, "POST", "/v1/chat/completions", chat)
    assert answer.status == 200, answer.body[:300]
    assert h.upstreams["deepseek"].last_request.json["model"] == "m-flash"
    await h.settle()
