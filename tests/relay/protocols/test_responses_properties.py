"""Properties over generated input: no text or tool argument is lost or reordered on the way
in (requests) or out (answers and streams), and odd input only ever raises ProtocolError."""

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.metering import Usage
from relay.protocols.common import ProtocolError
from relay.protocols.responses import from_chat, to_chat
from relay.protocols.responses_stream import ResponsesStream
from tests.relay.protocols.test_responses_stream import events

TEXT = st.text(max_size=12)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12)
KEYS = st.sampled_from(["model", "input", "instructions", "tools", "tool_choice", "text",
                        "max_output_tokens", "temperature", "top_p", "stream", "role", "type",
                        "content", "call_id", "name", "arguments", "output", "summary",
                        "image_url", "file_id", "format", "parameters", "background"])
ITEM_TYPES = st.sampled_from(["message", "function_call", "function_call_output",
                              "custom_tool_call", "custom_tool_call_output", "reasoning",
                              "input_text", "output_text", "input_image", "function", "custom",
                              "json_schema", "item_reference"])
SHAPED = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT | ITEM_TYPES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON, st.dictionaries(KEYS, SHAPED, max_size=8)))
def test_odd_requests_raise_only_protocol_errors(body: Any) -> None:
    try:
        chat = to_chat(body)
    except ProtocolError as error:
        assert isinstance(error.message, str)
    else:
        assert chat["messages"] and isinstance(chat["model"], str)


# --- requests: texts and arguments keep their order ----------------------------------------

PARTS = st.lists(TEXT, min_size=1, max_size=3)


@st.composite
def conversation(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Items, the texts they carry in order, and the tool arguments in order."""
    opening = draw(TEXT)  # a conversation opens with the user's message
    items: list[dict[str, Any]] = [{"role": "user", "content": opening}]
    texts = [opening]
    arguments: list[str] = []
    for n in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["message", "call", "custom", "output", "reasoning"]))
        if kind == "message":
            parts = draw(PARTS)
            role = draw(st.sampled_from(["user", "assistant", "system", "developer"]))
            part_type = "output_text" if role == "assistant" else "input_text"
            items.append({"type": "message", "role": role,
                          "content": [{"type": part_type, "text": t} for t in parts]})
            texts.extend(parts)
        elif kind in ("call", "custom"):
            value = draw(TEXT)
            items.append({"type": "function_call", "call_id": f"c{n}", "name": "f",
                          "arguments": value} if kind == "call" else
                         {"type": "custom_tool_call", "call_id": f"c{n}", "name": "p",
                          "input": value})
            arguments.append(value)
        elif kind == "output":
            value = draw(TEXT)
            items.append({"type": "function_call_output", "call_id": f"c{n}", "output": value})
            texts.append(value)
        else:
            items.append({"type": "reasoning", "summary": [
                {"type": "summary_text", "text": draw(TEXT)}]})
    return items, texts, arguments


@settings(max_examples=300, deadline=None)
@given(conversation(), st.none() | TEXT)
def test_request_texts_and_arguments_keep_their_order(
        case: tuple[list[dict[str, Any]], list[str], list[str]], instructions: str | None) -> None:
    items, texts, arguments = case
    body: dict[str, Any] = {"model": "m", "input": items}
    if instructions is not None:
        body["instructions"] = instructions
        texts = [instructions, *texts]
    messages = to_chat(body)["messages"]
    contents = [m["content"] for m in messages if m["content"] is not None]
    assert "\n\n".join(contents) == "\n\n".join(texts)
    sent = []
    for message in messages:
        for call in message.get("tool_calls", []):
            raw = call["function"]["arguments"]
            sent.append(json.loads(raw)["input"] if call["function"]["name"] == "p" else raw)
    assert sent == arguments


# --- answers and streams: nothing the model said is lost ------------------------------------

CALLS = st.lists(st.tuples(st.sampled_from(["f", "p"]), TEXT), max_size=3)
REQUEST = {"model": "m", "input": "hi", "tools": [
    {"type": "function", "name": "f"}, {"type": "custom", "name": "p"}]}


def wrapped(name: str, value: str) -> str:
    return json.dumps({"input": value}) if name == "p" else value


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT, CALLS)
def test_a_plain_answer_keeps_reasoning_text_and_calls(reasoning: str, text: str,
                                                       calls: list[tuple[str, str]]) -> None:
    message = {"content": text, "reasoning_content": reasoning, "tool_calls": [
        {"id": f"c{i}", "function": {"name": name, "arguments": wrapped(name, value)}}
        for i, (name, value) in enumerate(calls)]}
    output = from_chat({"choices": [{"message": message}]}, REQUEST, "resp_p", 1, "m")["output"]
    said = [o["summary"][0]["text"] for o in output if o["type"] == "reasoning"]
    said += [o["content"][0]["text"] for o in output if o["type"] == "message"]
    assert said == [t for t in (reasoning, text) if t]
    got = [(o["call_id"], o.get("arguments", o.get("input"))) for o in output
           if o["type"] in ("function_call", "custom_tool_call")]
    assert got == [(f"c{i}", value) for i, (_, value) in enumerate(calls)]


DELTAS = st.lists(st.one_of(
    st.tuples(st.just("reasoning"), TEXT), st.tuples(st.just("content"), TEXT),
    st.tuples(st.sampled_from(["call0", "call1", "call2"]), TEXT)), max_size=25)


def chunk(kind: str, value: str, names: dict[int, str]) -> dict[str, Any]:
    if kind in ("reasoning", "content"):
        field = "reasoning_content" if kind == "reasoning" else "content"
        return {"choices": [{"index": 0, "delta": {field: value}}], "usage": None}
    index = int(kind[-1])
    call: dict[str, Any] = {"index": index, "function": {"arguments": value}}
    if index not in names:  # the first delta of a call names it, as chat upstreams do
        names[index] = "f"
        call.update(id=f"call{index}", function={"name": "f", "arguments": value})
    return {"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}


@settings(max_examples=300, deadline=None)
@given(DELTAS)
def test_a_stream_keeps_every_piece_in_order(deltas: list[tuple[str, str]]) -> None:
    stream = ResponsesStream(REQUEST, "resp_q", 1, "m")
    names: dict[int, str] = {}
    data = b"".join(stream.feed(chunk(kind, value, names)) for kind, value in deltas)
    result = events(data + stream.finish(Usage(1, 0, 1)))
    assert [e["sequence_number"] for e in result] == list(range(len(result)))
    output = result[-1]["response"]["output"]
    texts = "".join(o["content"][0]["text"] for o in output if o["type"] == "message")
    thoughts = "".join(o["summary"][0]["text"] for o in output if o["type"] == "reasoning")
    assert texts == "".join(v for k, v in deltas if k == "content")
    assert thoughts == "".join(v for k, v in deltas if k == "reasoning")
    streamed = "".join(e["delta"] for e in result if e["type"] == "response.output_text.delta")
    assert streamed == texts
    calls = {o["call_id"]: o["arguments"] for o in output if o["type"] == "function_call"}
    first_seen = list(dict.fromkeys(f"call{k[-1]}" for k, _ in deltas if k.startswith("call")))
    assert list(calls) == first_seen
    for call_id, arguments in calls.items():
        assert arguments == "".join(v for k, v in deltas if k == call_id)
    # every delta goes to an item that was added and is not done yet
    open_items: set[int] = set()
    for event in result:
        if event["type"] == "response.output_item.added":
            open_items.add(event["output_index"])
        elif event["type"] == "response.output_item.done":
            open_items.remove(event["output_index"])
        elif "output_index" in event:
            assert event["output_index"] in open_items
    assert not open_items


CHUNK_KEYS = st.sampled_from(["choices", "delta", "index", "content", "reasoning_content",
                              "tool_calls", "function", "name", "arguments", "id",
                              "finish_reason", "usage", "message", "refusal"])
CHUNKISH = st.recursive(
    st.none() | st.booleans() | st.integers(-1, 3) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(CHUNK_KEYS, inner, max_size=5),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.lists(CHUNKISH, max_size=6), CHUNKISH)
def test_odd_chunks_and_answers_never_crash(chunks: list[Any], answer: Any) -> None:
    stream = ResponsesStream(REQUEST, "resp_o", 1, "m")
    data = b"".join(stream.feed(c) for c in chunks) + stream.finish(None)
    assert events(data)[-1]["type"] in ("response.completed", "response.incomplete")
    assert from_chat(answer, REQUEST, "resp_o", 1, "m")["object"] == "response"
