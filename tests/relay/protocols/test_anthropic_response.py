"""Chat completions -> Anthropic Message objects, usage in both directions, error bodies."""

import json
from pathlib import Path
from typing import Any

import pytest

from app.metering import MAX_REPORTED_TOKENS, Usage
from relay.protocols.anthropic import error_body, from_chat, read_usage, usage_fields

SAMPLES = json.loads((Path(__file__).parent / "samples" / "anthropic_responses.json").read_text())


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["name"] for s in SAMPLES])
def test_samples_translate_exactly(sample: dict[str, Any]) -> None:
    message = from_chat(sample["chat"], sample["model"], sample["message_id"])
    assert message == sample["message"]


@pytest.mark.parametrize(("finish", "stop"), [
    ("stop", "end_turn"), ("length", "max_tokens"), ("tool_calls", "tool_use"),
    ("function_call", "tool_use"), ("content_filter", "refusal"), ("insufficient", "end_turn"),
    (None, "end_turn"), (3, "end_turn")])
def test_finish_reasons_map_to_stop_reasons(finish: Any, stop: str) -> None:
    chat = {"choices": [{"finish_reason": finish, "message": {"content": "x"}}]}
    assert from_chat(chat, "m", "id")["stop_reason"] == stop


@pytest.mark.parametrize("chat", [
    {}, {"choices": []}, {"choices": None}, {"choices": ["x"]}, {"choices": [{"message": 1}]},
    {"choices": [{"message": {"tool_calls": [1, {"function": 2}, {"function": {"name": 3}}]}}]},
    {"choices": [{"message": {"content": ["parts"], "reasoning_content": 5}}], "usage": "x"},
])
def test_odd_completions_still_make_a_message(chat: dict[str, Any]) -> None:
    message = from_chat(chat, "m", "msg_x")
    assert message["type"] == "message" and message["id"] == "msg_x"
    assert all(block["type"] == "tool_use" for block in message["content"])
    assert message["usage"] == {"input_tokens": 0, "output_tokens": 0,
                                "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}


def test_a_tool_call_without_id_gets_a_distinct_one() -> None:
    chat = {"choices": [{"message": {"tool_calls": [
        {"function": {"name": "a", "arguments": "{}"}},
        {"function": {"name": "b", "arguments": "{}"}}]}}]}
    ids = [block["id"] for block in from_chat(chat, "m", "msg_1")["content"]]
    assert len(set(ids)) == 2 and all(i.startswith("toolu_") for i in ids)


def test_usage_fields_split_cached_from_input() -> None:
    assert usage_fields(Usage(prompt_tokens=1000, cached_tokens=600, completion_tokens=7)) == {
        "input_tokens": 400, "output_tokens": 7, "cache_read_input_tokens": 600}


def test_read_usage_adds_cache_reads_and_writes_to_the_prompt() -> None:
    usage = {"input_tokens": 12, "output_tokens": 30, "cache_read_input_tokens": 1000,
             "cache_creation_input_tokens": 200, "service_tier": "standard"}
    assert read_usage(usage) == Usage(prompt_tokens=1212, cached_tokens=1000,
                                      completion_tokens=30)


def test_read_usage_of_a_partial_object_counts_what_is_there() -> None:
    assert read_usage({"output_tokens": 5}) == Usage(completion_tokens=5)
    assert read_usage({"input_tokens": 5, "cache_read_input_tokens": None}) == Usage(
        prompt_tokens=5)


@pytest.mark.parametrize("usage", [
    None, "12", [], {}, {"cache_read_input_tokens": 4},
    {"input_tokens": -1, "output_tokens": 1}, {"input_tokens": 1, "output_tokens": 1.5},
    {"input_tokens": True, "output_tokens": 1}, {"input_tokens": "3", "output_tokens": 1},
    {"input_tokens": 1, "output_tokens": MAX_REPORTED_TOKENS + 1},
    {"input_tokens": 1, "output_tokens": 1, "cache_creation_input_tokens": -5},
    {"input_tokens": 1, "output_tokens": 1, "cache_read_input_tokens": False},
])
def test_missing_or_nonsense_usage_reads_as_none(usage: Any) -> None:
    assert read_usage(usage) is None


def test_error_body_has_anthropics_shape() -> None:
    assert error_body("overloaded_error", "busy") == {
        "type": "error", "error": {"type": "overloaded_error", "message": "busy"}}


def test_a_refusal_is_text_the_client_reads() -> None:
    chat = {"choices": [{"finish_reason": "stop", "message": {
        "content": None, "refusal": "I can't help with that."}}]}
    assert from_chat(chat, "m", "id")["content"] == [
        {"type": "text", "text": "I can't help with that."}]
