"""The anthropic SDK against /v1/messages on a chat-only provider: the relay translates to Chat
Completions and back (text, tools, tool results, streams, count_tokens, both auth styles)."""

from typing import Any

import aiohttp

from app import metering
from relay.protocols import anthropic as translation
from tests.relay.protocols.conftest import MODEL, WEATHER_ARGS, WEATHER_TOOL, price

HI = [{"role": "user", "content": "What is the weather in Paris?"}]


async def test_create_text_is_translated_both_ways(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    async with r.anthropic() as client:
        message = await client.messages.create(
            model=MODEL, max_tokens=200, system="Be brief.", messages=HI, stop_sequences=["END"],
            extra_body={"temperature": 0.5})  # this SDK version has no temperature argument
    assert message.type == "message" and message.role == "assistant"
    assert message.model == MODEL and message.id.startswith("msg_")
    assert [b.type for b in message.content] == ["text"]
    assert message.content[0].text == "Hello there!"
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (12, 3)
    sent = r.chat.last_request.json
    assert sent["model"] == MODEL and sent["max_tokens"] == 200 and sent["temperature"] == 0.5
    assert sent["stop"] == ["END"]
    assert sent["messages"] == [{"role": "system", "content": "Be brief."},
                                {"role": "user", "content": HI[0]["content"]}]
    assert "stream" not in sent or sent["stream"] is False
    row = await r.last_log()
    assert (row.endpoint, row.status, row.provider) == ("/v1/messages", 200, "chat-1")
    assert row.cost_micros == price(12, 0, 3)


async def test_reasoning_becomes_a_thinking_block_before_the_text(rig) -> None:
    r = await rig()  # DeepSeek's fake thinks first
    async with r.anthropic() as client:
        message = await client.messages.create(model=MODEL, max_tokens=200, messages=HI)
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.content[0].thinking == "The user greets me. I reply."
    assert message.content[1].text == "Hello there!"


async def test_tool_use_then_tool_result_round_trip(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.tool_calls = [{"name": "get_weather", "arguments": WEATHER_ARGS}]
    async with r.anthropic() as client:
        first = await client.messages.create(model=MODEL, max_tokens=300, messages=HI,
                                             tools=[WEATHER_TOOL])
        assert first.stop_reason == "tool_use"
        (call,) = [b for b in first.content if b.type == "tool_use"]
        assert (call.name, call.input) == ("get_weather", WEATHER_ARGS)
        assert call.id.startswith("call_")  # the provider's id, kept for the round trip
        sent = r.chat.last_request.json
        assert sent["tools"] == [{"type": "function", "function": {
            "name": "get_weather", "description": WEATHER_TOOL["description"],
            "parameters": WEATHER_TOOL["input_schema"]}}]
        history: list[Any] = [*HI, {"role": "assistant", "content": first.content},
                              {"role": "user", "content": [
                                  {"type": "tool_result", "tool_use_id": call.id,
                                   "content": "18 degrees, sunny"}]}]
        second = await client.messages.create(model=MODEL, max_tokens=300, messages=history,
                                              tools=[WEATHER_TOOL])
    assert second.stop_reason == "end_turn"
    assert [b.text for b in second.content if b.type == "text"] == ["Hello there!"]
    turns = r.chat.last_request.json["messages"]
    assistant = turns[-2]
    assert assistant["role"] == "assistant"
    assert [(c["id"], c["function"]["name"]) for c in assistant["tool_calls"]] == [
        (call.id, "get_weather")]
    assert translation.tool_input(assistant["tool_calls"][0]["function"]["arguments"]) == (
        WEATHER_ARGS)
    assert turns[-1] == {"role": "tool", "tool_call_id": call.id, "content": "18 degrees, sunny"}
    await r.h.settle()
    assert [row.endpoint for row in r.h.logs()] == ["/v1/messages"] * 2


async def test_stream_with_tools_final_message_and_text_stream(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.tool_calls = [{"name": "get_weather", "arguments": WEATHER_ARGS}]
    async with r.anthropic() as client:
        async with client.messages.stream(model=MODEL, max_tokens=300, messages=HI,
                                          tools=[WEATHER_TOOL]) as stream:
            kinds = [event.type async for event in stream]
            called = await stream.get_final_message()
        assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
        assert "content_block_start" in kinds and "message_delta" in kinds
        assert r.chat.last_request.json["stream"] is True
        assert called.stop_reason == "tool_use"
        (call,) = [b for b in called.content if b.type == "tool_use"]
        assert (call.name, call.input) == ("get_weather", WEATHER_ARGS)
        assert called.usage.output_tokens == 3
        history: list[Any] = [*HI, {"role": "assistant", "content": called.content},
                              {"role": "user", "content": [
                                  {"type": "tool_result", "tool_use_id": call.id,
                                   "content": "sunny"}]}]
        async with client.messages.stream(model=MODEL, max_tokens=300, messages=history,
                                          tools=[WEATHER_TOOL]) as stream:
            text = [piece async for piece in stream.text_stream]
            final = await stream.get_final_message()
    assert text == ["Hello", " there", "!"]
    assert final.stop_reason == "end_turn" and final.content[-1].text == "Hello there!"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (12, 3)
    await r.h.settle()
    rows = r.h.logs()
    assert [(row.endpoint, row.stream, row.status) for row in rows] == [
        ("/v1/messages", True, 200)] * 2
    assert [row.cost_micros for row in rows] == [price(12, 0, 3)] * 2


async def test_count_tokens_is_the_relays_bound_and_free(rig) -> None:
    r = await rig()
    body: dict[str, Any] = {"model": MODEL, "system": "Be brief.", "messages": HI,
                            "tools": [WEATHER_TOOL]}
    before = r.h.balance()
    async with r.anthropic() as client:
        counted = await client.messages.count_tokens(**body)
    assert counted.input_tokens == metering.prompt_upper_bound(
        translation.to_chat(body, for_count=True))
    assert counted.input_tokens > 0
    assert r.chat.requests == []  # a chat-only provider has nothing to ask
    await r.h.settle()
    assert r.h.balance() == before and r.h.logs() == []


async def test_bearer_auth_and_anthropic_headers_are_accepted(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    async with r.anthropic(bearer=True) as client:
        message = await client.messages.create(
            model=MODEL, max_tokens=50, messages=HI,
            extra_headers={"anthropic-beta": "interleaved-thinking-2025-05-14",
                           "anthropic-version": "2023-06-01"})
    assert message.content[0].text == "Hello there!"
    sent = r.chat.last_request
    assert sent.headers["Authorization"] == f"Bearer {r.chat.api_key}"
    assert "anthropic-beta" not in sent.headers and "x-api-key" not in sent.headers
    assert r.h.key not in sent.body.decode() + str(dict(sent.headers))
    async with r.anthropic() as client:  # x-api-key, as Claude Code sends it
        again = await client.messages.create(model=MODEL, max_tokens=50, messages=HI)
    assert again.content[0].text == "Hello there!"
    await r.h.settle()
    assert [row.status for row in r.h.logs()] == [200, 200]


async def test_every_prefix_serves_the_new_routes_and_logs_one_route_name(rig) -> None:
    """A base URL pasted with or without /v1 (or with it twice) still reaches each route."""
    r = await rig()
    r.chat.scenario.reasoning = []
    bodies = {"/messages": {"model": MODEL, "max_tokens": 20, "messages": HI},
              "/responses": {"model": MODEL, "input": "hi"},
              "/completions": {"model": MODEL, "prompt": "def f(", "max_tokens": 20}}
    headers = {"x-api-key": r.h.key, "anthropic-version": "2023-06-01"}
    async with aiohttp.ClientSession() as session:
        for prefix in ("", "/v1", "/v1/v1"):
            for path, body in bodies.items():
                async with session.post(f"{r.root}{prefix}{path}", json=body,
                                        headers=headers) as resp:
                    assert resp.status == 200, (prefix, path, await resp.text())
    await r.h.settle()
    assert [row.endpoint for row in r.h.logs()] == [
        "/v1/messages", "/v1/responses", "/v1/completions"] * 3

