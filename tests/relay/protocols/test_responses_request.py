"""Responses requests -> Chat Completions requests: what Codex CLI sends, what is refused."""

import json
from pathlib import Path
from typing import Any

import pytest

from relay.protocols.common import ProtocolError
from relay.protocols.responses import to_chat

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


def chat(**body: Any) -> dict[str, Any]:
    return to_chat({"model": "m1", "input": "hi", **body})


def refused(body: dict[str, Any]) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        to_chat(body)
    return caught.value


def test_a_codex_conversation_becomes_the_expected_chat_request() -> None:
    assert to_chat(sample("responses_codex_request.json")) == sample("responses_codex_chat.json")


def test_a_string_input_is_one_user_message_and_instructions_lead() -> None:
    assert chat(instructions="Be brief.")["messages"] == [
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]


def test_developer_messages_merge_into_one_system_message_with_their_parts_in_order() -> None:
    body = {"model": "m", "input": [
        {"role": "developer", "content": [{"type": "input_text", "text": "a"},
                                          {"type": "input_text", "text": "b"}]},
        {"role": "system", "content": "c"},
        {"role": "user", "content": "q"},
        {"role": "developer", "content": "later"}]}
    assert to_chat(body)["messages"] == [
        {"role": "system", "content": "a\n\nb\n\nc"}, {"role": "user", "content": "q"},
        {"role": "system", "content": "later"}]


def test_calls_merge_with_the_assistant_text_before_them_and_take_the_reasoning() -> None:
    body = {"model": "m", "input": [
        {"role": "user", "content": "q"},
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": "s1"},
                                          {"type": "summary_text", "text": "s2"}],
         "encrypted_content": "opaque"},
        {"type": "message", "role": "assistant",
         "content": [{"type": "output_text", "text": "t"}]},
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
        {"type": "function_call", "call_id": "c2", "name": "g", "arguments": "{\"x\":1}"},
        {"type": "function_call_output", "call_id": "c1", "output": "r1"},
        {"type": "function_call_output", "call_id": "c2", "output": "r2"},
        {"type": "reasoning", "summary": [],
         "content": [{"type": "reasoning_text", "text": "raw"}]},
        {"type": "function_call", "call_id": "c3", "name": "f", "arguments": "{}"},
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": "dangling"}]}]}
    messages = to_chat(body)["messages"]
    assert messages[1] == {
        "role": "assistant", "content": "t", "reasoning_content": "s1\n\ns2",
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
            {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "{\"x\":1}"}}]}
    assert messages[2:4] == [{"role": "tool", "tool_call_id": "c1", "content": "r1"},
                             {"role": "tool", "tool_call_id": "c2", "content": "r2"}]
    assert messages[4] == {"role": "assistant", "content": None, "reasoning_content": "raw",
                           "tool_calls": [{"id": "c3", "type": "function",
                                           "function": {"name": "f", "arguments": "{}"}}]}
    assert len(messages) == 5  # the trailing reasoning has no assistant message: dropped


def test_images_keep_their_place_and_tool_output_images_follow_the_tool_messages() -> None:
    body = {"model": "m", "input": [
        {"role": "user", "content": [
            {"type": "input_text", "text": "see"},
            {"type": "input_image", "image_url": "data:image/png;base64,AAAA", "detail": "low"}]},
        {"type": "function_call", "call_id": "c1", "name": "view_image", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": [
            {"type": "input_text", "text": "here"},
            {"type": "input_image", "image_url": "https://x/i.png"}]}]}
    messages = to_chat(body)["messages"]
    assert messages[0]["content"] == [
        {"type": "text", "text": "see"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA", "detail": "low"}}]
    assert messages[2] == {"role": "tool", "tool_call_id": "c1", "content": "here"}
    assert messages[3] == {"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://x/i.png"}}]}


def test_tools_map_and_hosted_tools_are_dropped() -> None:
    tools = [{"type": "function", "name": "f", "description": "d", "strict": True,
              "parameters": {"type": "object", "properties": {}}},
             {"type": "web_search"}, {"type": "file_search", "vector_store_ids": ["v"]},
             {"type": "local_shell"}]
    body = chat(tools=tools, tool_choice={"type": "function", "name": "f"},
                parallel_tool_calls=False)
    assert body["tools"] == [{"type": "function", "function": {
        "name": "f", "description": "d", "parameters": {"type": "object", "properties": {}},
        "strict": True}}]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert body["parallel_tool_calls"] is False


@pytest.mark.parametrize("choice", ["auto", "none", "required"])
def test_string_tool_choices_pass_through(choice: str) -> None:
    assert chat(tools=[{"type": "function", "name": "f"}], tool_choice=choice)["tool_choice"] \
        == choice


def test_no_tool_fields_are_sent_when_every_tool_was_dropped() -> None:
    body = chat(tools=[{"type": "web_search"}], tool_choice="auto", parallel_tool_calls=True)
    assert not {"tools", "tool_choice", "parallel_tool_calls"} & body.keys()


def test_a_custom_tool_is_a_function_with_one_string_input_and_can_be_forced() -> None:
    body = chat(tools=[{"type": "custom", "name": "apply_patch", "description": "Edit.",
                        "format": {"type": "grammar", "syntax": "lark", "definition": "start: x"}}],
                tool_choice={"type": "custom", "name": "apply_patch"})
    function = body["tools"][0]["function"]
    assert function["name"] == "apply_patch"
    assert function["parameters"]["required"] == ["input"]
    assert function["parameters"]["properties"]["input"]["type"] == "string"
    assert function["description"].startswith("Edit.") and "start: x" in function["description"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "apply_patch"}}


def test_sampling_limits_format_and_stream_options_map() -> None:
    body = chat(max_output_tokens=300, temperature=0.2, top_p=0.9, stream=True,
                text={"format": {"type": "json_schema", "name": "out", "strict": True,
                                 "schema": {"type": "object"}}})
    assert body["max_tokens"] == 300 and body["temperature"] == 0.2 and body["top_p"] == 0.9
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "out", "schema": {"type": "object"}, "strict": True}}
    assert chat(text={"format": {"type": "json_object"}})["response_format"] == {
        "type": "json_object"}
    assert "response_format" not in chat(text={"format": {"type": "text"}})
    assert "stream" not in chat(stream=False)


def test_fields_only_openai_uses_are_accepted_and_not_forwarded() -> None:
    body = chat(store=True, include=["reasoning.encrypted_content"], metadata={"a": "b"},
                user="u", prompt_cache_key="k", service_tier="auto", truncation="auto",
                reasoning={"effort": "high"}, safety_identifier="s", client_metadata={"x": 1},
                previous_response_id=None, background=False)
    assert body == {"model": "m1", "messages": [{"role": "user", "content": "hi"}]}


def test_previous_response_id_is_refused_with_the_privacy_reason() -> None:
    error = refused({"model": "m", "input": "hi", "previous_response_id": "resp_1"})
    assert error.param == "previous_response_id"
    assert error.message == (
        "previous_response_id is not supported: this relay stores no conversation content (its "
        "privacy policy forbids it); send the whole conversation in `input`.")


@pytest.mark.parametrize(("extra", "param"), [
    ({"conversation": "conv_1"}, "conversation"),
    ({"background": True}, "background"),
    ({"prompt": {"id": "pmpt_1"}}, "prompt"),
    ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "input[0].type"),
    ({"input": [{"type": "web_search_call", "id": "ws_1"}]}, "input[0].type"),
    ({"input": [{"type": "local_shell_call", "call_id": "c"}]}, "input[0].type"),
    ({"input": [{"role": "user", "content": [{"type": "input_image", "file_id": "file_1"}]}]},
     "input[0].content[0].file_id"),
    ({"input": [{"role": "user", "content": [{"type": "input_file", "file_data": "x"}]}]},
     "input[0].content[0].type"),
    ({"input": [{"role": "tool", "content": "x"}]}, "input[0].role"),
    ({"input": [{"type": "function_call", "call_id": "c", "name": "f"}]},
     "input[0].arguments"),
    ({"input": [{"type": "function_call_output", "call_id": "c"}]}, "input[0].output"),
    ({"input": []}, "input"),
    ({"input": None}, "input"),
    ({"model": ""}, "model"),
    ({"max_output_tokens": 0}, "max_output_tokens"),
    ({"max_output_tokens": True}, "max_output_tokens"),
    ({"temperature": "hot"}, "temperature"),
    ({"tools": [{"type": "function"}]}, "tools[0].name"),
    ({"tools": [{"type": "function", "name": "f"}], "tool_choice": {"type": "function",
                                                                    "name": "g"}}, "tool_choice"),
    ({"tool_choice": {"type": "web_search_preview"}}, "tool_choice"),
    ({"text": {"format": {"type": "json_schema", "schema": {}}}}, "text.format.name"),
    ({"text": {"format": {"type": "yaml"}}}, "text.format.type"),
])
def test_what_openai_would_refuse_is_refused_naming_the_field(extra: dict[str, Any],
                                                              param: str) -> None:
    error = refused({"model": "m", "input": "hi", **extra})
    assert error.param == param
    assert error.message


def test_a_refused_item_type_is_named_in_the_message() -> None:
    error = refused({"model": "m", "input": [{"type": "web_search_call"}]})
    assert "'web_search_call'" in error.message


def test_namespace_tools_flatten_to_qualified_function_names() -> None:
    tools = [{"type": "namespace", "name": "crm", "description": "CRM tools", "tools": [
        {"type": "function", "name": "find", "parameters": {"type": "object"}},
        {"type": "custom", "name": "note"}]}]
    body = to_chat({"model": "m", "tools": tools,
                    "tool_choice": {"type": "function", "name": "find", "namespace": "crm"},
                    "input": [{"role": "user", "content": "q"},
                              {"type": "function_call", "call_id": "c1", "name": "find",
                               "namespace": "crm", "arguments": "{}"},
                              {"type": "function_call_output", "call_id": "c1", "output": "r"}]})
    assert [t["function"]["name"] for t in body["tools"]] == ["crm__find", "crm__note"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "crm__find"}}
    assert body["messages"][1]["tool_calls"][0]["function"]["name"] == "crm__find"
