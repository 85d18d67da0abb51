"""The OpenAI Responses API (``/v1/responses``, Codex CLI) over Chat Completions upstreams.

:func:`to_chat` turns a Responses request into a chat request, :func:`from_chat` a chat answer
into a Response object; streams are in :mod:`relay.protocols.responses_stream`. Nothing is
stored: requests that need server-side state (``previous_response_id``, ``conversation``,
``background``, stored prompts) are refused with a message that says why; ``store: true`` is
accepted and ignored. Input items: :mod:`responses_items`; tools: :mod:`responses_tools`.
"""

from typing import Any

from app.metering import MAX_REPORTED_TOKENS, Usage, parse_usage
from relay.protocols.common import ProtocolError
from relay.protocols.responses_items import input_messages
from relay.protocols.responses_tools import (
    call_item,
    chat_tool_choice,
    chat_tools,
    declared_tools,
)

NO_STORAGE = ("this relay stores no conversation content (its privacy policy forbids it); send "
              "the whole conversation in `input`.")
# Fields that need state the relay does not keep, and the reason each is refused.
STATEFUL = {
    "previous_response_id": f"previous_response_id is not supported: {NO_STORAGE}",
    "conversation": f"conversation is not supported: {NO_STORAGE}",
    "prompt": "Stored prompts ('prompt') are not supported: this relay stores no content; "
              "send the instructions and input themselves.",
}
# Finish reasons after which a Response is incomplete, and the reason it gives.
INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


def incomplete_reason(finish_reason: Any) -> str | None:
    """Why a Response is incomplete after a chat finish reason; None if it is complete."""
    return INCOMPLETE.get(finish_reason) if isinstance(finish_reason, str) else None


def _number(body: dict[str, Any], key: str) -> float | int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProtocolError(f"Invalid type for '{key}': expected a number.", key)
    return value


def _response_format(text: Any) -> dict[str, Any] | None:
    if text is None:
        return None
    if not isinstance(text, dict):
        raise ProtocolError("Invalid type for 'text': expected an object.", "text")
    fmt = text.get("format")
    if fmt is None:
        return None
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind == "text":
        return None
    if kind == "json_object":
        return {"type": "json_object"}
    if kind == "json_schema":
        assert isinstance(fmt, dict)
        name, schema = fmt.get("name"), fmt.get("schema")
        if not isinstance(name, str) or not name:
            raise ProtocolError("Missing required parameter: 'text.format.name'.",
                                "text.format.name")
        if not isinstance(schema, dict):
            raise ProtocolError("Missing required parameter: 'text.format.schema'.",
                                "text.format.schema")
        spec: dict[str, Any] = {"name": name, "schema": schema}
        if isinstance(fmt.get("strict"), bool):
            spec["strict"] = fmt["strict"]
        if isinstance(fmt.get("description"), str):
            spec["description"] = fmt["description"]
        return {"type": "json_schema", "json_schema": spec}
    raise ProtocolError(f"Invalid value for 'text.format.type': {kind!r}.", "text.format.type")


def _refuse_stateful(body: dict[str, Any]) -> None:
    for key, message in STATEFUL.items():
        if body.get(key) is not None:
            raise ProtocolError(message, key)
    if body.get("background") is True:
        raise ProtocolError(f"background is not supported: {NO_STORAGE}", "background")


def to_chat(body: dict[str, Any]) -> dict[str, Any]:
    """A Responses request -> the equivalent Chat Completions request body.

    Accepted and not forwarded (they steer OpenAI's own storage, caching or billing): store,
    include, metadata, user, prompt_cache_key, service_tier, truncation, reasoning,
    safety_identifier, client_metadata and unknown fields.
    """
    if not isinstance(body, dict):
        raise ProtocolError("The request body must be a JSON object.")
    _refuse_stateful(body)
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ProtocolError("Missing required parameter: 'model'.", "model")
    if "input" not in body or body["input"] is None:
        raise ProtocolError("Missing required parameter: 'input'.", "input")
    messages = input_messages(body["input"])
    instructions = body.get("instructions")
    if instructions is not None:
        if not isinstance(instructions, str):
            raise ProtocolError("Invalid type for 'instructions': expected a string.",
                                "instructions")
        if messages and messages[0]["role"] == "system":
            messages[0] = {**messages[0],
                           "content": instructions + "\n\n" + messages[0]["content"]}
        else:
            messages.insert(0, {"role": "system", "content": instructions})
    if not messages:
        raise ProtocolError("Invalid 'input': it holds no message to send.", "input")
    chat: dict[str, Any] = {"model": model, "messages": messages}
    tools = chat_tools(body.get("tools"))
    if tools:
        chat["tools"] = tools
        if isinstance(body.get("parallel_tool_calls"), bool):
            chat["parallel_tool_calls"] = body["parallel_tool_calls"]
    choice = chat_tool_choice(body.get("tool_choice"), tools)
    if choice is not None:
        chat["tool_choice"] = choice
    limit = body.get("max_output_tokens")
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ProtocolError("Invalid 'max_output_tokens': expected a positive integer.",
                                "max_output_tokens")
        chat["max_tokens"] = limit
    for key in ("temperature", "top_p"):
        if (value := _number(body, key)) is not None:
            chat[key] = value
    response_format = _response_format(body.get("text"))
    if response_format is not None:
        chat["response_format"] = response_format
    if body.get("stream") is True:
        chat["stream"] = True
        chat["stream_options"] = {"include_usage": True}
    return chat


def usage_fields(usage: Usage) -> dict[str, Any]:
    """A Responses ``usage`` object; reasoning tokens are not reported apart by chat upstreams
    (they are inside the output count), so 0."""
    return {
        "input_tokens": usage.prompt_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_tokens},
        "output_tokens": usage.completion_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": usage.prompt_tokens + usage.completion_tokens,
    }


def _count(value: Any) -> int | None:
    if value is None:
        return 0
    if (not isinstance(value, int) or isinstance(value, bool) or value < 0
            or value > MAX_REPORTED_TOKENS):
        return None
    return value


def read_usage(usage: Any) -> Usage | None:
    """A Responses usage object (native providers) -> Usage; None if missing or nonsense."""
    if not isinstance(usage, dict) or ("input_tokens" not in usage
                                       and "output_tokens" not in usage):
        return None
    details = usage.get("input_tokens_details")
    prompt, completion = _count(usage.get("input_tokens")), _count(usage.get("output_tokens"))
    cached = _count(details.get("cached_tokens")) if isinstance(details, dict) else 0
    if prompt is None or completion is None or cached is None or cached > prompt:
        return None
    return Usage(prompt, cached, completion)


def response_object(request: dict[str, Any], response_id: str, created_at: int, model: str,
                    status: str, output: list[dict[str, Any]], usage: Usage | None = None,
                    incomplete_reason: str | None = None,
                    error: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Response object echoing the request's settings, as OpenAI's answers do (the openai SDK
    models expect those fields)."""
    def given(key: str, default: Any = None) -> Any:
        value = request.get(key)
        return default if value is None else value

    metadata = request.get("metadata")
    return {
        "id": response_id, "object": "response", "created_at": created_at, "status": status,
        "background": False, "error": error,
        "incomplete_details": {"reason": incomplete_reason} if incomplete_reason else None,
        "instructions": given("instructions"),
        "max_output_tokens": given("max_output_tokens"),
        "model": model, "output": output,
        "parallel_tool_calls": given("parallel_tool_calls", True),
        "previous_response_id": None,
        "reasoning": given("reasoning", {"effort": None, "summary": None}),
        "store": False,
        "temperature": given("temperature", 1.0),
        "text": given("text", {"format": {"type": "text"}}),
        "tool_choice": given("tool_choice", "auto"),
        "tools": given("tools", []),
        "top_p": given("top_p", 1.0),
        "truncation": "disabled",
        "usage": usage_fields(usage) if usage is not None else None,
        "metadata": metadata if isinstance(metadata, dict) else {},
    }


def item_id(prefix: str, response_id: str, index: int) -> str:
    """An output item's id, unique within the response and derived from its id."""
    return f"{prefix}_{response_id.removeprefix('resp_')}_{index}"


def message_item(item_id_: str, text: str, status: str = "completed") -> dict[str, Any]:
    return {"type": "message", "id": item_id_, "role": "assistant", "status": status,
            "content": [{"type": "output_text", "text": text, "annotations": [],
                         "logprobs": []}]}


def reasoning_item(item_id_: str, text: str) -> dict[str, Any]:
    return {"type": "reasoning", "id": item_id_,
            "summary": [{"type": "summary_text", "text": text}]}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def from_chat(chat: dict[str, Any], request: dict[str, Any], response_id: str,
              created_at: int, model: str) -> dict[str, Any]:
    """A non-streamed chat.completion -> a Response object (status completed/incomplete)."""
    choices = chat.get("choices") if isinstance(chat, dict) else None
    choice = choices[0] if isinstance(choices, list) and choices else {}
    choice = choice if isinstance(choice, dict) else {}
    message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
    assert isinstance(message, dict)
    output: list[dict[str, Any]] = []
    reasoning = _str(message.get("reasoning_content")) or _str(message.get("reasoning"))
    if reasoning:
        output.append(reasoning_item(item_id("rs", response_id, len(output)), reasoning))
    text = _str(message.get("content")) + _str(message.get("refusal"))
    if text:
        output.append(message_item(item_id("msg", response_id, len(output)), text))
    tools = declared_tools(request)
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else []:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            continue
        assert isinstance(call, dict)
        name = _str(function.get("name"))
        index = len(output)
        call_id = _str(call.get("id")) or item_id("call", response_id, index)
        prefix = "ctc" if name in tools and tools[name].custom else "fc"
        output.append(call_item(item_id(prefix, response_id, index), call_id, name,
                                _str(function.get("arguments")), tools))
    reason = incomplete_reason(choice.get("finish_reason"))
    return response_object(request, response_id, created_at, model,
                           "incomplete" if reason else "completed", output,
                           parse_usage(chat.get("usage")) if isinstance(chat, dict) else None,
                           reason)
