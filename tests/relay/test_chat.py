"""Chat completions through the relay with the official openai SDK: metering and billing."""

import asyncio

import openai
import pytest

from app import billing
from app.models import LedgerEntry, Reservation
from app.pricing import Price, cost_micros

PRICE = Price(2_000_000, 500_000, 8_000_000)


async def test_non_stream_bills_reported_usage(make_relay) -> None:
    h = await make_relay(("deepseek",))
    h.upstreams["deepseek"].scenario.prompt_tokens = 1000
    h.upstreams["deepseek"].scenario.cached_tokens = 200
    h.upstreams["deepseek"].scenario.completion_tokens = 500
    before = h.balance()
    async with h.client() as client:
        reply = await client.chat.completions.create(
            model="m1", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content == "Hello there!"
    await h.settle()
    # 800 uncached x 2 + 200 cached x 0.5 + 500 x 8 = 1600 + 100 + 4000 = 5700 micro-units
    assert before - h.balance() == 5700
    (log,) = h.logs()
    assert (log.prompt_tokens, log.cached_tokens, log.completion_tokens) == (1000, 200, 500)
    assert log.cost_micros == 5700 and log.status == 200 and not log.estimated
    assert log.model == "m1" and log.provider == "deepseek-1" and log.username == "alice"
    assert log.client_ip == "127.0.0.1" and log.user_agent and log.duration_ms >= 0
    assert Reservation.select().count() == 0
    kinds = [e.kind for e in LedgerEntry.select().order_by(LedgerEntry.id)]
    assert kinds == ["recharge", "hold", "release", "charge"]
    h.assert_ledger_consistent()


@pytest.mark.parametrize("kind", ["openai", "deepseek", "zhipu", "dashscope"])
async def test_stream_each_provider_bills_its_usage(make_relay, kind: str) -> None:
    h = await make_relay((kind,))
    up = h.upstreams[kind]
    up.scenario.prompt_tokens, up.scenario.completion_tokens = 21, 3
    up.scenario.cached_tokens = 5
    before = h.balance()
    pieces = []
    async with h.client() as client:
        stream = await client.chat.completions.create(
            model="m1", messages=[{"role": "user", "content": "hi"}], stream=True)
        async for chunk in stream:
            assert chunk.choices is not None
            for choice in chunk.choices:
                pieces.append(choice.delta.content or "")
            # the client did not ask for usage: it must not get the usage-only chunk
            assert not (chunk.usage is not None and chunk.choices == [])
    assert "".join(pieces) == "Hello there!"
    await h.settle()
    assert before - h.balance() == cost_micros(21, 5, 3, PRICE)
    (log,) = h.logs()
    assert log.stream and (log.prompt_tokens, log.cached_tokens, log.completion_tokens) == (
        21, 5, 3)
    assert not log.estimated and log.ttfb_ms is not None
    h.assert_ledger_consistent()


async def test_stream_usage_chunk_delivered_when_client_asks(make_relay) -> None:
    h = await make_relay(("openai",))
    async with h.client() as client:
        stream = await client.chat.completions.create(
            model="m1", messages=[{"role": "user", "content": "hi"}], stream=True,
            stream_options={"include_usage": True})
        chunks = [c async for c in stream]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert h.upstreams["openai"].last_request.json["stream_options"] == {"include_usage": True}


async def test_relay_asks_upstream_for_usage_and_maps_model(make_relay, monkeypatch) -> None:
    from app import providers
    h = await make_relay(("dashscope",))
    providers.update_provider("dashscope-1", model_map=["m1=qwen-plus"])
    async with h.client() as client:
        stream = await client.chat.completions.create(
            model="m1", messages=[{"role": "user", "content": "hi"}], stream=True,
            extra_body={"reasoning_effort": "low", "tools": [{"type": "function", "function": {
                "name": "f", "parameters": {"type": "object"}}}], "service_tier": "auto"})
        _ = [c async for c in stream]
    sent = h.upstreams["dashscope"].last_request.json
    assert sent["model"] == "qwen-plus"
    assert sent["stream_options"] == {"include_usage": True}
    assert sent["reasoning_effort"] == "low" and sent["service_tier"] == "auto"
    assert sent["tools"][0]["function"]["name"] == "f"
    await h.settle()
    (log,) = h.logs()
    assert log.upstream_model == "qwen-plus" and log.model == "m1"


async def test_reasoning_content_passes_through(make_relay) -> None:
    h = await make_relay(("deepseek",))
    h.upstreams["deepseek"].scenario.reasoning = ["Thinking", " hard"]
    reasoning = []
    async with h.client() as client:
        stream = await client.chat.completions.create(
            model="m1", messages=[{"role": "user", "content": "hi"}], stream=True)
        async for chunk in stream:
            for choice in chunk.choices:
                extra = choice.delta.model_extra or {}
                if extra.get("reasoning_content"):
                    reasoning.append(extra["reasoning_content"])
    assert "".join(reasoning) == "Thinking hard"


async def test_sync_client_in_thread(make_relay) -> None:
    h = await make_relay(("zhipu",))

    def call() -> str:
        with openai.OpenAI(base_url=h.base_url, api_key=h.key, max_retries=0) as client:
            reply = client.chat.completions.create(
                model="m1", messages=[{"role": "user", "content": "hi"}])
            return reply.choices[0].message.content or ""

    assert await asyncio.to_thread(call) == "Hello there!"


async def test_embeddings_billed_at_input_price(make_relay) -> None:
    h = await make_relay(("openai",))
    h.upstreams["openai"].scenario.prompt_tokens = 1234
    before = h.balance()
    async with h.client() as client:
        # 1,400 bytes: no tokenizer makes more than 1,234 tokens of them, so no write-off
        result = await client.embeddings.create(model="m1", input=["a" * 700, "b" * 700])
    assert len(result.data) == 2
    await h.settle()
    assert before - h.balance() == cost_micros(1234, 0, 0, PRICE)  # 2468


async def test_models_lists_only_served_priced_allowed(make_relay) -> None:
    from app import apikeys, pricing
    h = await make_relay(("deepseek",))
    pricing.set_price("unserved", "1", "1")
    async with h.client() as client:
        models = await client.models.list()
        assert [m.id for m in models.data] == ["m1"]
        assert models.data[0].object == "model" and isinstance(models.data[0].created, int)
    _, limited = apikeys.create_key("alice", models=["other"])
    async with h.client(api_key=limited) as client:
        assert (await client.models.list()).data == []


async def test_reservation_released_when_request_fails(make_relay) -> None:
    h = await make_relay(("deepseek",))
    h.upstreams["deepseek"].scenario.fail_with = "server_error"
    before = h.balance()
    async with h.client() as client:
        with pytest.raises(openai.APIStatusError) as info:
            await client.chat.completions.create(model="m1", messages=[
                {"role": "user", "content": "hi"}])
    assert info.value.status_code == 503
    await h.settle()
    assert h.balance() == before
    assert Reservation.select().count() == 0
    (log,) = h.logs()
    assert log.status == 503 and log.error_code == "upstream_unavailable" and log.cost_micros == 0
    assert billing.held_total(h.user_id) == 0
