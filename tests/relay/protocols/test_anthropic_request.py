"""Anthropic Messages requests -> Chat Completions request bodies (relay/protocols/anthropic.py)."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from relay.protocols.anthropic import to_chat
from relay.protocols.common import ProtocolError

SAMPLES = json.loads((Path(__file__).parent / "samples" / "anthropic_requests.json").read_text())


def body(*messages: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"model": "claude-x", "max_tokens": 100,
            "messages": list(messages) or [{"role": "user", "content": "hi"}]} | fields


def user(*blocks: Any) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def assistant(*blocks: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": list(blocks)}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["name"] for s in SAMPLES])
def test_samples_translate_exactly(sample: dict[str, Any]) -> None:
    request = copy.deepcopy(sample["request"])
    assert to_chat(request, for_count=sample["for_count"]) == sample["chat"]
    assert request == sample["request"], "the client's body is not modified"


def test_count_tokens_body_never_carries_max_tokens_or_stream() -> None:
    chat = to_chat(body(stream=True), for_count=True)
    assert "max_tokens" not in chat and "stream" not in chat and "stream_options" not in chat


def test_tool_error_result_is_forwarded_as_written() -> None:
    chat = to_chat(body(
        assistant({"type": "tool_use", "id": "t1", "name": "Bash", "input": {}}),
        user({"type": "tool_result", "tool_use_id": "t1", "is_error": True,
              "content": "<tool_use_error>No such file</tool_use_error>"})))
    assert chat["messages"][1:] == [
        {"role": "tool", "tool_call_id": "t1",
         "content": "<tool_use_error>No such file</tool_use_error>"}]


def test_tool_result_without_content_is_an_empty_tool_message() -> None:
    chat = to_chat(body(user({"type": "tool_result", "tool_use_id": "t1"})))
    assert chat["messages"] == [{"role": "tool", "tool_call_id": "t1", "content": ""}]


def test_results_come_before_the_text_around_them_in_their_order() -> None:
    chat = to_chat(body(user(
        {"type": "text", "text": "before"},
        {"type": "tool_result", "tool_use_id": "a", "content": "A"},
        {"type": "text", "text": "between"},
        {"type": "tool_result", "tool_use_id": "b", "content": [{"type": "text", "text": "B1"},
                                                                {"type": "text", "text": "B2"}]},
        {"type": "text", "text": "after"})))
    assert chat["messages"] == [
        {"role": "tool", "tool_call_id": "a", "content": "A"},
        {"role": "tool", "tool_call_id": "b", "content": "B1\n\nB2"},
        {"role": "user", "content": "before\n\nbetween\n\nafter"}]


def test_thinking_blocks_join_and_tool_input_is_compact_json() -> None:
    chat = to_chat(body(assistant(
        {"type": "thinking", "thinking": "one", "signature": "s"},
        {"type": "tool_use", "id": "t", "name": "f", "input": {"q": "é", "n": [1, 2]}},
        {"type": "thinking", "thinking": "two", "signature": "s"})))
    assert chat["messages"] == [{
        "role": "assistant", "content": None, "reasoning_content": "one\n\ntwo",
        "tool_calls": [{"id": "t", "type": "function",
                        "function": {"name": "f", "arguments": '{"q":"é","n":[1,2]}'}}]}]


def test_document_with_a_content_source_is_its_text() -> None:
    doc = {"type": "document", "source": {"type": "content", "content": [
        {"type": "text", "text": "p1"}, {"type": "text", "text": "p2"}]}}
    assert to_chat(body(user(doc)))["messages"] == [{"role": "user", "content": "p1\n\np2"}]


def test_an_empty_assistant_turn_keeps_an_empty_string() -> None:
    chat = to_chat(body(assistant()))
    assert chat["messages"] == [{"role": "assistant", "content": ""}]


def test_system_messages_keep_their_place() -> None:
    chat = to_chat(body({"role": "user", "content": "a"},
                        {"role": "system", "content": [{"type": "text", "text": "s1"},
                                                       {"type": "text", "text": "s2"}]},
                        {"role": "user", "content": "b"}, system="top"))
    assert chat["messages"] == [
        {"role": "system", "content": "top"}, {"role": "user", "content": "a"},
        {"role": "system", "content": "s1\n\ns2"}, {"role": "user", "content": "b"}]


def test_an_empty_system_list_adds_no_message() -> None:
    assert to_chat(body(system=[]))["messages"] == [{"role": "user", "content": "hi"}]


REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("no model", {"model": None}, "model"),
    ("empty model", {"model": ""}, "model"),
    ("no max_tokens", {"max_tokens": None}, "max_tokens"),
    ("zero max_tokens", {"max_tokens": 0}, "max_tokens"),
    ("bool max_tokens", {"max_tokens": True}, "max_tokens"),
    ("float max_tokens", {"max_tokens": 10.0}, "max_tokens"),
    ("no messages", {"messages": None}, "messages"),
    ("empty messages", {"messages": []}, "messages"),
    ("messages not a list", {"messages": {"role": "user"}}, "messages"),
    ("message not an object", {"messages": ["hi"]}, "messages.0"),
    ("bad role", {"messages": [{"role": "tool", "content": "x"}]}, "messages.0.role"),
    ("no content", {"messages": [{"role": "user"}]}, "messages.0.content"),
    ("content a number", {"messages": [{"role": "user", "content": 3}]}, "messages.0.content"),
    ("block without type", {"messages": [user({"text": "x"})]}, "messages.0.content.0.type"),
    ("text not a string", {"messages": [user({"type": "text", "text": 1})]},
     "messages.0.content.0.text"),
    ("unknown block", {"messages": [user({"type": "search_result", "content": []})]},
     "messages.0.content.0.type"),
    ("tool_use from the user", {"messages": [user({"type": "tool_use", "id": "a", "name": "b",
                                                   "input": {}})]},
     "messages.0.content.0.type"),
    ("image from the assistant", {"messages": [assistant({"type": "image", "source": {
        "type": "url", "url": "u"}})]}, "messages.0.content.0.type"),
    ("tool_use input a list", {"messages": [assistant({"type": "tool_use", "id": "a",
                                                       "name": "b", "input": [1]})]},
     "messages.0.content.0.input"),
    ("image by file id", {"messages": [user({"type": "image", "source": {
        "type": "file", "file_id": "f"}})]}, "messages.0.content.0.source.type"),
    ("pdf document", {"messages": [user({"type": "document", "source": {
        "type": "base64", "media_type": "application/pdf", "data": "JVBER"}})]},
     "messages.0.content.0.source.type"),
    ("tool_result id missing", {"messages": [user({"type": "tool_result", "content": "x"})]},
     "messages.0.content.0.tool_use_id"),
    ("system a number", {"system": 5}, "system"),
    ("system image", {"system": [{"type": "image"}]}, "system.0.type"),
    ("tools not a list", {"tools": {}}, "tools"),
    ("tool without schema", {"tools": [{"name": "f"}]}, "tools.0.input_schema"),
    ("tool without name", {"tools": [{"input_schema": {}}]}, "tools.0.name"),
    ("tool_choice unknown", {"tools": [{"name": "f", "input_schema": {}}],
                             "tool_choice": {"type": "required"}}, "tool_choice.type"),
    ("tool_choice tool without name", {"tools": [{"name": "f", "input_schema": {}}],
                                       "tool_choice": {"type": "tool"}}, "tool_choice.name"),
    ("temperature a string", {"temperature": "1"}, "temperature"),
    ("stop_sequences a string", {"stop_sequences": "END"}, "stop_sequences"),
    ("stream a string", {"stream": "yes"}, "stream"),
]


@pytest.mark.parametrize(("fields", "param"), [(f, p) for _, f, p in REFUSED],
                         ids=[name for name, _, _ in REFUSED])
def test_what_anthropic_refuses_is_refused_naming_the_field(fields: dict[str, Any],
                                                            param: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        to_chat(body() | fields)
    assert caught.value.param == param
    assert caught.value.message.startswith(param)


def test_the_refusal_names_an_unknown_block_type() -> None:
    with pytest.raises(ProtocolError, match="'container_upload'"):
        to_chat(body(user({"type": "container_upload", "file_id": "f"})))


def test_a_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ProtocolError):
        to_chat([])  # type: ignore[arg-type]
