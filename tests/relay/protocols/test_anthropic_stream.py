"""Chat Completions stream chunks -> Anthropic Messages SSE (anthropic_stream.py)."""

import json
from pathlib import Path
from typing import Any

import pytest

from app.metering import Usage
from relay.protocols.anthropic_stream import MessagesStream
from tests.relay.protocols.anthropic_sse import assemble, parse_events, run_stream

SAMPLE = json.loads((Path(__file__).parent / "samples" / "anthropic_stream.json").read_text())


def delta(**fields: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": fields, "finish_reason": None}]}


def call(index: int | None, call_id: str | None = None, name: str | None = None,
         arguments: str | None = None) -> dict[str, Any]:
    function = {k: v for k, v in (("name", name), ("arguments", arguments)) if v is not None}
    item: dict[str, Any] = {"function": function}
    if index is not None:
        item["index"] = index
    if call_id is not None:
        item["id"] = call_id
    return delta(tool_calls=[item])


def test_sample_stream_gives_the_exact_event_sequence() -> None:
    events = run_stream(SAMPLE["chunks"], Usage(**SAMPLE["finish_usage"]),
                        model=SAMPLE["model"], message_id=SAMPLE["message_id"],
                        input_tokens=SAMPLE["input_tokens"])
    assert events == SAMPLE["events"]


def test_events_are_compact_and_typed_twice() -> None:
    stream = MessagesStream("m", "msg", 3)
    out = stream.feed(delta(content="é"))
    assert out.startswith(
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg",')
    assert out.endswith(b'event: content_block_delta\ndata: {"type":"content_block_delta",'
                        b'"index":0,"delta":{"type":"text_delta","text":"\xc3\xa9"}}\n\n')


def test_nothing_fed_still_makes_a_whole_message() -> None:
    stream = MessagesStream("m", "msg", 42)
    assert not stream.started
    events = parse_events(stream.finish(None))
    assert stream.started
    assert [e["type"] for e in events] == ["message_start", "ping", "message_delta",
                                           "message_stop"]
    assert events[0]["message"]["usage"]["input_tokens"] == 42
    assert events[2] == {"type": "message_delta", "usage": {"output_tokens": 0},
                         "delta": {"stop_reason": "end_turn", "stop_sequence": None}}


def test_the_relays_stop_reason_overrides_the_upstreams() -> None:
    chunks = [delta(content="a"), {"choices": [{"index": 0, "delta": {},
                                                "finish_reason": "stop"}]}]
    events = run_stream(chunks, Usage(5, 0, 1), stop_reason="max_tokens")
    assert events[-2]["delta"]["stop_reason"] == "max_tokens"
    assert events[-2]["usage"] == {"input_tokens": 5, "output_tokens": 1,
                                   "cache_read_input_tokens": 0}


@pytest.mark.parametrize("chunk", [
    {}, {"choices": []}, {"choices": None, "usage": None}, {"choices": [None]},
    {"choices": [{"index": 0}]}, {"choices": [{"index": 0, "delta": None}]},
    {"choices": [{"index": 0, "delta": {"content": None, "reasoning_content": None,
                                        "tool_calls": None}}]},
    {"choices": [{"index": 0, "delta": {"content": 5, "tool_calls": [None, 3]}}]},
    {"choices": [{"index": 1, "delta": {"content": "other choice"}}]},
    {"usage": {"prompt_tokens": 3}, "choices": []},
])
def test_chunks_without_content_add_no_block(chunk: dict[str, Any]) -> None:
    events = run_stream([chunk, chunk])
    assert [e["type"] for e in events] == ["message_start", "ping", "message_delta",
                                           "message_stop"]


def test_later_chunks_without_content_add_nothing() -> None:
    stream = MessagesStream("m", "msg", 1)
    stream.feed(delta(content="a"))
    assert stream.feed({"choices": [], "usage": {"prompt_tokens": 1}}) == b""


def test_error_event_ends_the_stream() -> None:
    stream = MessagesStream("m", "msg", 1)
    stream.feed(delta(content="partial"))
    assert parse_events(stream.error("overloaded_error", "upstream broke")) == [
        {"type": "error", "error": {"type": "overloaded_error", "message": "upstream broke"}}]
    assert stream.feed(delta(content="more")) == b"" and stream.finish(None) == b""


def test_finish_is_produced_once() -> None:
    stream = MessagesStream("m", "msg", 1)
    assert stream.finish(None)
    assert stream.finish(Usage(1, 0, 1)) == b"" and stream.feed(delta(content="x")) == b""


def test_a_call_whose_name_comes_late_waits_for_it() -> None:
    events = run_stream([call(0, "c0", arguments='{"a"'), delta(content="text"),
                         call(0, name="Bash", arguments=":1}"), call(1, "c1", "Read", "{}")])
    assert assemble(events) == [
        {"type": "text", "text": "text", "partial_json": ""},
        {"type": "tool_use", "id": "c0", "name": "Bash", "input": {},
         "partial_json": '{"a":1}'},
        {"type": "tool_use", "id": "c1", "name": "Read", "input": {}, "partial_json": "{}"}]


def test_a_call_whose_name_never_comes_is_still_delivered_at_the_end() -> None:
    events = run_stream([call(0, "c0", arguments="{}")])
    assert assemble(events) == [{"type": "tool_use", "id": "c0", "name": "", "input": {},
                                 "partial_json": "{}"}]


def test_calls_without_index_follow_their_ids() -> None:
    events = run_stream([call(None, "a", "f", '{"x"'), call(None, arguments=":1}"),
                         call(None, "b", "g", "{}"), call(None, None, None, "")])
    assert [(b["id"], b["partial_json"]) for b in assemble(events)] == [
        ("a", '{"x":1}'), ("b", "{}")]


def test_a_new_id_at_a_used_index_starts_a_new_call() -> None:
    events = run_stream([call(0, "a", "f", "{}"), call(0, "b", "g", "{}")])
    assert [(b["id"], b["name"]) for b in assemble(events)] == [("a", "f"), ("b", "g")]


def test_calls_without_id_get_distinct_ids() -> None:
    events = run_stream([call(0, None, "f", "{}"), call(1, None, "g", "{}")])
    ids = [b["id"] for b in assemble(events)]
    assert len(set(ids)) == 2 and all(i.startswith("toolu_") for i in ids)


def test_reasoning_field_and_interleaving_make_separate_blocks() -> None:
    events = run_stream([delta(reasoning="r1"), delta(content="t1"), delta(reasoning="r2"),
                         delta(reasoning_content="r3", content="t2")])
    kinds = [(b["type"], b.get("text", b.get("thinking"))) for b in assemble(events)]
    assert kinds == [("thinking", "r1"), ("text", "t1"), ("thinking", "r2r3"), ("text", "t2")]


def test_refusal_deltas_are_text() -> None:
    events = run_stream([delta(refusal="No, "), delta(refusal="sorry.")])
    assert assemble(events) == [{"type": "text", "text": "No, sorry.", "partial_json": ""}]
