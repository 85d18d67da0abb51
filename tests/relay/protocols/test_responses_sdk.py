"""The translated answers as the official openai SDK reads them: a tiny aiohttp server on
loopback serves from_chat / ResponsesStream output for canned chat answers, and the SDK's
parsed objects are checked (plain, streamed, and the ``responses.stream`` helper)."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai
import pytest
from aiohttp import web

from app.metering import Usage
from relay.protocols.responses import from_chat, to_chat
from relay.protocols.responses_stream import ResponsesStream

SAMPLES = Path(__file__).parent / "samples"
STREAM = json.loads((SAMPLES / "responses_chat_stream.json").read_text())
ANSWER = json.loads((SAMPLES / "responses_chat_answer.json").read_text())
EXEC = {"type": "function", "name": "exec_command", "strict": True,
        "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}},
                       "required": ["cmd"], "additionalProperties": False}}
PATCH = {"type": "custom", "name": "apply_patch", "description": "Edit files."}


@dataclass
class Upstream:
    """What the fake relay answers with, and the requests it saw (as chat requests)."""

    chunks: list[dict[str, Any]] = field(default_factory=lambda: STREAM["chunks"])
    usage: Usage | None = field(default_factory=lambda: Usage(**STREAM["usage"]))
    incomplete: str | None = None
    fail: bool = False
    seen: list[dict[str, Any]] = field(default_factory=list)


async def handle(request: web.Request) -> web.StreamResponse:
    upstream: Upstream = request.app[UPSTREAM]
    body = await request.json()
    upstream.seen.append(to_chat(body))
    if not body.get("stream"):
        return web.json_response(from_chat(ANSWER, body, "resp_n1", 1700000000, body["model"]))
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    stream = ResponsesStream(body, "resp_s1", 1700000000, body["model"])
    for chunk in upstream.chunks:
        await response.write(stream.feed(chunk))
    if upstream.fail:
        await response.write(stream.error("server_error", "the upstream broke off"))
    else:
        await response.write(stream.finish(upstream.usage, upstream.incomplete))
    await response.write_eof()
    return response


UPSTREAM = web.AppKey("upstream", Upstream)


@pytest.fixture
async def served() -> AsyncIterator[tuple[openai.AsyncOpenAI, Upstream]]:
    app = web.Application()
    upstream = Upstream()
    app[UPSTREAM] = upstream
    app.router.add_post("/v1/responses", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    client = openai.AsyncOpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="x",
                                max_retries=0)
    try:
        yield client, upstream
    finally:
        await client.close()
        await runner.cleanup()


async def test_a_plain_answer_parses_with_reasoning_text_call_and_usage(served: Any) -> None:
    client, upstream = served
    response = await client.responses.create(model="alias", input="run the tests",
                                             tools=[EXEC], max_output_tokens=500)
    assert upstream.seen[0]["max_tokens"] == 500
    assert response.id == "resp_n1" and response.model == "alias"
    assert response.status == "completed"
    assert response.output_text == "Running the tests."
    reasoning, message, call = response.output
    assert reasoning.type == "reasoning"
    assert reasoning.summary[0].text == "The user wants the tests run."
    assert message.type == "message" and message.role == "assistant"
    assert call.type == "function_call"
    assert (call.call_id, call.name, call.arguments) == (
        "call_1", "exec_command", "{\"cmd\":\"pytest -q\"}")
    assert response.usage is not None
    assert response.usage.input_tokens == 50 and response.usage.output_tokens == 12
    assert response.usage.input_tokens_details.cached_tokens == 32
    assert response.usage.total_tokens == 62
    assert response.max_output_tokens == 500 and response.tools[0].name == "exec_command"


async def test_a_raw_stream_parses_every_event(served: Any) -> None:
    client, _ = served
    stream = await client.responses.create(model="alias", input="hi", tools=[EXEC, PATCH],
                                           stream=True)
    seen = [event async for event in stream]
    assert [e.sequence_number for e in seen] == list(range(len(seen)))
    text = "".join(e.delta for e in seen if e.type == "response.output_text.delta")
    summary = "".join(e.delta for e in seen if e.type == "response.reasoning_summary_text.delta")
    arguments = "".join(e.delta for e in seen
                        if e.type == "response.function_call_arguments.delta")
    assert (text, summary, arguments) == ("Let me look.", "The test fails.",
                                          "{\"cmd\":\"pytest -q\"}")
    completed = seen[-1]
    assert completed.type == "response.completed"
    assert [item.type for item in completed.response.output] == [
        "reasoning", "message", "function_call", "custom_tool_call"]
    custom = completed.response.output[3]
    assert custom.input == "*** Begin Patch\n*** End Patch\n" and custom.call_id == "call_y"
    assert completed.response.usage.input_tokens_details.cached_tokens == 64


async def test_the_stream_helper_gives_the_final_response_with_parsed_arguments(
        served: Any) -> None:
    client, upstream = served
    async with client.responses.stream(model="alias", input="hi", tools=[EXEC, PATCH]) as stream:
        deltas = [event.delta async for event in stream
                  if event.type == "response.output_text.delta"]
        final = await stream.get_final_response()
    assert upstream.seen[0]["stream"] is True
    assert "".join(deltas) == "Let me look." == final.output_text
    call = final.output[2]
    assert call.type == "function_call" and call.parsed_arguments == {"cmd": "pytest -q"}
    assert final.output[3].type == "custom_tool_call"
    assert final.usage is not None and final.usage.output_tokens == 40


async def test_a_cut_stream_reads_as_incomplete(served: Any) -> None:
    client, upstream = served
    upstream.chunks = STREAM["chunks"][:5]
    upstream.incomplete = "max_output_tokens"
    stream = await client.responses.create(model="alias", input="hi", stream=True)
    last = [event async for event in stream][-1]
    assert last.type == "response.incomplete"
    assert last.response.incomplete_details is not None
    assert last.response.incomplete_details.reason == "max_output_tokens"
    assert last.response.output_text == "Let me look."


async def test_a_failed_stream_reads_as_failed_with_its_error(served: Any) -> None:
    client, upstream = served
    upstream.chunks = STREAM["chunks"][:2]
    upstream.fail = True
    stream = await client.responses.create(model="alias", input="hi", stream=True)
    last = [event async for event in stream][-1]
    assert last.type == "response.failed"
    assert last.response.error is not None
    assert (last.response.error.code, last.response.error.message) == (
        "server_error", "the upstream broke off")
