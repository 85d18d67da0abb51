"""Anthropic Messages content blocks -> Chat Completions messages.

One Anthropic message can become several chat messages: a user message's ``tool_result``
blocks each become a ``role: "tool"`` message, placed before the rest of that user turn,
because Chat Completions requires the tool answers to follow the assistant's calls directly.
"""

import json
from typing import Any

from relay.protocols.common import ProtocolError

# Blocks' text is joined with a blank line: Anthropic gives adjacent blocks no separator
# semantics, and a blank line keeps paragraphs (Claude Code's reminder, then the prompt) apart
# without gluing words together, in the plain-string form every compatible provider accepts.
TEXT_JOINER = "\n\n"


def expect(condition: bool, message: str, param: str) -> None:
    """Refuse the request the way Anthropic's 400 does: ``param: what is wrong``."""
    if not condition:
        raise ProtocolError(f"{param}: {message}", param)


def an_object(value: Any, param: str, missing: str = "Input should be a valid object"
              ) -> dict[str, Any]:
    expect(isinstance(value, dict), missing if value is None else
           "Input should be a valid object", param)
    return dict(value)


def text_of(value: Any, param: str) -> str:
    expect(isinstance(value, str), "Input should be a valid string", param)
    return str(value)


def block_list(content: Any, param: str) -> list[dict[str, Any]]:
    """The content as a list of blocks; a plain string is one text block."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    expect(isinstance(content, list), "Input should be a valid string or list of blocks", param)
    for i, block in enumerate(content):
        expect(isinstance(block, dict), "Input should be a content block object",
               f"{param}.{i}")
        expect(isinstance(block.get("type"), str), "Field required", f"{param}.{i}.type")
    return list(content)


def block_texts(content: Any, param: str) -> list[str]:
    """The texts of string-or-text-blocks content (system prompts, system messages)."""
    texts = []
    for i, block in enumerate(block_list(content, param)):
        expect(block["type"] == "text", f"Input tag '{block['type']}' is not a text block",
               f"{param}.{i}.type")
        texts.append(text_of(block.get("text"), f"{param}.{i}.text"))
    return texts


def image_part(block: dict[str, Any], param: str) -> dict[str, Any]:
    """An image block as a chat ``image_url`` part (base64 becomes a data: URL)."""
    source = an_object(block.get("source"), f"{param}.source", "Field required")
    kind = source.get("type")
    if kind == "base64":
        media = text_of(source.get("media_type"), f"{param}.source.media_type")
        data = text_of(source.get("data"), f"{param}.source.data")
        return {"type": "image_url", "image_url": {"url": f"data:{media};base64,{data}"}}
    if kind == "url":
        url = text_of(source.get("url"), f"{param}.source.url")
        return {"type": "image_url", "image_url": {"url": url}}
    raise ProtocolError(f"{param}.source.type: image source type {kind!r} is not supported here",
                        f"{param}.source.type")


def document_text(block: dict[str, Any], param: str) -> str:
    """A document's text: plain-text sources and content sources of text blocks only (a PDF has
    no Chat Completions form the relay's providers share)."""
    source = an_object(block.get("source"), f"{param}.source", "Field required")
    kind = source.get("type")
    if kind in ("text", "content"):
        # The title and context are for the model too (Anthropic shows it both).
        extra = [text_of(block[field], f"{param}.{field}") for field in ("title", "context")
                 if block.get(field) is not None]
        if kind == "text":
            body = text_of(source.get("data"), f"{param}.source.data")
        else:
            body = TEXT_JOINER.join(block_texts(source.get("content"),
                                                f"{param}.source.content"))
        return TEXT_JOINER.join([*extra, body])
    raise ProtocolError(f"{param}.source.type: document source type {kind!r} is not supported "
                        "here; send the document as text", f"{param}.source.type")


def tool_result(block: dict[str, Any], param: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A ``tool_result`` -> its chat tool message and the image parts it held.

    ``is_error`` has no chat counterpart and adds nothing: the result text is forwarded exactly
    as the client wrote it (Claude Code already words its errors, ``<tool_use_error>…``), so
    the model reads what the tool said and no invented prefix. Chat tool messages carry text
    only, so images move to the user message that follows the tool messages.
    """
    call_id = text_of(block.get("tool_use_id"), f"{param}.tool_use_id")
    content = block.get("content", "")
    texts: list[str] = []
    images: list[dict[str, Any]] = []
    for i, inner in enumerate(block_list(content, f"{param}.content")):
        where = f"{param}.content.{i}"
        if inner["type"] == "text":
            texts.append(text_of(inner.get("text"), f"{where}.text"))
        elif inner["type"] == "image":
            images.append(image_part(inner, where))
        elif inner["type"] == "document":
            texts.append(document_text(inner, where))
        else:
            raise ProtocolError(f"{where}.type: block type {inner['type']!r} is not allowed in "
                                "a tool_result", f"{where}.type")
    message = {"role": "tool", "tool_call_id": call_id, "content": TEXT_JOINER.join(texts)}
    return message, images


def user_messages(content: Any, param: str) -> list[dict[str, Any]]:
    """A user turn -> tool messages (in order), then the user message of what remains: the
    images tool results held first (they belong to those results), then the other blocks."""
    tools: list[dict[str, Any]] = []
    result_images: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for i, block in enumerate(block_list(content, param)):
        where, kind = f"{param}.{i}", block["type"]
        if kind == "text":
            parts.append({"type": "text", "text": text_of(block.get("text"), f"{where}.text")})
        elif kind == "image":
            parts.append(image_part(block, where))
        elif kind == "document":
            parts.append({"type": "text", "text": document_text(block, where)})
        elif kind == "tool_result":
            message, images = tool_result(block, where)
            tools.append(message)
            result_images.extend(images)
        else:
            raise ProtocolError(f"{where}.type: block type {kind!r} is not supported in a user "
                                "message", f"{where}.type")
    parts = result_images + parts
    messages = list(tools)
    if parts or not tools:
        messages.append({"role": "user", "content": user_content(parts)})
    return messages


def user_content(parts: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """Text-only content as one string (what every provider accepts); with images, the list of
    parts in order, each text its own part."""
    if all(part["type"] == "text" for part in parts):
        return TEXT_JOINER.join(part["text"] for part in parts)
    return parts


def assistant_message(content: Any, param: str) -> dict[str, Any]:
    """An assistant turn -> one chat assistant message: text, ``tool_calls`` and the thinking as
    ``reasoning_content`` (DeepSeek wants its reasoning passed back within a tool loop).

    ``redacted_thinking`` holds Anthropic-encrypted data no provider here can read, so it adds no
    text; it still makes ``reasoning_content`` present, as a thinking turn had it.
    """
    texts: list[str] = []
    thinking: list[str] = []
    had_thinking = False
    calls: list[dict[str, Any]] = []
    for i, block in enumerate(block_list(content, param)):
        where, kind = f"{param}.{i}", block["type"]
        if kind == "text":
            texts.append(text_of(block.get("text"), f"{where}.text"))
        elif kind == "thinking":
            thinking.append(text_of(block.get("thinking"), f"{where}.thinking"))
            had_thinking = True
        elif kind == "redacted_thinking":
            had_thinking = True
        elif kind == "tool_use":
            calls.append(tool_call(block, where))
        else:
            raise ProtocolError(f"{where}.type: block type {kind!r} is not supported in an "
                                "assistant message", f"{where}.type")
    message: dict[str, Any] = {"role": "assistant",
                               "content": TEXT_JOINER.join(texts) if texts or not calls else None}
    if had_thinking:
        message["reasoning_content"] = TEXT_JOINER.join(thinking)
    if calls:
        message["tool_calls"] = calls
    return message


def tool_call(block: dict[str, Any], param: str) -> dict[str, Any]:
    """A ``tool_use`` block -> a chat tool call; arguments are the input as compact JSON."""
    call_id = text_of(block.get("id"), f"{param}.id")
    name = text_of(block.get("name"), f"{param}.name")
    arguments = block.get("input", {})
    expect(isinstance(arguments, dict), "Input should be a valid dictionary", f"{param}.input")
    try:
        encoded = json.dumps(arguments, separators=(",", ":"), ensure_ascii=False,
                             allow_nan=False)
    except (ValueError, TypeError, RecursionError) as exc:
        raise ProtocolError(f"{param}.input: not encodable as JSON", f"{param}.input") from exc
    return {"id": call_id, "type": "function",
            "function": {"name": name, "arguments": encoded}}
