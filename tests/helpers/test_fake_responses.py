"""The Responses-native fake must speak the Responses API as the official SDK parses it, accept
what Codex CLI sends, and refuse what the real API refuses, or pass-through tests prove
nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import openai
import pytest

from tests.helpers.fake_responses import FakeResponses, ResponsesScenario
from tests.helpers.waiting import until

KEY = "sk-resp-fake-1"
EXEC = {"type": "function", "name": "exec_command", "description": "Run a command",
        "strict": False, "parameters": {"type": "object", "properties": {
            "cmd": {"type": "string"}}, "required": ["cmd"], "additionalProperties": False}}


def client(up: FakeResponses, key: str = KEY) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=up.base_url, api_key=key, max_retries=0, timeout=10.0)


async def post(session: aiohttp.ClientSession, up: FakeResponses, body: Any,
               key: str = KEY) -> tuple[int, bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    async with session.post(up.base_url + "/responses", data=data, headers=headers) as resp:
        return resp.status, await resp.read()


def events(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    """(event name, payload) of each SSE event in a response body."""
    found = []
    for block in raw.decode().split("\n\n"):
        if block.strip():
            lines = dict(line.split(": ", 1) for line in block.split("\n"))
            found.append((lines["event"], json.loads(lines["data"])))
    return found


async def test_response_with_usage_and_recorded_request() -> None:
    sc = ResponsesScenario(input_tokens=40, cached_tokens=16, reasoning_tokens=1)
    async with FakeResponses(KEY, scenario=sc) as up, client(up) as c:
        response = await c.responses.create(model="gpt-x", input="hi", instructions="be brief")
    assert response.output_text == "Hello there!" and response.status == "completed"
    assert response.model == "gpt-x" and response.instructions == "be brief"
    usage = response.usage
    assert usage is not None
    assert (usage.input_tokens, usage.input_tokens_details.cached_tokens, usage.output_tokens,
            usage.output_tokens_details.reasoning_tokens, usage.total_tokens) == (40, 16, 3, 1, 43)
    rec = up.last_request
    assert rec.path == "/v1/responses" and rec.status == 200
    assert rec.headers["Authorization"] == f"Bearer {KEY}" and rec.json["input"] == "hi"


async def test_stream_events_are_numbered_in_order(session: aiohttp.ClientSession) -> None:
    async with FakeResponses(KEY) as up:
        status, raw = await post(session, up, {"model": "m", "input": "hi", "stream": True})
    assert status == 200
    stream = events(raw)
    assert [name for name, _ in stream] == [
        "response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added", "response.output_text.delta",
        "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
        "response.content_part.done", "response.output_item.done", "response.completed"]
    assert [p["sequence_number"] for _, p in stream] == list(range(len(stream)))
    assert all(p["type"] == name for name, p in stream)
    assert stream[0][1]["response"]["status"] == "in_progress"
    assert stream[0][1]["response"]["usage"] is None
    done = stream[-1][1]["response"]
    assert done["usage"]["input_tokens"] == 17 and done["usage"]["output_tokens"] == 3
    assert done["output"][0]["content"][0]["text"] == "Hello there!"
    deltas = [p["delta"] for n, p in stream if n == "response.output_text.delta"]
    assert "".join(deltas) == "Hello there!"


async def test_function_call_turn_then_text_once_the_output_is_back() -> None:
    sc = ResponsesScenario(function_call={"name": "exec_command", "arguments": {"cmd": "ls"}},
                           text=["Two", " files."])
    async with FakeResponses(KEY, scenario=sc) as up, client(up) as c:
        async with c.responses.stream(model="m", input="list files",
                                      tools=[EXEC]) as stream:  # type: ignore[list-item]
            seen = [event.type async for event in stream]
            first = await stream.get_final_response()
        assert "response.function_call_arguments.delta" in seen
        assert "response.function_call_arguments.done" in seen
        call = first.output[0]
        assert call.type == "function_call" and call.name == "exec_command"
        assert json.loads(call.arguments) == {"cmd": "ls"}
        assert first.usage is not None and first.usage.output_tokens == 3
        follow_up: list[Any] = [
            {"role": "user", "content": "list files"},
            {"type": "function_call", "call_id": call.call_id, "name": call.name,
             "arguments": call.arguments},
            {"type": "function_call_output", "call_id": call.call_id, "output": "a\nb\n"}]
        async with c.responses.stream(model="m", input=follow_up,
                                      tools=[EXEC]) as stream:  # type: ignore[list-item]
            second = await stream.get_final_response()
        assert second.output_text == "Two files."
        again = await c.responses.create(model="m", input=[*follow_up, {
            "role": "user", "content": "and again?"}])
    assert again.output[0].type == "function_call"  # a new user turn: the tool is asked again
    assert [r.status for r in up.requests] == [200, 200, 200]


async def test_a_codex_shaped_turn_is_accepted(session: aiohttp.ClientSession) -> None:
    """What Codex CLI 0.171 sends: developer messages, input_text parts, function, namespace and
    web_search tools, reasoning, include, store false, prompt_cache_key, client_metadata, and a
    tool round trip."""
    body = {
        "model": "m1", "stream": True,
        "input": [
            {"type": "message", "id": "msg_1", "role": "developer",
             "content": [{"type": "input_text", "text": "<permissions>"}]},
            {"type": "message", "id": "msg_2", "role": "user",
             "content": [{"type": "input_text", "text": "say hi"}]},
            {"type": "function_call", "name": "exec_command",
             "arguments": "{\"cmd\":\"echo hi\"}", "call_id": "call_1"},
            {"type": "function_call_output", "call_id": "call_1", "output": "hi\n"},
        ],
        "tools": [EXEC, {"type": "namespace", "name": "multi_agent_v1", "tools": []},
                  {"type": "web_search", "external_web_access": False}],
        "tool_choice": "auto", "parallel_tool_calls": True, "reasoning": {"summary": "auto"},
        "store": False, "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "01a2", "client_metadata": {"x-codex-window-id": "01a2:0"},
    }
    async with FakeResponses(KEY) as up:
        status, raw = await post(session, up, body)
    assert status == 200, raw
    assert events(raw)[-1][0] == "response.completed"
    assert up.last_request.rejected is None


CALL = {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{}"}
BAD_BODIES: dict[str, Any] = {
    "not json": b"{nope",
    "no model": {"input": "hi"},
    "no input": {"model": "m"},
    "input not text or items": {"model": "m", "input": 5},
    "bad role": {"model": "m", "input": [{"role": "tool", "content": "x"}]},
    "unknown item": {"model": "m", "input": [{"type": "chat_message"}]},
    "unknown content part": {"model": "m", "input": [
        {"role": "user", "content": [{"type": "text", "text": "x"}]}]},
    "call without call_id": {"model": "m", "input": [{**CALL, "call_id": None}]},
    "arguments not a string": {"model": "m", "input": [{**CALL, "arguments": {}}]},
    "output without its call": {"model": "m", "input": [
        {"type": "function_call_output", "call_id": "call_9", "output": "x"}]},
    "previous_response_id": {"model": "m", "input": "hi", "previous_response_id": "resp_1"},
    "max_output_tokens below 16": {"model": "m", "input": "hi", "max_output_tokens": 8},
    "function tool without name": {"model": "m", "input": "hi", "tools": [{"type": "function"}]},
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
async def test_malformed_requests_are_refused(session: aiohttp.ClientSession, name: str) -> None:
    async with FakeResponses(KEY) as up:
        status, raw = await post(session, up, BAD_BODIES[name])
    assert status == 400, raw
    error = json.loads(raw)["error"]
    assert error["type"] == "invalid_request_error"
    assert up.last_request.rejected == error["message"]


async def test_key_is_checked(session: aiohttp.ClientSession) -> None:
    async with FakeResponses(KEY) as up:
        status, raw = await post(session, up, {"model": "m", "input": "hi"}, key="sk-wrong")
        assert status == 401 and json.loads(raw)["error"]["code"] == "invalid_api_key"
        async with client(up, "sk-other") as c:
            with pytest.raises(openai.AuthenticationError):
                await c.responses.create(model="m", input="hi")


@pytest.mark.parametrize(("failure", "status", "error"), [
    ("rate_limit", 429, openai.RateLimitError),
    ("server_error", 500, openai.InternalServerError),
])
async def test_scripted_failures_then_recovery(failure: str, status: int,
                                               error: type[Exception]) -> None:
    sc = ResponsesScenario(fail_with=failure, fail_times=1)  # type: ignore[arg-type]
    async with FakeResponses(KEY, scenario=sc) as up, client(up) as c:
        with pytest.raises(error):
            await c.responses.create(model="m", input="hi")
        ok = await c.responses.create(model="m", input="hi")
    assert ok.output_text == "Hello there!"
    assert [r.status for r in up.requests] == [status, 200]


async def test_failed_in_stream_and_broken_stream(session: aiohttp.ClientSession) -> None:
    async with FakeResponses(KEY, scenario=ResponsesScenario(fail_in_stream=True)) as up:
        status, raw = await post(session, up, {"model": "m", "input": "hi", "stream": True})
        stream = events(raw)
        assert status == 200
        assert [n for n, _ in stream] == ["response.created", "response.in_progress",
                                          "response.failed"]
        assert stream[-1][1]["response"]["error"]["code"] == "server_error"
        up.scenario = ResponsesScenario(break_after_events=3)
        async with session.post(up.base_url + "/responses",
                                json={"model": "m", "input": "hi", "stream": True},
                                headers={"Authorization": f"Bearer {KEY}"}) as resp:
            with pytest.raises(aiohttp.ClientPayloadError):
                await resp.read()
    assert up.last_request.events_sent == 3 and not up.last_request.completed


async def test_a_stream_held_before_an_event_and_a_hang_up_recorded(
        session: aiohttp.ClientSession) -> None:
    async with FakeResponses(KEY) as up:
        gate = asyncio.Event()
        up.pause_before[4] = gate
        async with session.post(up.base_url + "/responses",
                                json={"model": "m", "input": "hi", "stream": True},
                                headers={"Authorization": f"Bearer {KEY}"}) as resp:
            await until(lambda: up.requests and up.last_request.events_sent == 4)
            assert not up.last_request.completed
        await until(lambda: up.last_request.disconnected)  # the client went away while held
        gate.set()
        up.pause_before[2] = asyncio.Event()  # never set: stop() must not wait for it
        async with session.post(up.base_url + "/responses",
                                json={"model": "m", "input": "hi", "stream": True},
                                headers={"Authorization": f"Bearer {KEY}"}) as resp:
            await until(lambda: up.last_request.events_sent == 2)
            await up.stop()
            with pytest.raises(aiohttp.ClientPayloadError):
                await resp.read()
    assert not up.last_request.completed
