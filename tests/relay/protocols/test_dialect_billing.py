"""Exact billing on the new routes, for every usage field the providers report: the request log
row (route, prompt / cached / completion tokens, cost), the balance and the ledger's charge all
equal the price formula for the fake's reported usage, streamed or not.

Chat usage: DeepSeek's prompt_cache_hit_tokens (and prompt_tokens_details.cached_tokens).
Anthropic usage: prompt = input + cache_read + cache_creation; cached = cache_read.
Responses usage: input_tokens includes input_tokens_details.cached_tokens.
"""

import asyncio
from typing import Any

import aiohttp
import pytest

from app.models import LedgerEntry, Reservation
from relay.protocols import anthropic as anthropic_translation
from relay.protocols import responses as responses_translation
from tests.relay.conftest import relay_options
from tests.relay.protocols.conftest import MODEL, Rig, price, prompt_bound, until

# Long enough that the relay's prompt bound (the hold's) covers the counts the fakes report:
# a provider reporting more prompt tokens than the bound is billed at the hold (a cap).
NOTES = "Summarise the notes. " + "note " * 1000
HI = [{"role": "user", "content": NOTES}]
CODE = "def f(" + "x = 1\n" * 300


async def assert_billed(r: Rig, before: int, endpoint: str, stream: bool,
                        tokens: tuple[int, int, int]) -> None:
    """One request, settled: its row, the balance and the ledger all say ``tokens``' price."""
    await r.h.settle()
    (row,) = r.h.logs()
    cost = price(*tokens)
    assert (row.endpoint, row.model, row.stream, row.status) == (endpoint, MODEL, stream, 200)
    assert (row.prompt_tokens, row.cached_tokens, row.completion_tokens) == tokens
    assert row.cost_micros == cost and not row.estimated
    assert r.h.balance() == before - cost
    (charge,) = LedgerEntry.select().where(LedgerEntry.kind == "charge")
    assert (charge.amount_micros, charge.ref) == (-cost, row.request_id)
    assert Reservation.select().count() == 0  # the hold is gone, released and charged
    r.h.assert_ledger_consistent()


@pytest.mark.parametrize("stream", [False, True])
async def test_messages_translated_bills_deepseek_cache_hits(rig, stream: bool) -> None:
    r = await rig()
    sc = r.chat.scenario
    sc.prompt_tokens, sc.cached_tokens, sc.completion_tokens = 4000, 3000, 250
    before = r.h.balance()
    async with r.anthropic() as client:
        if stream:
            async with client.messages.stream(model=MODEL, max_tokens=500,
                                              messages=HI) as events:
                message = await events.get_final_message()
        else:
            message = await client.messages.create(model=MODEL, max_tokens=500, messages=HI)
    usage = message.usage
    # Anthropic's input_tokens leaves out cache reads: the client sees the same 4,000 in total
    assert (usage.input_tokens, usage.cache_read_input_tokens, usage.output_tokens) == (
        1000, 3000, 250)
    await assert_billed(r, before, "/v1/messages", stream, (4000, 3000, 250))


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("full_delta_usage", [False, True])
async def test_messages_native_bills_cache_reads_and_writes(rig, stream: bool,
                                                            full_delta_usage: bool) -> None:
    r = await rig(native=True)
    sc = r.native.scenario
    sc.input_tokens, sc.cache_read_input_tokens, sc.cache_creation_input_tokens = 21, 3000, 500
    sc.output_tokens = 77
    sc.full_delta_usage = full_delta_usage  # message_delta repeats the input counts
    before = r.h.balance()
    async with r.anthropic() as client:
        if stream:
            async with client.messages.stream(model=MODEL, max_tokens=500,
                                              messages=HI) as events:
                message = await events.get_final_message()
        else:
            message = await client.messages.create(model=MODEL, max_tokens=500, messages=HI)
    usage = message.usage
    assert (usage.input_tokens, usage.cache_read_input_tokens,
            usage.cache_creation_input_tokens, usage.output_tokens) == (21, 3000, 500, 77)
    # cache writes are billed at the input price: prompt 21 + 3000 + 500, cached 3000
    await assert_billed(r, before, "/v1/messages", stream, (3521, 3000, 77))


@pytest.mark.parametrize("stream", [False, True])
async def test_responses_translated_bills_cached_and_reasoning_tokens(rig, stream: bool) -> None:
    r = await rig()
    sc = r.chat.scenario
    sc.prompt_tokens, sc.cached_tokens, sc.completion_tokens = 900, 640, 45
    sc.reasoning = ["Thinking", " it over."]  # within completion_tokens, as DeepSeek reports
    before = r.h.balance()
    async with r.openai() as client:
        if stream:
            async with client.responses.stream(model=MODEL, input=NOTES,
                                               max_output_tokens=300) as events:
                response = await events.get_final_response()
        else:
            response = await client.responses.create(model=MODEL, input=NOTES,
                                                     max_output_tokens=300)
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.input_tokens_details.cached_tokens,
            response.usage.output_tokens) == (900, 640, 45)
    await assert_billed(r, before, "/v1/responses", stream, (900, 640, 45))


@pytest.mark.parametrize("stream", [False, True])
async def test_responses_native_bills_cached_tokens(rig, stream: bool) -> None:
    r = await rig(responses=True)
    sc = r.responses.scenario
    sc.input_tokens, sc.cached_tokens, sc.output_tokens, sc.reasoning_tokens = 1200, 1024, 60, 20
    before = r.h.balance()
    async with r.openai() as client:
        if stream:
            async with client.responses.stream(model=MODEL, input=NOTES,
                                               max_output_tokens=300) as events:
                response = await events.get_final_response()
        else:
            response = await client.responses.create(model=MODEL, input=NOTES,
                                                     max_output_tokens=300)
    assert response.usage is not None and response.usage.input_tokens == 1200
    await assert_billed(r, before, "/v1/responses", stream, (1200, 1024, 60))


@pytest.mark.parametrize("stream", [False, True])
async def test_completions_bill_deepseek_cache_hits(rig, stream: bool) -> None:
    r = await rig()
    sc = r.chat.scenario
    sc.reasoning = []
    sc.prompt_tokens, sc.cached_tokens, sc.completion_tokens = 300, 128, 9
    before = r.h.balance()
    body: dict[str, Any] = {"model": MODEL, "prompt": CODE, "suffix": ")", "max_tokens": 20}
    async with r.openai() as client:
        if stream:
            chunks = await client.completions.create(**body, stream=True)
            text = "".join([c.choices[0].text async for c in chunks if c.choices])
        else:
            text = (await client.completions.create(**body)).choices[0].text
    assert text == "Hello there!"
    await assert_billed(r, before, "/v1/completions", stream, (300, 128, 9))


async def test_every_route_bills_its_own_row_in_one_ledger(rig) -> None:
    """Chat, messages (both ways), responses (both ways) and completions in one account: each
    row's cost is its usage's price, and the balance moved by exactly their sum."""
    r = await rig(native=True, responses=True, order=("chat", "native", "responses"))
    r.chat.scenario.reasoning = []
    before = r.h.balance()
    async with r.openai() as client:
        await client.chat.completions.create(model=MODEL, messages=HI, max_tokens=50)
        await client.responses.create(model=MODEL, input="hi", max_output_tokens=50)
        await client.completions.create(model=MODEL, prompt="x", max_tokens=50)
    async with r.anthropic() as client:
        await client.messages.create(model=MODEL, max_tokens=50, messages=HI)
    await r.h.settle()
    rows = r.h.logs()
    # the chat provider is first for every route: nothing went native
    assert [row.endpoint for row in rows] == ["/v1/chat/completions", "/v1/responses",
                                               "/v1/completions", "/v1/messages"]
    assert all(row.provider == "chat-1" for row in rows)
    assert [row.cost_micros for row in rows] == [price(12, 0, 3)] * 4
    assert r.h.balance() == before - 4 * price(12, 0, 3)
    r.h.assert_ledger_consistent()


@pytest.mark.parametrize("path", ["/messages", "/responses"])
async def test_concurrent_requests_never_overdraw(rig, path: str) -> None:
    """30 requests at once on a balance that covers 6 holds and not one more token: exactly 6
    reach the provider (held there until the others were refused), the rest are refused as too
    poor in the route's shape, nothing goes negative, and the 6 are billed exactly."""
    if path == "/messages":
        body: dict[str, Any] = {"model": MODEL, "max_tokens": 100,
                                "messages": [{"role": "user", "content": "hi"}]}
        hold = price(prompt_bound(body, anthropic_translation.to_chat), 0, 100)
    else:
        body = {"model": MODEL, "max_output_tokens": 100, "input": "hi"}
        hold = price(prompt_bound(body, responses_translation.to_chat), 0, 100)
    balance = 6 * hold
    r = await rig(balance=f"{balance / 1_000_000:.6f}",
                  options=relay_options(read_timeout=120.0))
    r.chat.scenario.reasoning = []
    r.chat.scenario.fail_with = "timeout"  # the provider holds every request until released
    headers = r.headers(**{"anthropic-version": "2023-06-01"})

    async def post(session: aiohttp.ClientSession) -> tuple[int, Any]:
        async with session.post(f"{r.h.base_url}{path}", json=body, headers=headers) as resp:
            return resp.status, await resp.json()

    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(post(session)) for _ in range(30)]
        await until(lambda: sum(t.done() for t in tasks) + len(r.chat.requests) >= 30,
                    timeout=60)
        assert len(r.chat.requests) == 6 and r.h.balance() == 0
        r.chat.scenario.release.set()
        results = await asyncio.gather(*tasks)
    await r.h.settle()
    assert [status for status, _ in results].count(200) == 6
    for status, answer in results:
        if status != 200 and path == "/messages":
            assert (status, answer["error"]["type"]) == (402, "billing_error")
        elif status != 200:
            assert (status, answer["error"]["code"]) == (429, "insufficient_quota")
    assert sum(row.cost_micros for row in r.h.logs()) == 6 * price(12, 0, 3)
    assert r.h.balance() == balance - 6 * price(12, 0, 3)
    assert Reservation.select().count() == 0
    r.h.assert_ledger_consistent()
