"""Provider choice and failover: before the first byte reaches the client, any upstream failure
moves on to the next provider; after repeated failures a provider cools down."""

import openai
import pytest

from app import providers
from relay import pool as pool_mod

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("failure", ["auth", "balance", "rate_limit", "server_error",
                                     "model_not_found", "connection_reset"])
@pytest.mark.parametrize("first", ["deepseek", "zhipu", "dashscope"])
async def test_fails_over_to_next_provider(make_relay, first: str, failure: str) -> None:
    h = await make_relay((first, "openai"), priorities={first: 10, "openai": 0})
    h.upstreams[first].scenario.fail_with = failure
    async with h.client() as client:
        reply = await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert reply.choices[0].message.content == "Hello there!"
    assert len(h.upstreams[first].requests) == 1  # tried first (higher priority)
    await h.settle()
    (log,) = h.logs()
    assert log.provider == "openai-1" and log.failover_count == 1 and log.status == 200


@pytest.mark.parametrize("failure", ["auth", "balance"])
async def test_provider_account_trouble_is_neutral_to_client(make_relay, failure: str) -> None:
    h = await make_relay(("deepseek",))
    h.upstreams["deepseek"].scenario.fail_with = failure
    async with h.client() as client:
        with pytest.raises(openai.APIStatusError) as info:
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert info.value.status_code == 503
    text = info.value.response.text
    assert "sk-up-" not in text and "Insufficient" not in text and "Balance" not in text
    assert info.value.response.headers.get("Retry-After")
    assert info.value.body["code"] == "upstream_unavailable"  # type: ignore[index]


async def test_timeout_before_first_byte_fails_over(make_relay) -> None:
    from tests.relay.conftest import relay_options
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 5},
                         options=relay_options(read_timeout=0.3))
    h.upstreams["deepseek"].scenario.fail_with = "timeout"
    async with h.client() as client:
        reply = await client.chat.completions.create(model="m1", messages=MESSAGES, stream=False)
    assert reply.choices[0].message.content == "Hello there!"
    h.upstreams["deepseek"].scenario.release.set()


async def test_client_error_is_not_failed_over(make_relay) -> None:
    """A 400 about the request itself goes back to the client; other providers are not tried."""
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 5})
    h.upstreams["deepseek"].scenario.fail_with = "server_error"
    h.upstreams["deepseek"].scenario.fail_status = 400
    async with h.client() as client:
        with pytest.raises(openai.BadRequestError):
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert h.upstreams["openai"].requests == []


async def test_stream_broken_before_first_event_fails_over(make_relay) -> None:
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 5})
    h.upstreams["deepseek"].scenario.break_after_events = 0
    async with h.client() as client:
        stream = await client.chat.completions.create(model="m1", messages=MESSAGES, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "Hello there!"
    await h.settle()
    (log,) = h.logs()
    assert log.provider == "openai-1" and log.failover_count == 1


async def test_priority_tiers_and_weights(make_relay) -> None:
    h = await make_relay(("deepseek", "zhipu", "openai"),
                         priorities={"deepseek": 1, "zhipu": 1, "openai": 0})
    providers.update_provider("deepseek-1", weight=3)
    providers.update_provider("zhipu-1", weight=1)
    async with h.client() as client:
        for _ in range(80):
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    deep, zhipu = len(h.upstreams["deepseek"].requests), len(h.upstreams["zhipu"].requests)
    assert h.upstreams["openai"].requests == []  # lower tier never used while the top is healthy
    assert deep + zhipu == 80
    assert 40 <= deep <= 76  # weight 3:1 → expect ~60; bounds are > 4 sigma wide


async def test_cooldown_after_repeated_failures_and_visible_in_provider_list(make_relay
                                                                              ) -> None:
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 5})
    up = h.upstreams["deepseek"]
    up.scenario.fail_with = "server_error"
    async with h.client() as client:
        for _ in range(pool_mod.FAILURES_BEFORE_COOLDOWN + 2):
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    # after the threshold the cooling provider is tried last, so the healthy one answers first
    assert len(up.requests) == pool_mod.FAILURES_BEFORE_COOLDOWN
    await h.server.state.dbx.run(lambda: None)  # health write was queued on the same executor
    row = providers.get_provider("deepseek-1")
    assert row.health == "cooling" and row.cooldown_until is not None
    assert row.consecutive_failures == pool_mod.FAILURES_BEFORE_COOLDOWN
    assert "sk-up" not in (row.last_error or "")
