"""Responses ``input`` items -> Chat Completions ``messages``.

The Responses API keeps a conversation as a flat list of typed items (messages, function calls,
their outputs, reasoning); Chat Completions nests tool calls inside assistant messages. Choices
made here, and why:

- consecutive ``function_call`` / ``custom_tool_call`` items, and the assistant text right
  before them, become ONE assistant message: chat providers expect an assistant turn's parallel
  calls together and the matching ``tool`` messages right after it;
- ``reasoning`` items become the ``reasoning_content`` of the next assistant message (DeepSeek
  asks for it back within a tool-calling turn; other providers ignore the field); a reasoning
  item with no assistant message after it is dropped, and ``encrypted_content`` is always
  dropped: only OpenAI can read it;
- consecutive system/developer messages merge into one (several providers refuse more than
  one leading system message); texts of several parts join with a blank line;
- images in a tool's output go into a user message after the run of tool messages: chat tool
  messages carry text only, and nothing may sit between an assistant's calls and their outputs;
- anything needing stored state (``item_reference``, files by ``file_id``) or a hosted tool's
  call (``web_search_call``, ``local_shell_call``, ...) is refused by name.
"""

import json
from typing import Any

from relay.protocols.common import ProtocolError
from relay.protocols.responses_tools import chat_name

PART_JOIN = "\n\n"
TEXT_PARTS = ("input_text", "output_text", "text", "summary_text", "reasoning_text")
ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}


def _text_of(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ProtocolError(f"Invalid type for '{where}': expected a string.", where)
    return value


def _parts(content: Any, where: str, role: str) -> list[dict[str, Any]]:
    """A message's content as chat parts: text parts and (user messages only) image parts."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if not isinstance(content, list):
        raise ProtocolError(f"Invalid type for '{where}': expected a string or an array.", where)
    parts: list[dict[str, Any]] = []
    for i, part in enumerate(content):
        at = f"{where}[{i}]"
        if not isinstance(part, dict):
            raise ProtocolError(f"Invalid type for '{at}': expected an object.", at)
        kind = part.get("type")
        if kind in TEXT_PARTS:
            parts.append({"type": "text", "text": _text_of(part.get("text"), f"{at}.text")})
        elif kind == "refusal":
            parts.append({"type": "text", "text": _text_of(part.get("refusal"), f"{at}.refusal")})
        elif kind == "input_image" and role == "user":
            parts.append(_image(part, at))
        elif kind in ("input_image", "input_file", "input_audio"):
            if part.get("file_id") is not None:
                raise ProtocolError(
                    f"'{at}.file_id' is not supported: this relay stores no files; send the "
                    "content inline (an image as a data: URL).", f"{at}.file_id")
            raise ProtocolError(f"Content of type '{kind}' is not supported here.", f"{at}.type")
        else:
            raise ProtocolError(f"Invalid value for '{at}.type': {kind!r}.", f"{at}.type")
    return parts


def _image(part: dict[str, Any], at: str) -> dict[str, Any]:
    if part.get("file_id") is not None:
        raise ProtocolError(
            f"'{at}.file_id' is not supported: this relay stores no files; send the image as "
            "an image_url (a data: URL works).", f"{at}.file_id")
    url = part.get("image_url")
    if not isinstance(url, str) or not url:
        raise ProtocolError(f"Missing required parameter: '{at}.image_url'.", f"{at}.image_url")
    image: dict[str, Any] = {"url": url}
    if isinstance(part.get("detail"), str):
        image["detail"] = part["detail"]
    return {"type": "image_url", "image_url": image}


def _joined(parts: list[dict[str, Any]]) -> str:
    return PART_JOIN.join(p["text"] for p in parts)


def _content(parts: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """Plain text when there is no image: many chat providers accept only string content."""
    if all(p["type"] == "text" for p in parts):
        return _joined(parts)
    return parts


class _Builder:
    """Accumulates chat messages while walking the items, merging as the module doc says."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.reasoning: list[str] = []
        self.tool_images: list[dict[str, Any]] = []

    def _flush_images(self) -> None:
        if self.tool_images:
            self.messages.append({"role": "user", "content": self.tool_images})
            self.tool_images = []

    def _last(self, role: str) -> dict[str, Any] | None:
        if self.messages and self.messages[-1]["role"] == role:
            return self.messages[-1]
        return None

    def _take_reasoning(self, message: dict[str, Any]) -> None:
        if self.reasoning:
            message["reasoning_content"] = PART_JOIN.join(self.reasoning)
            self.reasoning = []

    def message(self, role: str, parts: list[dict[str, Any]]) -> None:
        self._flush_images()
        if role == "system" and (last := self._last("system")) is not None:
            last["content"] = last["content"] + PART_JOIN + _joined(parts)
            return
        message: dict[str, Any] = {"role": role, "content": _content(parts)}
        if role == "assistant":
            self._take_reasoning(message)
        self.messages.append(message)

    def call(self, call_id: str, name: str, arguments: str) -> None:
        self._flush_images()
        last = self._last("assistant")
        if last is None or self.reasoning:
            last = {"role": "assistant", "content": None}
            self._take_reasoning(last)
            self.messages.append(last)
        last.setdefault("tool_calls", []).append({
            "id": call_id, "type": "function",
            "function": {"name": name, "arguments": arguments}})

    def output(self, call_id: str, parts: list[dict[str, Any]]) -> None:
        texts = [p for p in parts if p["type"] == "text"]
        self.tool_images.extend(p for p in parts if p["type"] != "text")
        self.messages.append({"role": "tool", "tool_call_id": call_id, "content": _joined(texts)})

    def finish(self) -> list[dict[str, Any]]:
        self._flush_images()
        return self.messages  # trailing reasoning has no assistant message to go to: dropped


def _string(item: dict[str, Any], key: str, at: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise ProtocolError(f"Missing required parameter: '{at}.{key}'.", f"{at}.{key}")
    return value


def _reasoning_text(item: dict[str, Any], at: str) -> str:
    """The raw reasoning if the item has it, else its summary."""
    for key in ("content", "summary"):
        parts = item.get(key)
        if isinstance(parts, list) and parts:
            return _joined(_parts(parts, f"{at}.{key}", "assistant"))
    return ""


def _tool_output(item: dict[str, Any], at: str) -> list[dict[str, Any]]:
    output = item.get("output")
    if output is None:
        raise ProtocolError(f"Missing required parameter: '{at}.output'.", f"{at}.output")
    return _parts(output, f"{at}.output", "user")


def _item(builder: _Builder, item: Any, at: str) -> None:
    if not isinstance(item, dict):
        raise ProtocolError(f"Invalid type for '{at}': expected an object.", at)
    kind = item.get("type", "message")
    if kind == "message":
        given = item.get("role")
        role = ROLES.get(given) if isinstance(given, str) else None
        if role is None:
            raise ProtocolError(f"Invalid value for '{at}.role': {given!r}.", f"{at}.role")
        builder.message(role, _parts(item.get("content"), f"{at}.content", role))
    elif kind == "function_call":
        builder.call(_string(item, "call_id", at),
                     chat_name(_string(item, "name", at), item.get("namespace")),
                     _string(item, "arguments", at))
    elif kind == "custom_tool_call":
        # A custom tool is offered to chat models as a function taking one string `input`.
        arguments = json.dumps({"input": _string(item, "input", at)}, ensure_ascii=False)
        builder.call(_string(item, "call_id", at),
                     chat_name(_string(item, "name", at), item.get("namespace")), arguments)
    elif kind in ("function_call_output", "custom_tool_call_output"):
        builder.output(_string(item, "call_id", at), _tool_output(item, at))
    elif kind == "reasoning":
        text = _reasoning_text(item, at)
        if text:
            builder.reasoning.append(text)
    elif kind == "item_reference":
        raise ProtocolError(
            "Input items of type 'item_reference' are not supported: this relay stores no "
            "conversation items; send the items themselves.", f"{at}.type")
    else:
        raise ProtocolError(
            f"Input items of type {kind!r} are not supported by this relay (it serves the "
            "Responses API over chat-completions models, without hosted tools).", f"{at}.type")


def input_messages(value: Any) -> list[dict[str, Any]]:
    """The chat messages for a Responses ``input`` (a string or a list of items)."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    if not isinstance(value, list):
        raise ProtocolError("Invalid type for 'input': expected a string or an array.", "input")
    builder = _Builder()
    for i, item in enumerate(value):
        _item(builder, item, f"input[{i}]")
    return builder.finish()
