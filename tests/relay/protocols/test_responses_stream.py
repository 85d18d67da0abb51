"""Chat stream chunks -> Responses events: the sequence, the final response, odd chunks."""

import json
from pathlib import Path
from typing import Any

import pytest

from app.metering import Usage
from relay.protocols.responses_stream import ResponsesStream

SAMPLES = Path(__file__).parent / "samples"
REQUEST: dict[str, Any] = {
    "model": "alias", "input": "hi", "stream": True,
    "tools": [{"type": "function", "name": "exec_command", "parameters": {"type": "object"}},
              {"type": "custom", "name": "apply_patch"}]}


def events(data: bytes) -> list[dict[str, Any]]:
    """Parse SSE bytes, checking each event's name matches its payload's type."""
    parsed = []
    for block in data.decode().split("\n\n"):
        if not block:
            continue
        name_line, data_line = block.split("\n")
        assert name_line.startswith("event: ") and data_line.startswith("data: ")
        payload = json.loads(data_line.removeprefix("data: "))
        assert payload["type"] == name_line.removeprefix("event: ")
        parsed.append(payload)
    return parsed


def run(chunks: list[Any], usage: Usage | None = None, request: dict[str, Any] = REQUEST,
        reason: str | None = None) -> list[dict[str, Any]]:
    stream = ResponsesStream(request, "resp_s", 1700000000, "alias")
    data = b"".join(stream.feed(chunk) for chunk in chunks) + stream.finish(usage, reason)
    result = events(data)
    assert [e["sequence_number"] for e in result] == list(range(len(result)))
    return result


def delta(**fields: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": fields, "finish_reason": None}]}


def test_the_sample_stream_gives_openais_event_sequence() -> None:
    sample = json.loads((SAMPLES / "responses_chat_stream.json").read_text())
    result = run(sample["chunks"], Usage(**sample["usage"]))
    assert [e["type"] for e in result] == [
        "response.created", "response.in_progress",
        "response.output_item.added", "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
        "response.output_item.done",
        "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta",
        "response.function_call_arguments.delta", "response.output_item.added",
        "response.function_call_arguments.done", "response.output_item.done",
        "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
        "response.output_item.done", "response.completed"]
    assert result[0]["response"]["status"] == "in_progress"
    assert result[0]["response"]["output"] == []
    final = result[-1]["response"]
    assert final["status"] == "completed" and final["id"] == "resp_s"
    assert final["model"] == "alias"
    assert final["usage"] == {
        "input_tokens": 120, "input_tokens_details": {"cached_tokens": 64},
        "output_tokens": 40, "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 160}
    reasoning, message, call, custom = final["output"]
    assert reasoning["summary"] == [{"type": "summary_text", "text": "The test fails."}]
    assert message["content"][0]["text"] == "Let me look."
    assert (call["type"], call["call_id"], call["arguments"]) == (
        "function_call", "call_x", "{\"cmd\":\"pytest -q\"}")
    assert (custom["type"], custom["call_id"], custom["input"]) == (
        "custom_tool_call", "call_y", "*** Begin Patch\n*** End Patch\n")
    done = [e["item"] for e in result if e["type"] == "response.output_item.done"]
    assert done == final["output"]


def test_text_events_name_their_item_and_indexes() -> None:
    result = run([delta(role="assistant"), delta(content="Hel"), delta(content="lo")])
    added = result[2]
    assert added["item"] == {"type": "message", "id": "msg_s_0", "role": "assistant",
                             "status": "in_progress", "content": []}
    deltas = [e for e in result if e["type"] == "response.output_text.delta"]
    assert [(e["item_id"], e["output_index"], e["content_index"], e["delta"]) for e in deltas] \
        == [("msg_s_0", 0, 0, "Hel"), ("msg_s_0", 0, 0, "lo")]
    text_done = next(e for e in result if e["type"] == "response.output_text.done")
    assert text_done["text"] == "Hello"


def test_a_stream_without_chunks_still_completes() -> None:
    result = run([], None)
    assert [e["type"] for e in result] == [
        "response.created", "response.in_progress", "response.completed"]
    assert result[-1]["response"]["output"] == [] and result[-1]["response"]["usage"] is None


def test_a_cut_stream_ends_incomplete_with_what_was_said() -> None:
    result = run([delta(content="partial")], Usage(5, 0, 1), reason="max_output_tokens")
    last = result[-1]
    assert last["type"] == "response.incomplete"
    assert last["response"]["status"] == "incomplete"
    assert last["response"]["incomplete_details"] == {"reason": "max_output_tokens"}
    assert last["response"]["output"][0]["content"][0]["text"] == "partial"
    assert last["response"]["output"][0]["status"] == "incomplete"


def test_a_length_finish_reason_ends_incomplete_by_itself() -> None:
    chunk = {"choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "length"}]}
    assert run([chunk])[-1]["type"] == "response.incomplete"


def test_error_sends_response_failed_and_ends_the_stream() -> None:
    stream = ResponsesStream(REQUEST, "resp_e", 1, "alias")
    assert not stream.started
    data = stream.feed(delta(content="a"))
    assert stream.started
    data += stream.error("server_error", "upstream broke")
    result = events(data)
    assert result[-1]["type"] == "response.failed"
    assert result[-1]["response"]["status"] == "failed"
    assert result[-1]["response"]["error"] == {"code": "server_error",
                                               "message": "upstream broke"}
    assert stream.feed(delta(content="b")) == b"" and stream.finish(None) == b""
    assert stream.error("server_error", "again") == b""


def test_an_error_before_any_chunk_still_starts_the_response() -> None:
    stream = ResponsesStream(REQUEST, "resp_e", 1, "alias")
    result = events(stream.error("rate_limit_exceeded", "slow down"))
    assert [e["type"] for e in result] == [
        "response.created", "response.in_progress", "response.failed"]


def test_arguments_before_the_name_and_interleaved_calls_keep_their_order() -> None:
    def call(index: int, **fields: Any) -> dict[str, Any]:
        function = {k: v for k, v in fields.items() if k in ("name", "arguments")}
        entry = {"index": index, "function": function}
        if "id" in fields:
            entry["id"] = fields["id"]
        return delta(tool_calls=[entry])

    chunks = [call(0, id="a", arguments="{\"x\":"), call(0, name="exec_command"),
              call(1, id="b", name="exec_command", arguments="{\"y\":"), call(0, arguments="1}"),
              call(1, arguments="2}")]
    output = run(chunks)[-1]["response"]["output"]
    assert [(o["call_id"], o["name"], o["arguments"]) for o in output] == [
        ("a", "exec_command", "{\"x\":1}"), ("b", "exec_command", "{\"y\":2}")]


@pytest.mark.parametrize("chunk", [
    {}, {"choices": None}, {"choices": []}, {"choices": [None, 3, "x"]},
    {"choices": [{"delta": None}]}, {"choices": [{"index": 1, "delta": {"content": "other"}}]},
    {"choices": [{"delta": {"content": 5, "tool_calls": "x"}}]},
    {"choices": [{"delta": {"tool_calls": [None, {"index": "0", "function": None}]}}]},
    {"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"name": 7}}]}}]},
    {"choices": [], "usage": None}, {"usage": {"prompt_tokens": 3}},
])
def test_odd_chunks_never_crash_and_make_no_items(chunk: Any) -> None:
    result = run([chunk])
    assert [e["type"] for e in result] == [
        "response.created", "response.in_progress", "response.completed"]
    assert result[-1]["response"]["output"] == []


def test_a_streamed_call_to_a_namespaced_tool_carries_its_namespace() -> None:
    request = {"tools": [{"type": "namespace", "name": "crm", "description": "", "tools": [
        {"type": "function", "name": "find"}]}]}
    chunks = [delta(tool_calls=[{"index": 0, "id": "c1",
                                 "function": {"name": "crm__find", "arguments": "{}"}}])]
    result = run(chunks, request=request)
    added = next(e for e in result if e["type"] == "response.output_item.added")
    assert (added["item"]["namespace"], added["item"]["name"]) == ("crm", "find")
    assert result[-1]["response"]["output"][0]["arguments"] == "{}"
