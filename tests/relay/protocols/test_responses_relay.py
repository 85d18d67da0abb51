"""The openai SDK's Responses API through the relay's /v1/responses: translated to Chat
Completions for a chat-only provider, passed through to a Responses-native one; nothing stored
(previous_response_id refused, store sent upstream as false)."""

import json
from typing import Any

import openai
import pytest

from tests.relay.protocols.conftest import MODEL, WEATHER_ARGS, WEATHER_FUNCTION, price

QUESTION = "What is the weather in Paris?"
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}},
          "required": ["city"], "additionalProperties": False}


async def test_create_text_translated(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    async with r.openai() as client:
        response = await client.responses.create(model=MODEL, input=QUESTION,
                                                 instructions="Be brief.", max_output_tokens=90,
                                                 temperature=0.3)
    assert response.status == "completed" and response.output_text == "Hello there!"
    assert response.id.startswith("resp_") and response.model == MODEL
    assert response.store is False
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (12, 3)
    sent = r.chat.last_request.json
    assert sent["messages"] == [{"role": "system", "content": "Be brief."},
                                {"role": "user", "content": QUESTION}]
    assert (sent["max_tokens"], sent["temperature"]) == (90, 0.3)
    row = await r.last_log()
    assert (row.endpoint, row.provider, row.status, row.stream) == (
        "/v1/responses", "chat-1", 200, False)
    assert row.cost_micros == price(12, 0, 3)


async def test_function_call_round_trip_translated(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.tool_calls = [{"name": "get_weather", "arguments": WEATHER_ARGS}]
    async with r.openai() as client:
        first = await client.responses.create(model=MODEL, input=QUESTION,
                                              tools=[WEATHER_FUNCTION])
        (call,) = [item for item in first.output if item.type == "function_call"]
        assert call.name == "get_weather" and json.loads(call.arguments) == WEATHER_ARGS
        assert r.chat.last_request.json["tools"] == [{"type": "function", "function": {
            "name": "get_weather", "description": WEATHER_FUNCTION["description"],
            "parameters": WEATHER_FUNCTION["parameters"], "strict": False}}]
        history: list[Any] = [{"role": "user", "content": QUESTION},
                              {"type": "function_call", "call_id": call.call_id,
                               "name": call.name, "arguments": call.arguments},
                              {"type": "function_call_output", "call_id": call.call_id,
                               "output": "18 degrees"}]
        second = await client.responses.create(model=MODEL, input=history,
                                               tools=[WEATHER_FUNCTION])
    assert second.output_text == "Hello there!"
    turns = r.chat.last_request.json["messages"]
    assert turns[-2]["tool_calls"][0]["id"] == call.call_id
    assert turns[-1] == {"role": "tool", "tool_call_id": call.call_id, "content": "18 degrees"}


async def test_json_schema_text_format(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.content = ['{"city":', ' "Paris"}']
    async with r.openai() as client:
        response = await client.responses.create(
            model=MODEL, input=QUESTION,
            text={"format": {"type": "json_schema", "name": "weather", "schema": SCHEMA,
                             "strict": True}})
    assert json.loads(response.output_text) == {"city": "Paris"}
    assert r.chat.last_request.json["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "weather", "schema": SCHEMA, "strict": True}}


async def test_stream_events_numbered_in_order(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    async with r.openai() as client:
        stream = await client.responses.create(model=MODEL, input=QUESTION, stream=True)
        events = [event async for event in stream]
    kinds = [event.type for event in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    for expected in ("response.output_item.added", "response.content_part.added",
                     "response.output_text.done", "response.output_item.done"):
        assert expected in kinds
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert deltas == ["Hello", " there", "!"]
    final = events[-1].response
    assert final.usage is not None and final.usage.output_tokens == 3
    assert r.chat.last_request.json["stream"] is True
    row = await r.last_log()
    assert (row.endpoint, row.stream, row.status) == ("/v1/responses", True, 200)
    assert row.cost_micros == price(12, 0, 3)


async def test_stream_helper_final_response_with_a_function_call(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.tool_calls = [{"name": "get_weather", "arguments": WEATHER_ARGS}]
    async with r.openai() as client:
        async with client.responses.stream(model=MODEL, input=QUESTION,
                                           tools=[WEATHER_FUNCTION]) as stream:
            argument_deltas = [e.delta async for e in stream
                               if e.type == "response.function_call_arguments.delta"]
            final = await stream.get_final_response()
    assert "".join(argument_deltas) == json.dumps(WEATHER_ARGS)
    (call,) = final.output
    assert call.type == "function_call" and call.name == "get_weather"
    assert json.loads(call.arguments) == WEATHER_ARGS


async def test_previous_response_id_is_refused_naming_privacy(rig) -> None:
    r = await rig(responses=True)
    async with r.openai() as client:
        with pytest.raises(openai.BadRequestError) as refused:
            await client.responses.create(model=MODEL, input="and then?",
                                          previous_response_id="resp_abc")
    assert refused.value.status_code == 400
    assert "privacy" in refused.value.message and "previous_response_id" in refused.value.message
    assert refused.value.param == "previous_response_id"
    assert r.chat.requests == [] and r.responses.requests == []  # refused before any provider


async def test_store_true_is_accepted_and_the_native_provider_gets_store_false(rig) -> None:
    r = await rig(responses=True)
    async with r.openai() as client:
        response = await client.responses.create(model=MODEL, input=QUESTION, store=True,
                                                 max_output_tokens=50)
        assert response.output_text == "Hello there!"
        stream = await client.responses.create(model=MODEL, input=QUESTION, store=True,
                                               stream=True, max_output_tokens=50)
        events = [event async for event in stream]
    assert events[-1].type == "response.completed"
    assert [req.json["store"] for req in r.responses.requests] == [False, False]
    assert r.responses.requests[-1].headers["Authorization"] == "Bearer sk-resp-up"
    assert r.chat.requests == []
    await r.h.settle()
    assert [(row.provider, row.endpoint) for row in r.h.logs()] == [
        ("responses-1", "/v1/responses")] * 2


async def test_store_true_on_a_chat_only_provider_sends_no_store(rig) -> None:
    r = await rig()
    async with r.openai() as client:
        response = await client.responses.create(model=MODEL, input=QUESTION, store=True)
    assert response.output_text == "Hello there!" and response.store is False
    assert "store" not in r.chat.last_request.json


async def test_native_stream_and_function_call_pass_through(rig) -> None:
    r = await rig(responses=True, upstream_model="gpt-up")
    r.responses.scenario.function_call = {"name": "get_weather", "arguments": WEATHER_ARGS}
    async with r.openai() as client:
        async with client.responses.stream(model=MODEL, input=QUESTION,
                                           tools=[WEATHER_FUNCTION]) as stream:
            numbers = [e.sequence_number async for e in stream]
            final = await stream.get_final_response()
    assert numbers == list(range(len(numbers)))
    (call,) = final.output
    assert call.type == "function_call" and json.loads(call.arguments) == WEATHER_ARGS
    sent = r.responses.last_request
    assert sent.json["model"] == "gpt-up" and sent.json["tools"] == [WEATHER_FUNCTION]
    assert sent.rejected is None
