"""The openai-agents SDK's default model (OpenAIResponsesModel: /v1/responses) through the
relay: an agent calls one function tool and answers, over a chat-only provider (translated)
and over a Responses-native one. Tracing is off: nothing leaves the machine."""

from collections.abc import Iterator

import agents
import pytest
from agents import Agent, OpenAIResponsesModel, Runner, function_tool

from tests.relay.protocols.conftest import MODEL, WEATHER_ARGS, price

QUESTION = "What is the weather in Paris?"
FORECAST = "18 degrees and sunny"


@pytest.fixture(autouse=True)
def no_tracing() -> Iterator[None]:
    agents.set_tracing_disabled(True)  # the SDK would otherwise upload traces to OpenAI
    yield
    agents.set_tracing_disabled(False)


def weather_agent(client: object, asked: list[str]) -> Agent:
    @function_tool
    def get_weather(city: str) -> str:
        """The weather in a city."""
        asked.append(city)
        return FORECAST

    model = OpenAIResponsesModel(model=MODEL, openai_client=client)  # type: ignore[arg-type]
    return Agent(name="weather", instructions="Answer briefly.", model=model,
                 tools=[get_weather])


async def test_agent_tool_round_trip_over_a_chat_only_provider(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.tool_calls = [{"name": "get_weather", "arguments": WEATHER_ARGS}]
    asked: list[str] = []
    async with r.openai() as client:
        result = await Runner.run(weather_agent(client, asked), QUESTION)
    assert result.final_output == "Hello there!"
    assert asked == ["Paris"]
    first, second = (req.json for req in r.chat.requests)
    assert [t["function"]["name"] for t in first["tools"]] == ["get_weather"]
    assert first["messages"][0] == {"role": "system", "content": "Answer briefly."}
    call_id = second["messages"][-2]["tool_calls"][0]["id"]
    assert second["messages"][-1] == {"role": "tool", "tool_call_id": call_id,
                                      "content": FORECAST}
    await r.h.settle()
    rows = r.h.logs()
    assert [(row.endpoint, row.status) for row in rows] == [("/v1/responses", 200)] * 2
    assert sum(row.cost_micros for row in rows) == 2 * price(12, 0, 3)
    r.h.assert_ledger_consistent()


async def test_agent_tool_round_trip_over_a_responses_native_provider(rig) -> None:
    r = await rig(responses=True)
    r.responses.scenario.function_call = {"name": "get_weather", "arguments": WEATHER_ARGS}
    asked: list[str] = []
    async with r.openai() as client:
        result = await Runner.run(weather_agent(client, asked), QUESTION)
    assert result.final_output == "Hello there!"
    assert asked == ["Paris"]
    assert len(r.responses.requests) == 2 and r.chat.requests == []
    second = r.responses.requests[1].json
    outputs = [item for item in second["input"] if item.get("type") == "function_call_output"]
    assert [item["output"] for item in outputs] == [FORECAST]
    assert all(req.json["store"] is False and req.rejected is None
               for req in r.responses.requests)
    await r.h.settle()
    rows = r.h.logs()
    assert [(row.endpoint, row.provider) for row in rows] == [
        ("/v1/responses", "responses-1")] * 2
    # the fake: 17 input tokens; 3 argument pieces, then 3 text pieces
    assert [row.cost_micros for row in rows] == [price(17, 0, 3)] * 2


async def test_streamed_agent_run_over_a_chat_only_provider(rig) -> None:
    r = await rig()
    r.chat.scenario.reasoning = []
    r.chat.scenario.tool_calls = [{"name": "get_weather", "arguments": WEATHER_ARGS}]
    asked: list[str] = []
    async with r.openai() as client:
        run = Runner.run_streamed(weather_agent(client, asked), QUESTION)
        kinds = [event.type async for event in run.stream_events()]
    assert run.final_output == "Hello there!" and asked == ["Paris"]
    assert "raw_response_event" in kinds and "run_item_stream_event" in kinds
    assert all(req.json["stream"] is True for req in r.chat.requests)
    await r.h.settle()
    assert [(row.stream, row.status) for row in r.h.logs()] == [(True, 200)] * 2
