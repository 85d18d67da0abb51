"""The translation read by the official anthropic SDK: MessagesStream and from_chat output are
served from a tiny aiohttp server on 127.0.0.1, so any event the SDK cannot parse fails here."""

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anthropic
import pytest
from aiohttp import web
from anthropic.types import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.metering import Usage
from relay.protocols.anthropic import from_chat
from relay.protocols.anthropic_stream import MessagesStream

SAMPLES = Path(__file__).parent / "samples"
STREAM = json.loads((SAMPLES / "anthropic_stream.json").read_text())
RESPONSES = json.loads((SAMPLES / "anthropic_responses.json").read_text())
ASK: dict[str, Any] = {"model": "claude-opus-4-8", "max_tokens": 100,
                       "messages": [{"role": "user", "content": "hi"}]}

# What the server answers: a function of the request body to (JSON body | SSE bytes).
Answer = Callable[[dict[str, Any]], dict[str, Any] | bytes]


class Served:
    """The server's current answer, set by each test before it asks."""

    answer: Answer = staticmethod(lambda body: b"")  # type: ignore[assignment]


@pytest.fixture
async def client() -> AsyncIterator[tuple[anthropic.AsyncAnthropic, type[Served]]]:
    async def messages(request: web.Request) -> web.StreamResponse:
        result = Served.answer(await request.json())
        if isinstance(result, dict):
            return web.json_response(result)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(result)
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_post("/v1/messages", messages)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    sdk = anthropic.AsyncAnthropic(base_url=f"http://127.0.0.1:{port}", api_key="x",
                                   max_retries=0)
    try:
        yield sdk, Served
    finally:
        await sdk.close()
        await runner.cleanup()


def streamed(chunks: list[dict[str, Any]], usage: Usage | None,
             stop_reason: str | None = None) -> bytes:
    stream = MessagesStream(STREAM["model"], STREAM["message_id"], STREAM["input_tokens"])
    return b"".join(stream.feed(c) for c in chunks) + stream.finish(usage, stop_reason)


@pytest.mark.parametrize("sample", RESPONSES, ids=[s["name"] for s in RESPONSES])
async def test_create_reads_the_translated_message(client: Any, sample: dict[str, Any]) -> None:
    sdk, served = client
    served.answer = lambda body: from_chat(sample["chat"], sample["model"], sample["message_id"])
    message = await sdk.messages.create(**ASK)
    assert message == Message.model_validate(sample["message"])


async def test_stream_final_message_has_every_block(client: Any) -> None:
    sdk, served = client
    served.answer = lambda body: streamed(STREAM["chunks"], Usage(**STREAM["finish_usage"]))
    async with sdk.messages.stream(**ASK) as stream:
        final = await stream.get_final_message()
    assert final.model_dump(exclude_none=True) == Message.model_validate({
        "id": "msg_s1", "type": "message", "role": "assistant", "model": "claude-opus-4-8",
        "content": [
            {"type": "thinking", "thinking": "List, then read.", "signature": ""},
            {"type": "text", "text": "Looking now."},
            {"type": "tool_use", "id": "call_0", "name": "Bash", "input": {"command": "ls"}},
            {"type": "tool_use", "id": "call_1", "name": "Read", "input": {"file_path": "a.py"}}],
        "stop_reason": "tool_use", "stop_sequence": None,
        "usage": {"input_tokens": 176, "output_tokens": 41, "cache_read_input_tokens": 1024,
                  "cache_creation_input_tokens": 0}}).model_dump(exclude_none=True)


async def test_text_stream_yields_the_text_and_the_cut_reason(client: Any) -> None:
    sdk, served = client
    served.answer = lambda body: streamed(STREAM["chunks"], None, "max_tokens")
    async with sdk.messages.stream(**ASK) as stream:
        text = "".join([piece async for piece in stream.text_stream])
        final = await stream.get_final_message()
    assert text == "Looking now."
    assert final.stop_reason == "max_tokens"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (900, 0)


async def test_raw_events_stream_through_create(client: Any) -> None:
    sdk, served = client
    served.answer = lambda body: streamed(STREAM["chunks"], Usage(**STREAM["finish_usage"]))
    events = [event.type async for event in await sdk.messages.create(**ASK, stream=True)]
    assert events == [e["type"] for e in STREAM["events"] if e["type"] != "ping"]


async def test_an_error_event_raises_the_sdks_error(client: Any) -> None:
    sdk, served = client

    def failing(body: dict[str, Any]) -> bytes:
        stream = MessagesStream("m", "msg", 1)
        return stream.feed(STREAM["chunks"][3]) + stream.error("overloaded_error", "broke off")

    served.answer = failing
    with pytest.raises(anthropic.APIStatusError) as caught:
        async with sdk.messages.stream(**ASK) as stream:
            await stream.get_final_message()
    assert caught.value.body == {"type": "error", "error": {"type": "overloaded_error",
                                                             "message": "broke off"}}


tool_inputs = st.dictionaries(st.text(max_size=6), st.integers() | st.text(max_size=6)
                              | st.lists(st.booleans(), max_size=3), max_size=3)
answers = st.lists(st.one_of(
    st.tuples(st.sampled_from(["thinking", "text"]), st.text(min_size=1, max_size=20)),
    st.tuples(st.just("tool"), tool_inputs)), max_size=6)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers, st.data())
async def test_sdk_rebuilds_random_answers_exactly(client: Any, parts: list[Any],
                                                   data: st.DataObject) -> None:
    sdk, served = client
    chunks: list[dict[str, Any]] = []
    want: list[dict[str, Any]] = []
    for n, (kind, value) in enumerate(parts):
        if kind == "tool":
            arguments = json.dumps(value)
            cuts = sorted(data.draw(st.lists(st.integers(0, len(arguments)), max_size=3)))
            pieces = [arguments[a:b] for a, b in zip([0, *cuts], [*cuts, len(arguments)],
                                                     strict=True)]
            for i, piece in enumerate(pieces):
                call = {"index": n, "function": {"arguments": piece}}
                if i == 0:
                    call |= {"id": f"call_{n}", "type": "function"}
                    call["function"]["name"] = "f"
                chunks.append({"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]})
            want.append({"type": "tool_use", "id": f"call_{n}", "name": "f", "input": value})
            continue
        field = "reasoning_content" if kind == "thinking" else "content"
        cut = data.draw(st.integers(0, len(value)))
        chunks += [{"choices": [{"index": 0, "delta": {field: piece}}]}
                   for piece in (value[:cut], value[cut:])]
        if want and want[-1]["type"] == kind:
            want[-1][kind] += value
        else:
            want.append({"type": kind, kind: value} | ({"signature": ""} if kind == "thinking"
                                                       else {}))
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    served.answer = lambda body: streamed(chunks, Usage(10, 2, 3))
    async with sdk.messages.stream(**ASK) as stream:
        final = await stream.get_final_message()
    assert final.model_dump()["content"] == Message.model_validate(
        {"id": "x", "type": "message", "role": "assistant", "model": "m", "content": want,
         "usage": {"input_tokens": 0, "output_tokens": 0}}).model_dump()["content"]
    assert (final.usage.input_tokens, final.usage.cache_read_input_tokens,
            final.usage.output_tokens, final.stop_reason) == (8, 2, 3, "end_turn")
