"""Streaming behaviour: no added lag, broken streams, client disconnects, estimates."""

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from app.metering import estimate_prompt_tokens, text_tokens
from app.pricing import Price, cost_micros

PRICE = Price(2_000_000, 500_000, 8_000_000)
BODY: dict[str, Any] = {"model": "m1", "stream": True,
                        "messages": [{"role": "user", "content": "hi"}]}


async def read_events(resp: aiohttp.ClientResponse) -> list[str]:
    """Data payloads of an SSE response, in order."""
    raw = (await resp.read()).decode()
    return [line[len("data: "):] for line in raw.replace("\r\n", "\n").split("\n")
            if line.startswith("data: ")]


def texts(events: list[str]) -> str:
    out = []
    for payload in events:
        if payload == "[DONE]":
            continue
        obj = json.loads(payload)
        for choice in obj.get("choices", []):
            out.append((choice.get("delta") or {}).get("content") or "")
    return "".join(out)


async def wait_for_log(h, count: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Wait (polling a condition, bounded) until the relay settled ``count`` requests."""
    for _ in range(1000):
        await h.settle()
        if len(h.logs()) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("request was never settled")


async def test_event_forwarded_while_upstream_pauses(make_relay) -> None:
    """The client sees event 1 while the upstream is still holding event 2."""
    h = await make_relay(("openai",))
    gate = asyncio.Event()
    h.upstreams["openai"].scenario.pause_before_event = {2: gate}
    headers = {"Authorization": f"Bearer {h.key}"}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers=headers) as resp:
            seen = b""
            while b"Hello" not in seen:
                chunk = await asyncio.wait_for(resp.content.readany(), timeout=10)
                assert chunk, "stream ended before the first content event"
                seen += chunk
            assert not gate.is_set()  # the upstream is still paused before event 2
            assert h.upstreams["openai"].last_request.events_sent == 2
            gate.set()
            rest = await resp.read()
    assert b"data: [DONE]" in seen + rest


async def test_client_disconnect_still_bills_upstream_usage(make_relay) -> None:
    h = await make_relay(("deepseek",))
    up = h.upstreams["deepseek"]
    up.scenario.prompt_tokens, up.scenario.completion_tokens = 40, 30
    gate = asyncio.Event()
    up.scenario.pause_before_event = {2: gate}
    before = h.balance()
    async with aiohttp.ClientSession() as session:
        resp = await session.post(f"{h.base_url}/chat/completions", json=BODY,
                                  headers={"Authorization": f"Bearer {h.key}"})
        await asyncio.wait_for(resp.content.readany(), timeout=10)
        resp.close()  # the user hit "stop" in the chat client
    gate.set()
    await wait_for_log(h)
    assert up.last_request.completed  # the relay kept reading to learn the usage
    (log,) = h.logs()
    assert not log.estimated and (log.prompt_tokens, log.completion_tokens) == (40, 30)
    assert before - h.balance() == cost_micros(40, 0, 30, PRICE)
    h.assert_ledger_consistent()


async def test_upstream_break_mid_stream_sends_error_and_bills_delivered(make_relay) -> None:
    h = await make_relay(("openai",))
    h.upstreams["openai"].scenario.break_after_events = 3  # opening, "Hello", " there"
    before = h.balance()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            assert resp.status == 200
            events = await read_events(resp)
    assert texts(events[:-1]) == "Hello there"
    error = json.loads(events[-1])["error"]
    assert error["code"] == "upstream_stream_broken" and error["message"]
    assert "[DONE]" not in events
    await wait_for_log(h)
    (log,) = h.logs()
    delivered = text_tokens("Hello") + text_tokens(" there")
    expected = cost_micros(estimate_prompt_tokens(BODY), 0, delivered, PRICE)
    assert log.estimated and log.completion_tokens == delivered and log.status == 502
    assert before - h.balance() == expected == log.cost_micros


async def test_stream_without_usage_is_billed_as_estimate(make_relay) -> None:
    h = await make_relay(("deepseek",))
    h.upstreams["deepseek"].scenario.omit_usage = True
    h.upstreams["deepseek"].scenario.reasoning = []
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            events = await read_events(resp)
    assert events[-1] == "[DONE]" and texts(events) == "Hello there!"
    await wait_for_log(h)
    (log,) = h.logs()
    completion = sum(text_tokens(t) for t in ("Hello", " there", "!"))
    assert log.estimated and log.completion_tokens == completion
    assert log.cost_micros == cost_micros(estimate_prompt_tokens(BODY), 0, completion, PRICE)


async def test_split_reads_crlf_and_keepalives(make_relay) -> None:
    h = await make_relay(("deepseek",))
    sc = h.upstreams["deepseek"].scenario
    sc.split_writes, sc.split_size, sc.crlf, sc.keepalive = True, 7, True, True
    sc.prompt_tokens, sc.completion_tokens = 9, 4
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            raw = (await resp.read()).decode()
    assert ": ping" not in raw and "\nevent:" not in raw
    assert raw.endswith("data: [DONE]\n\n")
    payloads = [line[6:] for line in raw.split("\n") if line.startswith("data: ")]
    assert texts(payloads) == "Hello there!"
    await wait_for_log(h)
    (log,) = h.logs()
    assert (log.prompt_tokens, log.completion_tokens, log.estimated) == (9, 4, False)


async def test_cached_tokens_billed_at_cached_price(make_relay) -> None:
    """DeepSeek reports cache hits as prompt_cache_hit_tokens; they cost the cached price."""
    h = await make_relay(("deepseek",))
    sc = h.upstreams["deepseek"].scenario
    sc.prompt_tokens, sc.cached_tokens, sc.completion_tokens = 1000, 600, 10
    before = h.balance()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            await resp.read()
    await wait_for_log(h)
    # 400 x 2 + 600 x 0.5 + 10 x 8 = 800 + 300 + 80 = 1180 micro-units
    assert before - h.balance() == 1180
    (log,) = h.logs()
    assert log.cached_tokens == 600


async def test_a_finished_stream_leaves_nothing_behind(make_relay) -> None:
    """A finished stream's write watch is cancelled with it: a timer left for the write
    timeout kept every stream (and its request) alive 30 s longer, tens of thousands of them
    under load, and their collection stalled the relay for hundreds of milliseconds."""
    import gc

    from relay.streaming import StreamRelay

    def streams() -> set[int]:
        return {id(o) for o in gc.get_objects() if isinstance(o, StreamRelay)}

    # One from an earlier test may be held by a library's shared exception instance (its last
    # traceback): a single object, not a growing leak.
    gc.collect()
    before = streams()
    h = await make_relay(("openai",))
    async with h.client() as client:
        stream = await client.chat.completions.create(model="m1", messages=[
            {"role": "user", "content": "hi"}], stream=True)
        async for _ in stream:
            pass
    await h.settle()
    gc.collect()
    assert streams() - before == set()


@pytest.mark.parametrize("kind", ["openai", "deepseek"])
async def test_chunks_carry_no_usage_null_unless_the_client_asked(make_relay, kind: str) -> None:
    """The relay asks these providers for usage on every stream (to bill it); they then mark
    every chunk "usage": null. A client that did not ask sees chunks as OpenAI sends them
    without it: no "usage": null (DeepSeek's own usage on its finish chunk stays)."""
    h = await make_relay((kind,))
    headers = {"Authorization": f"Bearer {h.key}"}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers=headers) as resp:
            plain = [json.loads(e) for e in await read_events(resp) if e != "[DONE]"]
        asked = dict(BODY, stream_options={"include_usage": True})
        async with session.post(f"{h.base_url}/chat/completions", json=asked,
                                headers=headers) as resp:
            with_usage = [json.loads(e) for e in await read_events(resp) if e != "[DONE]"]
    assert plain and all(chunk.get("usage", "absent") is not None for chunk in plain)
    assert texts([json.dumps(c) for c in plain]) == "Hello there!"
    assert [c["usage"] is None for c in with_usage] == [True] * (len(with_usage) - 1) + [False]


async def test_streams_keep_the_connection_alive(make_relay) -> None:
    """A stream ends without closing its connection: the next request reuses it (no new TCP or
    TLS handshake per streamed request)."""
    h = await make_relay(("openai",))
    opened: list[object] = []

    async def on_create(session: object, context: object, params: object) -> None:
        opened.append(params)

    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(on_create)
    headers = {"Authorization": f"Bearer {h.key}"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1),
                                     trace_configs=[trace]) as session:
        for body in (BODY, BODY, dict(BODY, stream=False), BODY):
            async with session.post(f"{h.base_url}/chat/completions", json=body,
                                    headers=headers) as resp:
                assert resp.status == 200
                assert resp.headers.get("Connection", "").lower() != "close"
                await resp.read()
    assert len(opened) == 1
