"""Chat answers -> Response objects, and usage both ways."""

import json
from pathlib import Path
from typing import Any

import pytest

from app.metering import Usage
from relay.protocols.responses import from_chat, read_usage, usage_fields

SAMPLES = Path(__file__).parent / "samples"
REQUEST: dict[str, Any] = {
    "model": "alias", "input": "hi", "instructions": "Be brief.", "max_output_tokens": 99,
    "temperature": 0.5, "tool_choice": "required", "parallel_tool_calls": False,
    "reasoning": {"effort": "low", "summary": "auto"}, "metadata": {"k": "v"},
    "text": {"format": {"type": "text"}},
    "tools": [{"type": "function", "name": "exec_command", "parameters": {"type": "object"}},
              {"type": "custom", "name": "apply_patch"}]}


def answer(message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    return {"choices": [{"index": 0, "message": message, "finish_reason": finish}]}


def test_the_sample_answer_becomes_reasoning_message_and_call_in_order() -> None:
    chat = json.loads((SAMPLES / "responses_chat_answer.json").read_text())
    response = from_chat(chat, REQUEST, "resp_abc", 1700000000, "alias")
    assert response["output"] == [
        {"type": "reasoning", "id": "rs_abc_0",
         "summary": [{"type": "summary_text", "text": "The user wants the tests run."}]},
        {"type": "message", "id": "msg_abc_1", "role": "assistant", "status": "completed",
         "content": [{"type": "output_text", "text": "Running the tests.", "annotations": [],
                      "logprobs": []}]},
        {"type": "function_call", "id": "fc_abc_2", "call_id": "call_1", "name": "exec_command",
         "arguments": "{\"cmd\":\"pytest -q\"}", "status": "completed"}]
    assert response["usage"] == {
        "input_tokens": 50, "input_tokens_details": {"cached_tokens": 32}, "output_tokens": 12,
        "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 62}
    assert response["status"] == "completed" and response["incomplete_details"] is None


def test_the_response_echoes_the_request_settings_and_the_clients_model_name() -> None:
    response = from_chat(answer({"content": "ok"}), REQUEST, "resp_1", 1700000000, "alias")
    assert {k: response[k] for k in (
        "id", "object", "created_at", "model", "instructions", "max_output_tokens",
        "temperature", "top_p", "tool_choice", "parallel_tool_calls", "reasoning", "metadata",
        "text", "tools", "store", "previous_response_id", "truncation", "error")} == {
        "id": "resp_1", "object": "response", "created_at": 1700000000, "model": "alias",
        "instructions": "Be brief.", "max_output_tokens": 99, "temperature": 0.5,
        "top_p": 1.0, "tool_choice": "required", "parallel_tool_calls": False,
        "reasoning": {"effort": "low", "summary": "auto"}, "metadata": {"k": "v"},
        "text": {"format": {"type": "text"}}, "tools": REQUEST["tools"], "store": False,
        "previous_response_id": None, "truncation": "disabled", "error": None}
    assert response["usage"] is None  # the answer reported none


def test_a_length_finish_is_incomplete_for_max_output_tokens() -> None:
    response = from_chat(answer({"content": "cut"}, "length"), REQUEST, "resp_1", 1, "m")
    assert response["status"] == "incomplete"
    assert response["incomplete_details"] == {"reason": "max_output_tokens"}
    assert response["output"][0]["content"][0]["text"] == "cut"


def test_a_call_to_a_custom_tool_goes_back_as_a_custom_tool_call() -> None:
    calls = [{"id": "c9", "type": "function", "function": {
        "name": "apply_patch", "arguments": json.dumps({"input": "*** Begin Patch\n"})}},
        {"type": "function", "function": {"name": "apply_patch", "arguments": "not json"}}]
    output = from_chat(answer({"content": None, "tool_calls": calls}, "tool_calls"), REQUEST,
                       "resp_1", 1, "m")["output"]
    assert output == [
        {"type": "custom_tool_call", "id": "ctc_1_0", "call_id": "c9", "name": "apply_patch",
         "input": "*** Begin Patch\n", "status": "completed"},
        {"type": "custom_tool_call", "id": "ctc_1_1", "call_id": "call_1_1",
         "name": "apply_patch", "input": "not json", "status": "completed"}]


@pytest.mark.parametrize("chat", [
    {}, {"choices": []}, {"choices": [None]}, {"choices": [{"message": None}]},
    {"choices": [{"message": {"content": 5, "tool_calls": [None, {"function": 3}]}}]},
    {"choices": [{"message": {}, "finish_reason": ["length"]}], "usage": "lots"},
])
def test_odd_answers_give_an_empty_completed_response(chat: dict[str, Any]) -> None:
    response = from_chat(chat, {}, "resp_1", 1, "m")
    assert response["output"] == [] and response["status"] == "completed"


def test_usage_fields_are_exact() -> None:
    assert usage_fields(Usage(prompt_tokens=1000, cached_tokens=600, completion_tokens=7)) == {
        "input_tokens": 1000, "input_tokens_details": {"cached_tokens": 600},
        "output_tokens": 7, "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 1007}


def test_read_usage_reads_a_native_usage_object() -> None:
    usage = {"input_tokens": 1000, "input_tokens_details": {"cached_tokens": 600},
             "output_tokens": 7, "output_tokens_details": {"reasoning_tokens": 3},
             "total_tokens": 1007}
    assert read_usage(usage) == Usage(1000, 600, 7)
    assert read_usage({"input_tokens": 5}) == Usage(5, 0, 0)
    assert read_usage(usage_fields(Usage(9, 4, 2))) == Usage(9, 4, 2)


@pytest.mark.parametrize("usage", [
    None, "x", [], {}, {"total_tokens": 5},
    {"input_tokens": -1, "output_tokens": 1},
    {"input_tokens": 1.5, "output_tokens": 1},
    {"input_tokens": "10", "output_tokens": 1},
    {"input_tokens": True, "output_tokens": 1},
    {"input_tokens": 10, "output_tokens": 100_000_001},
    {"input_tokens": 10, "output_tokens": 1, "input_tokens_details": {"cached_tokens": -2}},
    {"input_tokens": 10, "output_tokens": 1, "input_tokens_details": {"cached_tokens": 11}},
])
def test_read_usage_refuses_missing_or_nonsense_counts(usage: Any) -> None:
    assert read_usage(usage) is None


def test_a_call_to_a_namespaced_tool_goes_back_with_its_namespace() -> None:
    request = {"tools": [{"type": "namespace", "name": "crm", "description": "", "tools": [
        {"type": "function", "name": "find"}, {"type": "custom", "name": "note"}]}]}
    calls = [{"id": "c1", "function": {"name": "crm__find", "arguments": "{}"}},
             {"id": "c2", "function": {"name": "crm__note", "arguments": "{\"input\":\"x\"}"}}]
    output = from_chat(answer({"tool_calls": calls}), request, "resp_1", 1, "m")["output"]
    assert [(o["type"], o["namespace"], o["name"]) for o in output] == [
        ("function_call", "crm", "find"), ("custom_tool_call", "crm", "note")]
    assert output[1]["input"] == "x"
