"""/v1/messages passed through to a provider with an Anthropic base URL (the strict Anthropic
fake): byte-exact bodies both ways, the provider's key and the client's anthropic-* headers,
model mapping, streams with tools, and count_tokens answered by the provider."""

import json
from typing import Any

import aiohttp

from tests.relay.protocols.conftest import MODEL, WEATHER_ARGS, WEATHER_TOOL, price

HI = [{"role": "user", "content": "What is the weather in Paris?"}]
VERSION = {"anthropic-version": "2023-06-01"}


async def test_body_passes_through_byte_exact_both_ways(rig) -> None:
    r = await rig(native=True)
    # Odd spacing, key order and an escape: anything re-encoded would differ.
    raw = (b'{ "messages": [{"role":"user","content":"caf\\u00e9"}],\n "max_tokens": 64,'
           b' "model": "m1", "metadata": {"user_id": "u-1"} }')
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/messages", data=raw, headers={
                "x-api-key": r.h.key, "anthropic-version": "2023-06-01",
                "content-type": "application/json"}) as resp:
            assert resp.status == 200
            answer = await resp.read()
    sent = r.native.last_request
    assert sent.path == "/anthropic/v1/messages" and sent.body == raw
    body = json.loads(answer)
    assert body["content"] == [{"type": "text", "text": "Hello there!"}]
    assert body["usage"]["input_tokens"] == 21 and body["usage"]["output_tokens"] == 3
    assert json.loads(answer) == body and b"msg_" in answer  # the provider's own answer
    row = await r.last_log()
    assert (row.endpoint, row.provider, row.status) == ("/v1/messages", "native-1", 200)


async def test_stream_events_pass_through_unchanged(rig) -> None:
    r = await rig(native=True)
    payload = {"model": MODEL, "max_tokens": 64, "stream": True, "messages": HI}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/messages", json=payload,
                                headers={"x-api-key": r.h.key,
                                         "anthropic-version": "2023-06-01"}) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/event-stream")
            received = await resp.read()
    events = r.native.last_request.events
    names = ["message_start", "content_block_start", "ping", "content_block_delta",
             "content_block_delta", "content_block_delta", "content_block_stop",
             "message_delta", "message_stop"]
    expected = b"".join(b"event: " + name.encode() + b"\ndata: " + data + b"\n\n"
                        for name, data in zip(names, events, strict=True))
    assert received == expected


async def test_provider_key_and_anthropic_headers_go_upstream(rig) -> None:
    r = await rig(native=True)
    beta = "prompt-caching-2024-07-31,interleaved-thinking-2025-05-14"
    async with r.anthropic(default_headers={"anthropic-beta": beta}) as client:
        message = await client.messages.create(model=MODEL, max_tokens=64, messages=HI)
        version = client.default_headers["anthropic-version"]
    assert message.content[0].text == "Hello there!"
    headers = r.native.last_request.headers
    assert headers["x-api-key"] == "sk-ant-up"
    assert headers["anthropic-version"] == version
    assert headers["anthropic-beta"] == beta
    assert "Authorization" not in headers
    assert r.h.key not in str(dict(headers)) + r.native.last_request.body.decode()
    async with r.anthropic(bearer=True) as client:  # the user's key as a Bearer token
        await client.messages.create(model=MODEL, max_tokens=64, messages=HI,
                                     extra_headers={"anthropic-version": "2099-01-01"})
    assert r.native.last_request.headers["anthropic-version"] == "2099-01-01"
    assert r.native.last_request.headers["x-api-key"] == "sk-ant-up"


async def test_mapped_model_and_the_rest_of_the_body_unchanged(rig) -> None:
    r = await rig(native=True, upstream_model="deepseek-v4-pro")
    async with r.anthropic() as client:
        message = await client.messages.create(model=MODEL, max_tokens=64, messages=HI,
                                               system="Be brief.", stop_sequences=["END"])
    assert message.content[0].text == "Hello there!"
    sent = r.native.last_request.json
    assert sent == {"model": "deepseek-v4-pro", "max_tokens": 64, "messages": HI,
                    "system": "Be brief.", "stop_sequences": ["END"]}
    row = await r.last_log()
    assert (row.model, row.upstream_model) == (MODEL, "deepseek-v4-pro")


async def test_stream_with_tools_and_tool_result_round_trip(rig) -> None:
    r = await rig(native=True)
    r.native.scenario.tool_use = {"name": "get_weather", "input": WEATHER_ARGS}
    r.native.scenario.tool_preamble = ["Let me ", "check."]
    async with r.anthropic() as client:
        async with client.messages.stream(model=MODEL, max_tokens=300, messages=HI,
                                          tools=[WEATHER_TOOL]) as stream:
            preamble = [piece async for piece in stream.text_stream]
            called = await stream.get_final_message()
        assert preamble == ["Let me ", "check."]
        assert called.stop_reason == "tool_use"
        (call,) = [b for b in called.content if b.type == "tool_use"]
        assert (call.name, call.input) == ("get_weather", WEATHER_ARGS)
        history: list[Any] = [*HI, {"role": "assistant", "content": called.content},
                              {"role": "user", "content": [
                                  {"type": "tool_result", "tool_use_id": call.id,
                                   "content": "sunny"}]}]
        async with client.messages.stream(model=MODEL, max_tokens=300, messages=history,
                                          tools=[WEATHER_TOOL]) as stream:
            final = await stream.get_final_message()
    assert final.stop_reason == "end_turn" and final.content[0].text == "Hello there!"
    assert r.native.last_request.rejected is None  # the strict fake took both turns
    await r.h.settle()
    rows = r.h.logs()
    assert [(row.endpoint, row.stream, row.status) for row in rows] == [
        ("/v1/messages", True, 200)] * 2
    # the tool turn: 2 preamble pieces + 3 pieces of the input's JSON; 21 input tokens
    assert [row.cost_micros for row in rows] == [price(21, 0, 5), price(21, 0, 3)]


async def test_count_tokens_is_the_providers_number_and_free(rig) -> None:
    r = await rig(native=True, upstream_model="deepseek-v4-pro")
    r.native.scenario.count_tokens = 1234
    before = r.h.balance()
    async with r.anthropic(default_headers={"anthropic-beta": "token-counting-2024-11-01"}
                           ) as client:
        counted = await client.messages.count_tokens(model=MODEL, messages=HI,
                                                     tools=[WEATHER_TOOL])
    assert counted.input_tokens == 1234
    sent = r.native.last_request
    assert sent.path == "/anthropic/v1/messages/count_tokens"
    assert sent.json["model"] == "deepseek-v4-pro" and sent.json["messages"] == HI
    assert sent.headers["x-api-key"] == "sk-ant-up"
    assert sent.headers["anthropic-beta"] == "token-counting-2024-11-01"
    await r.h.settle()
    assert r.h.balance() == before and r.h.logs() == []


async def test_count_tokens_falls_back_to_the_relays_bound_when_the_provider_fails(rig) -> None:
    r = await rig(native=True)
    r.native.scenario.fail_with = "api_error"
    async with r.anthropic() as client:
        counted = await client.messages.count_tokens(model=MODEL, messages=HI)
    assert counted.input_tokens > 0
    assert r.native.last_request.path == "/anthropic/v1/messages/count_tokens"
    assert r.native.last_request.status == 500


async def test_a_client_without_anthropic_version_gets_the_default_sent_upstream(rig) -> None:
    r = await rig(native=True)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/messages", headers={"x-api-key": r.h.key},
                                json={"model": MODEL, "max_tokens": 64, "messages": HI}) as resp:
            assert resp.status == 200  # the provider requires the header: the relay adds it
    assert r.native.last_request.headers["anthropic-version"] == "2023-06-01"
    assert "anthropic-beta" not in r.native.last_request.headers


async def test_claude_codes_query_reaches_the_provider(rig) -> None:
    """Claude Code posts to /v1/messages?beta=true: the query goes on with the body."""
    r = await rig(native=True)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/messages?beta=true",
                                headers={"x-api-key": r.h.key, **VERSION},
                                json={"model": MODEL, "max_tokens": 64, "messages": HI}) as resp:
            assert resp.status == 200
    sent = r.native.last_request
    assert (sent.path, sent.query) == ("/anthropic/v1/messages", "beta=true")

