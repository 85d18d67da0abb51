"""What the chat route guarantees, on /v1/messages and /v1/responses under faults: failover
before the first byte (native and translated providers mixed), a hang-up mid-stream still billed
and logged 499, a provider reporting or streaming more than the hold pays for billed no more
than it, a poor user's lowered completion limit, a provider breaking off mid-stream."""

import asyncio
from typing import Any

import aiohttp
import openai
import pytest

from app import metering
from app.models import LedgerEntry
from relay.protocols import anthropic as anthropic_translation
from relay.protocols import responses as responses_translation
from tests.relay.conftest import relay_options
from tests.relay.protocols.conftest import MODEL, Rig, price, prompt_bound, until

HI = [{"role": "user", "content": "hi"}]
MESSAGES_BODY = {"model": MODEL, "max_tokens": 100, "messages": HI}
VERSION = {"anthropic-version": "2023-06-01"}


async def create_message(r: Rig, stream: bool) -> Any:
    async with r.anthropic() as client:
        if not stream:
            return await client.messages.create(**MESSAGES_BODY)
        async with client.messages.stream(**MESSAGES_BODY) as events:
            return await events.get_final_message()


# ---- failover before the first byte ---------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("failure", ["api_error", "auth", "overloaded"])
async def test_native_provider_fails_and_the_chat_one_answers_translated(
        rig, stream: bool, failure: str) -> None:
    r = await rig(native=True)  # the native provider comes first
    r.chat.scenario.reasoning = []
    r.native.scenario.fail_with = failure
    message = await create_message(r, stream)
    assert message.content[-1].text == "Hello there!"
    assert len(r.native.requests) == 1 and len(r.chat.requests) == 1
    row = await r.last_log()
    assert (row.provider, row.failover_count, row.status) == ("chat-1", 1, 200)
    assert row.cost_micros == price(12, 0, 3)
    r.h.assert_ledger_consistent()


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("failure", ["server_error", "auth", "connection_reset"])
async def test_chat_provider_fails_and_the_native_one_answers(rig, stream: bool,
                                                              failure: str) -> None:
    r = await rig(native=True, order=("chat", "native"))
    r.chat.scenario.fail_with = failure
    message = await create_message(r, stream)
    assert message.content[0].text == "Hello there!"
    assert len(r.chat.requests) == 1 and len(r.native.requests) == 1
    assert r.native.last_request.json["max_tokens"] == 100  # the client's body, untranslated
    row = await r.last_log()
    assert (row.provider, row.failover_count, row.status) == ("native-1", 1, 200)
    assert row.cost_micros == price(21, 0, 3)


@pytest.mark.parametrize("stream", [False, True])
async def test_responses_native_provider_fails_and_the_chat_one_answers(rig,
                                                                        stream: bool) -> None:
    r = await rig(responses=True)
    r.chat.scenario.reasoning = []
    r.responses.scenario.fail_with = "server_error"
    async with r.openai() as client:
        if stream:
            async with client.responses.stream(model=MODEL, input="hi") as events:
                response = await events.get_final_response()
        else:
            response = await client.responses.create(model=MODEL, input="hi")
    assert response.output_text == "Hello there!"
    assert len(r.responses.requests) == 1 and len(r.chat.requests) == 1
    row = await r.last_log()
    assert (row.endpoint, row.provider, row.failover_count) == ("/v1/responses", "chat-1", 1)


async def test_every_provider_down_is_529_overloaded_for_anthropic_clients(rig) -> None:
    r = await rig(native=True)
    r.native.scenario.fail_with = "api_error"
    r.chat.scenario.fail_with = "server_error"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/messages", json=MESSAGES_BODY,
                                headers=r.headers(**VERSION)) as resp:
            body = await resp.json()
            assert resp.status == 529
    assert body["type"] == "error" and body["error"]["type"] == "overloaded_error"
    row = await r.last_log()
    assert (row.status, row.cost_micros) == (503, 0)
    assert r.h.balance() == 10_000_000


# ---- a client hang-up mid-stream --------------------------------------------------------------


async def hang_up_after_first_bytes(r: Rig, path: str, body: dict[str, Any]) -> None:
    async with aiohttp.ClientSession() as session:
        resp = await session.post(f"{r.h.base_url}{path}", json=body,
                                  headers=r.headers(**VERSION))
        assert resp.status == 200
        await asyncio.wait_for(resp.content.readany(), timeout=10)
        resp.close()  # the user pressed Esc in the coding agent
    # The relay's side of the connection is gone before the provider says more: whatever it
    # writes next finds the client gone (no race between the hang-up and the provider).
    streams = r.h.server.state.streams
    await until(lambda: bool(streams) and all(s.request.transport is None for s in streams))


@pytest.mark.parametrize(("path", "native"), [("/responses", True), ("/responses", False),
                                             ("/messages", False)])
async def test_hang_up_with_the_provider_stalled_is_billed_from_the_estimate(
        rig, path: str, native: bool) -> None:
    r = await rig(responses=native, options=relay_options(disconnect_grace=0.3))
    stalled = asyncio.Event()  # never set
    if native:
        r.responses.pause_before = {5: stalled}  # after the "Hello" delta
    else:
        r.chat.scenario.reasoning = []
        r.chat.scenario.pause_before_event = {2: stalled}  # after the "Hello" chunk
    body: dict[str, Any] = (dict(MESSAGES_BODY, stream=True) if path == "/messages" else
                            {"model": MODEL, "input": "hi", "stream": True,
                             "max_output_tokens": 100})
    before = r.h.balance()
    await hang_up_after_first_bytes(r, path, body)
    row = await r.last_log()
    assert (row.endpoint, row.status, row.estimated) == (f"/v1{path}", 499, True)
    assert row.completion_tokens == metering.text_tokens("Hello")  # what was delivered
    assert row.cost_micros == price(row.prompt_tokens, 0, row.completion_tokens) > 0
    assert r.h.balance() == before - row.cost_micros
    r.h.assert_ledger_consistent()


# ---- a provider over-reporting past the hold --------------------------------------------------


def held() -> int:
    (hold,) = LedgerEntry.select().where(LedgerEntry.kind == "hold")
    return -hold.amount_micros


@pytest.mark.parametrize("stream", [False, True])
async def test_native_over_report_is_billed_at_most_the_hold(rig, stream: bool) -> None:
    r = await rig(native=True, balance="0.01")
    r.native.scenario.output_tokens = 500_000  # far past max_tokens 5
    r.native.scenario.strict = False
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/messages", headers=r.headers(**VERSION),
                                json=dict(MESSAGES_BODY, max_tokens=5, stream=stream)) as resp:
            assert resp.status == 200
            await resp.read()
    row = await r.last_log()
    hold = held()
    assert row.cost_micros == hold and row.overrun
    assert row.written_off_micros == price(21, 0, 500_000) - hold
    assert r.h.balance() == 10_000 - hold >= 0
    r.h.assert_ledger_consistent()


@pytest.mark.parametrize("stream", [False, True])
async def test_translated_over_report_is_billed_at_most_the_hold(rig, stream: bool) -> None:
    r = await rig(balance="0.01")
    r.chat.scenario.usage_override = {"prompt_tokens": 10, "completion_tokens": 90_000,
                                      "total_tokens": 90_010}
    async with r.openai() as client:
        if stream:
            async with client.responses.stream(model=MODEL, input="hi",
                                               max_output_tokens=5) as events:
                await events.get_final_response()
        else:
            await client.responses.create(model=MODEL, input="hi", max_output_tokens=5)
    row = await r.last_log()
    hold = held()
    assert row.cost_micros == hold and row.overrun
    assert r.h.balance() == 10_000 - hold >= 0
    r.h.assert_ledger_consistent()


# ---- a poor user: the hold is an upper bound --------------------------------------------------


def affording(body: dict[str, Any], translate: Any, tokens: int) -> str:
    """A balance that pays for the prompt's bound and ``tokens`` completion tokens, not one
    more (MODEL: 2 micro-units per prompt token, 8 per completion token)."""
    bound = prompt_bound(body, translate)
    return f"{(bound * 2 + tokens * 8 + 7) / 1_000_000:.6f}"


@pytest.mark.parametrize("native", [False, True])
async def test_poor_user_gets_a_lowered_max_tokens_on_messages(rig, native: bool) -> None:
    body = dict(MESSAGES_BODY, max_tokens=1000)
    r = await rig(native=native, balance=affording(body, anthropic_translation.to_chat, 2))
    r.chat.scenario.reasoning, r.chat.scenario.prompt_tokens = [], 5
    if native:
        r.native.scenario.input_tokens = 5
    async with r.anthropic() as client:
        raw = await client.messages.with_raw_response.create(**body)
    message = await raw.parse()
    assert raw.headers["X-RelayDesk-Max-Tokens"] == "2"
    assert message.stop_reason == "max_tokens"
    assert message.content[-1].text == "Hello there"  # two of the three pieces
    provider = r.native if native else r.chat
    assert provider.last_request.json["max_tokens"] == 2
    row = await r.last_log()
    assert row.cost_micros == price(5, 0, 2) <= held()
    assert r.h.balance() >= 0
    r.h.assert_ledger_consistent()


# OpenAI's Responses API refuses a max_output_tokens under 16: the native case affords 20.
@pytest.mark.parametrize(("native", "tokens"), [(False, 2), (True, 20)])
async def test_poor_user_gets_a_lowered_max_output_tokens_on_responses(
        rig, native: bool, tokens: int) -> None:
    body = {"model": MODEL, "input": "hi", "max_output_tokens": 1000}
    r = await rig(responses=native,
                  balance=affording(body, responses_translation.to_chat, tokens))
    r.chat.scenario.reasoning, r.chat.scenario.prompt_tokens = [], 5
    r.chat.scenario.content = ["x"] * 30
    if native:
        r.responses.scenario.input_tokens, r.responses.scenario.output_tokens = 5, tokens
    async with r.openai() as client:
        raw = await client.responses.with_raw_response.create(**body)
    response = raw.parse()
    assert raw.headers["X-RelayDesk-Max-Tokens"] == str(tokens)
    provider = r.responses if native else r.chat
    limit = "max_output_tokens" if native else "max_tokens"
    assert provider.last_request.json[limit] == tokens
    if not native:  # the relay's own translation says why the answer stopped
        assert response.status == "incomplete"
        assert response.incomplete_details.reason == "max_output_tokens"
    row = await r.last_log()
    assert row.cost_micros == price(5, 0, tokens) <= held()
    assert r.h.balance() >= 0
    r.h.assert_ledger_consistent()


async def test_native_stream_past_its_limit_is_ended_at_the_hold(rig) -> None:
    """A provider streaming more deltas than the max_tokens the hold paid for (each delta holds
    a token at least): the relay ends the stream there with an Anthropic error event."""
    r = await rig(native=True, chat=False)
    r.native.scenario.tool_use = {"name": "get_weather", "input": {"city": "Paris"}}
    r.native.scenario.tool_preamble = ["word "] * 12  # a tool turn's text is not cut by the fake
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/messages", headers=r.headers(**VERSION),
                                json=dict(MESSAGES_BODY, max_tokens=4, stream=True)) as resp:
            received = await resp.read()
    assert received.count(b"text_delta") == 5  # one past the limit proves it, then the end
    assert received.rstrip().rsplit(b"\n\n", 1)[-1].startswith(b"event: error\n")
    assert b"message_stop" not in received
    row = await r.last_log()
    assert row.cost_micros <= held()
    r.h.assert_ledger_consistent()


async def test_too_poor_for_a_native_responses_minimum_is_refused_by_the_relay(rig) -> None:
    """A balance affording 2 completion tokens: lowering max_output_tokens to 2 would make a
    request OpenAI's Responses API refuses (minimum 16): the relay refuses it as too poor."""
    body = {"model": MODEL, "input": "hi", "max_output_tokens": 1000}
    r = await rig(responses=True, chat=False,
                  balance=affording(body, responses_translation.to_chat, 2))
    async with r.openai() as client:
        with pytest.raises(openai.RateLimitError) as refused:
            await client.responses.create(**body)
    assert refused.value.code == "insufficient_quota"
    assert r.responses.requests == []



# ---- a provider breaking off mid-stream -------------------------------------------------------


@pytest.mark.parametrize(("path", "body", "ending"), [
    ("/messages", dict(MESSAGES_BODY, stream=True), b"event: error\n"),
    ("/responses", {"model": MODEL, "input": "hi", "stream": True},
     b"event: response.failed\n")])
async def test_translated_stream_broken_off_ends_in_the_dialects_error_and_bills_delivered(
        rig, path: str, body: dict[str, Any], ending: bytes) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.break_after_events = 3  # the opening chunk, "Hello", " there"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}{path}", json=body,
                                headers=r.headers(**VERSION)) as resp:
            assert resp.status == 200
            received = await resp.read()
    assert b'"Hello"' in received and b'" there"' in received
    last = received.rstrip().rsplit(b"\n\n", 1)[-1]
    assert last.startswith(ending)
    row = await r.last_log()
    assert (row.status, row.error_code, row.estimated) == (502, "upstream_stream_broken", True)
    assert row.completion_tokens == metering.text_tokens("Hello") + metering.text_tokens(" there")
    assert row.cost_micros == price(row.prompt_tokens, 0, row.completion_tokens) > 0
    r.h.assert_ledger_consistent()



# ---- hang-ups at the last write, native streams cut short, the thinking budget -----------------
# 1. relay/streaming.py StreamRelay._write(last=True) settles (and writes the log row) before
#    its write finds the client gone: a hang-up noticed on the stream's last write logs 200.
# 2. relay/handlers.py _reserve lowers an Anthropic max_tokens below thinking.budget_tokens for
#    a native provider, which refuses it with a 400 instead of the relay's "too poor" (402).
# 3. relay/protocols/messages_api.py MessagesDialect.watch takes message_start's usage (its
#    output_tokens is a placeholder, 1) as the request's usage: a native stream cut short (the
#    client hangs up, the provider breaks) is billed 1 output token whatever was delivered.


@pytest.mark.parametrize("native", [False, True])
async def test_hang_up_mid_stream_is_billed_from_the_usage_read_on(rig, native: bool) -> None:
    r = await rig(native=native)
    gate = asyncio.Event()
    if native:
        r.native.pause_before = {4: gate}  # after the first text delta
        r.native.scenario.output_tokens = 40
        expected = price(21, 0, 40)
    else:
        r.chat.scenario.pause_before_event = {3: gate}
        r.chat.scenario.completion_tokens = 40
        expected = price(12, 0, 40)
    before = r.h.balance()
    await hang_up_after_first_bytes(r, "/messages", dict(MESSAGES_BODY, stream=True))
    gate.set()  # the provider goes on; the relay reads on to learn the usage
    row = await r.last_log()
    assert (row.endpoint, row.status, row.estimated) == ("/v1/messages", 499, False)
    assert row.cost_micros == expected and r.h.balance() == before - expected
    r.h.assert_ledger_consistent()



async def test_too_poor_for_the_thinking_budget_on_a_native_provider_is_402(rig) -> None:
    """The balance affords 2,000 completion tokens of the 8,000 asked, with a thinking budget of
    4,000: lowering max_tokens to 2,000 makes a request Anthropic refuses (max_tokens must
    exceed the budget). Expected: the relay's own 402 billing_error, the provider never asked
    (or a budget lowered with it)."""
    import anthropic

    body: dict[str, Any] = dict(MESSAGES_BODY, max_tokens=8000,
                                thinking={"type": "enabled", "budget_tokens": 4000})
    r = await rig(native=True, chat=False,
                  balance=affording(body, anthropic_translation.to_chat, 2000))
    async with r.anthropic() as client:
        try:
            await client.messages.create(**body)
        except anthropic.APIStatusError as refused:
            assert refused.status_code == 402, refused.message
            assert r.native.requests == []
            return
    sent = r.native.last_request.json  # served: then with a budget that fits the limit
    assert 1024 <= sent["thinking"]["budget_tokens"] < sent["max_tokens"] <= 2000


LONG_TEXT = ["lorem ipsum dolor sit amet " * 20] * 3  # ~180 tokens per piece, as estimated


@pytest.mark.parametrize("how", ["client_hangs_up", "provider_breaks"])
async def test_native_stream_cut_short_is_billed_for_what_was_delivered(rig, how: str) -> None:
    """message_start carries a placeholder output_tokens (1): a native stream that ends before
    message_delta must be billed for the text delivered, not for that placeholder."""
    r = await rig(native=True, chat=False, options=relay_options(disconnect_grace=0.3))
    r.native.scenario.text = LONG_TEXT
    body = dict(MESSAGES_BODY, max_tokens=2000, stream=True)
    if how == "client_hangs_up":
        r.native.pause_before = {6: asyncio.Event()}  # stalls after the three text deltas
        async with aiohttp.ClientSession() as session:
            resp = await session.post(f"{r.h.base_url}/messages", json=body,
                                      headers=r.headers(**VERSION))
            received = b""
            while received.count(b"text_delta") < 3:
                received += await asyncio.wait_for(resp.content.readany(), timeout=10)
            resp.close()
    else:
        r.native.scenario.break_after_events = 6  # the connection drops after the deltas
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{r.h.base_url}/messages", json=body,
                                    headers=r.headers(**VERSION)) as resp:
                received = await resp.read()
        assert received.count(b"text_delta") == 3 and b"event: error" in received
    row = await r.last_log()
    delivered = 3 * metering.text_tokens(LONG_TEXT[0])
    assert row.completion_tokens >= delivered, (row.completion_tokens, row.estimated)
    assert row.cost_micros >= price(0, 0, delivered)
