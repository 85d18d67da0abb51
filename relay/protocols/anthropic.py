"""The Anthropic Messages API (Claude Code) translated to and from Chat Completions, for
providers that speak only Chat Completions; plus Anthropic's usage and error shapes."""

import json
from typing import Any

from app.metering import MAX_REPORTED_TOKENS, Usage, parse_usage
from relay.protocols.anthropic_blocks import (
    TEXT_JOINER,
    assistant_message,
    block_texts,
    expect,
    user_messages,
)
from relay.protocols.common import ProtocolError

# Chat finish_reason -> Anthropic stop_reason; anything else (or none) ends the turn.
STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use",
                "function_call": "tool_use", "content_filter": "refusal"}
# The tool types that are plain client functions; the rest (web_search_20250305, bash_…,
# text_editor_…) run on Anthropic's servers, which a Chat Completions provider cannot do.
FUNCTION_TOOL_TYPES = (None, "custom")


def to_chat(body: dict[str, Any], *, for_count: bool = False) -> dict[str, Any]:
    """A Messages request -> the equivalent Chat Completions request body.

    Fields with no Chat Completions counterpart (top_k, metadata, thinking, service_tier,
    context_management, output_config…) are dropped: OpenAI-compatible providers refuse
    unknown fields. ``for_count`` reads a count_tokens body, which has no max_tokens.
    """
    expect(isinstance(body, dict), "Input should be a valid object", "body")
    model = body.get("model")
    expect(isinstance(model, str) and bool(model), "Field required", "model")
    chat: dict[str, Any] = {"model": model, "messages": _messages(body)}
    if not for_count:
        max_tokens = body.get("max_tokens")
        expect(max_tokens is not None, "Field required", "max_tokens")
        expect(isinstance(max_tokens, int) and not isinstance(max_tokens, bool)
               and max_tokens >= 1,
               "Input should be an integer greater than or equal to 1", "max_tokens")
        chat["max_tokens"] = max_tokens
    chat.update(_tools(body))
    chat.update(_sampling(body))
    if not for_count:
        stream = body.get("stream", False)
        expect(isinstance(stream, bool), "Input should be a valid boolean", "stream")
        if stream:
            chat["stream"] = True
            chat["stream_options"] = {"include_usage": True}
    return chat


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The system prompt as one leading system message, then each turn in order."""
    chat: list[dict[str, Any]] = []
    system = body.get("system")
    if system is not None:
        texts = block_texts(system, "system")
        if texts:
            chat.append({"role": "system", "content": TEXT_JOINER.join(texts)})
    messages = body.get("messages")
    expect(messages is not None, "Field required", "messages")
    if not isinstance(messages, list):
        raise ProtocolError("messages: Input should be a valid list", "messages")
    expect(bool(messages), "at least one message is required", "messages")
    for i, message in enumerate(messages):
        param = f"messages.{i}"
        expect(isinstance(message, dict), "Input should be a valid object", param)
        role = message.get("role")
        if role not in ("user", "assistant", "system"):
            raise ProtocolError(f"{param}.role: Input should be 'user' or 'assistant'",
                                f"{param}.role")
        expect("content" in message, "Field required", f"{param}.content")
        content = message["content"]
        if role == "user":
            chat.extend(user_messages(content, f"{param}.content"))
        elif role == "assistant":
            chat.append(assistant_message(content, f"{param}.content"))
        else:
            # Claude Code's mid-conversation system turns stay where they were said.
            texts = block_texts(content, f"{param}.content")
            chat.append({"role": "system", "content": TEXT_JOINER.join(texts)})
    return chat


def _tools(body: dict[str, Any]) -> dict[str, Any]:
    """tools and tool_choice; server tools are dropped, and with no tool left, so is the
    choice (a chat provider refuses tool_choice without tools)."""
    tools = body.get("tools")
    if tools is None:
        return {}
    expect(isinstance(tools, list), "Input should be a valid list", "tools")
    functions = []
    for i, tool in enumerate(tools):
        param = f"tools.{i}"
        expect(isinstance(tool, dict), "Input should be a valid object", param)
        if tool.get("type") not in FUNCTION_TOOL_TYPES:
            continue
        name = tool.get("name")
        expect(isinstance(name, str) and bool(name), "Field required", f"{param}.name")
        schema = tool.get("input_schema")
        expect(isinstance(schema, dict), "Field required", f"{param}.input_schema")
        function: dict[str, Any] = {"name": name}
        description = tool.get("description")
        if description is not None:
            expect(isinstance(description, str), "Input should be a valid string",
                   f"{param}.description")
            function["description"] = description
        function["parameters"] = schema
        functions.append({"type": "function", "function": function})
    if not functions:
        return {}
    out: dict[str, Any] = {"tools": functions}
    choice = body.get("tool_choice")
    if choice is not None:
        out.update(_tool_choice(choice))
    return out


def _tool_choice(choice: Any) -> dict[str, Any]:
    expect(isinstance(choice, dict), "Input should be a valid object", "tool_choice")
    kind = choice.get("type")
    out: dict[str, Any] = {}
    if kind == "auto":
        out["tool_choice"] = "auto"
    elif kind == "any":
        out["tool_choice"] = "required"
    elif kind == "none":
        out["tool_choice"] = "none"
    elif kind == "tool":
        name = choice.get("name")
        expect(isinstance(name, str) and bool(name), "Field required", "tool_choice.name")
        out["tool_choice"] = {"type": "function", "function": {"name": name}}
    else:
        raise ProtocolError("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'",
                            "tool_choice.type")
    parallel = choice.get("disable_parallel_tool_use")
    expect(parallel is None or isinstance(parallel, bool), "Input should be a valid boolean",
           "tool_choice.disable_parallel_tool_use")
    if parallel:
        out["parallel_tool_calls"] = False
    return out


def _sampling(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("temperature", "top_p"):
        value = body.get(name)
        if value is not None:
            expect(_is_number(value), "Input should be a valid number", name)
            out[name] = value
    stops = body.get("stop_sequences")
    if stops is not None:
        expect(isinstance(stops, list) and all(isinstance(s, str) for s in stops),
               "Input should be a valid list of strings", "stop_sequences")
        if stops:
            out["stop"] = list(stops)
    return out


def from_chat(chat: dict[str, Any], model: str, message_id: str) -> dict[str, Any]:
    """A non-streamed chat.completion object -> an Anthropic Message object.

    Usage comes from the chat usage; none (or nonsense) reads as zeros here, the relay bills
    its own estimate in that case.
    """
    choices = chat.get("choices") if isinstance(chat, dict) else None
    choice = choices[0] if isinstance(choices, list) and choices else {}
    choice = choice if isinstance(choice, dict) else {}
    message = choice.get("message")
    message = message if isinstance(message, dict) else {}
    content: list[dict[str, Any]] = []
    reasoning = message.get("reasoning_content") or message.get("reasoning")
    if isinstance(reasoning, str) and reasoning:
        content.append({"type": "thinking", "thinking": reasoning, "signature": ""})
    for field in ("content", "refusal"):  # OpenAI's refusal text is what the user should read
        text = message.get(field)
        if isinstance(text, str) and text:
            content.append({"type": "text", "text": text})
    calls = message.get("tool_calls")
    for i, call in enumerate(calls if isinstance(calls, list) else []):
        if isinstance(call, dict):
            content.append(_tool_use(call, f"{message_id}_{i}"))
    usage = parse_usage(chat.get("usage") if isinstance(chat, dict) else None) or Usage()
    return {"id": message_id, "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": chat_stop_reason(choice.get("finish_reason")),
            "stop_sequence": None,
            "usage": usage_fields(usage) | {"cache_creation_input_tokens": 0}}


def chat_stop_reason(finish_reason: Any) -> str:
    """A chat finish_reason as Anthropic's stop_reason."""
    if isinstance(finish_reason, str):
        return STOP_REASONS.get(finish_reason, "end_turn")
    return "end_turn"


def _tool_use(call: dict[str, Any], fallback_id: str) -> dict[str, Any]:
    function = call.get("function")
    function = function if isinstance(function, dict) else {}
    call_id = call.get("id")
    name = function.get("name")
    return {"type": "tool_use",
            "id": call_id if isinstance(call_id, str) and call_id else f"toolu_{fallback_id}",
            "name": name if isinstance(name, str) else "",
            "input": tool_input(function.get("arguments"))}


def tool_input(arguments: Any) -> dict[str, Any]:
    """A call's arguments as the tool_use input object.

    No arguments read as ``{}``; arguments that are not a JSON object (broken JSON, a bare
    value) are kept whole under ``"arguments"`` as the model wrote them, so the client's
    schema check reports them back to the model instead of their silently vanishing.
    """
    if isinstance(arguments, dict):
        return arguments
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        return {}
    if isinstance(arguments, str):
        try:
            parsed = json.loads(arguments)
        except (ValueError, RecursionError):
            return {"arguments": arguments}
        if isinstance(parsed, dict):
            return parsed
        return {"arguments": arguments}
    return {"arguments": arguments}


def usage_fields(usage: Usage) -> dict[str, int]:
    """input_tokens (= prompt - cached), output_tokens, cache_read_input_tokens."""
    return {"input_tokens": max(usage.prompt_tokens - usage.cached_tokens, 0),
            "output_tokens": usage.completion_tokens,
            "cache_read_input_tokens": usage.cached_tokens}


def _sane(value: Any) -> bool:
    return _is_int(value) and 0 <= value <= MAX_REPORTED_TOKENS


def read_usage(usage: Any) -> Usage | None:
    """Anthropic usage (native providers) -> Usage; None when missing or any count is nonsense
    (negative, not an integer, a bool, beyond any context window), so the relay estimates.

    Anthropic's input_tokens excludes cache reads and cache writes; Usage's prompt includes
    both, and cache writes are billed at the input price.
    """
    if not isinstance(usage, dict):
        return None
    names = ("input_tokens", "output_tokens", "cache_read_input_tokens",
             "cache_creation_input_tokens")
    counts = {name: usage.get(name) for name in names}
    if counts["input_tokens"] is None and counts["output_tokens"] is None:
        return None
    if any(value is not None and not _sane(value) for value in counts.values()):
        return None
    read = counts["cache_read_input_tokens"] or 0
    prompt = (counts["input_tokens"] or 0) + read + (counts["cache_creation_input_tokens"] or 0)
    return Usage(prompt_tokens=prompt, cached_tokens=read,
                 completion_tokens=counts["output_tokens"] or 0)


def error_body(error_type: str, message: str) -> dict[str, Any]:
    """Anthropic's error shape, which its SDK maps to its error classes."""
    return {"type": "error", "error": {"type": error_type, "message": message}}
