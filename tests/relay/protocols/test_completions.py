"""Legacy ``POST /v1/completions`` (DeepSeek's fill-in-the-middle among its users) through the
relay with the openai SDK: passed through, streamed or not, billed like chat, logged under its
own route."""

import aiohttp

from tests.relay.protocols.conftest import MODEL, price

PROMPT = "def add(a, b):\n    "
SUFFIX = "\n\nprint(add(1, 2))"


async def test_completion_with_suffix_is_passed_through_and_billed(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.cached_tokens = 4
    before = r.h.balance()
    async with r.openai() as client:
        completion = await client.completions.create(model=MODEL, prompt=PROMPT, suffix=SUFFIX,
                                                     max_tokens=40, temperature=0.0)
    assert completion.choices[0].text == "Hello there!"
    assert completion.usage is not None and completion.usage.prompt_tokens == 12
    sent = r.chat.last_request
    assert sent.path == "/v1/completions"
    assert (sent.json["prompt"], sent.json["suffix"], sent.json["max_tokens"]) == (
        PROMPT, SUFFIX, 40)
    assert sent.headers["Authorization"] == f"Bearer {r.chat.api_key}"
    row = await r.last_log()
    assert (row.endpoint, row.provider, row.status, row.stream) == (
        "/v1/completions", "chat-1", 200, False)
    assert (row.prompt_tokens, row.cached_tokens, row.completion_tokens) == (12, 4, 3)
    assert row.cost_micros == price(12, 4, 3) and not row.estimated
    assert r.h.balance() == before - row.cost_micros
    r.h.assert_ledger_consistent()


async def test_streamed_completion_is_relayed_and_billed(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    before = r.h.balance()
    async with r.openai() as client:
        stream = await client.completions.create(model=MODEL, prompt=PROMPT, suffix=SUFFIX,
                                                 max_tokens=40, stream=True)
        pieces = [chunk.choices[0].text async for chunk in stream if chunk.choices]
    assert "".join(pieces) == "Hello there!"
    assert r.chat.last_request.json["stream"] is True
    assert r.chat.last_request.json["suffix"] == SUFFIX
    row = await r.last_log()
    assert (row.endpoint, row.stream, row.status) == ("/v1/completions", True, 200)
    assert (row.prompt_tokens, row.completion_tokens, row.estimated) == (12, 3, False)
    assert row.cost_micros == price(12, 0, 3)
    assert r.h.balance() == before - row.cost_micros
    r.h.assert_ledger_consistent()


async def test_a_completion_without_a_prompt_is_refused_before_any_provider(rig) -> None:
    r = await rig()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/completions", json={"model": MODEL},
                                headers=r.headers()) as resp:
            assert resp.status == 400
            error = (await resp.json())["error"]
    assert (error["param"], error["code"]) == ("prompt", "missing_required_parameter")
    assert r.chat.requests == []
