"""Chat Completions stream chunks -> the Responses API's server-sent events.

The event sequence is OpenAI's: ``response.created``, ``response.in_progress``, then for each
output item ``response.output_item.added``, its part/delta/done events and
``response.output_item.done``, and last ``response.completed`` (or ``response.incomplete`` /
``response.failed``) carrying the whole response. Every event has a ``sequence_number`` from 0.

Reasoning deltas make a ``reasoning`` item with one summary part (Codex CLI shows
``reasoning_summary_text`` deltas and replays the finished item); text makes a ``message``
item; each tool call a ``function_call`` item, or a ``custom_tool_call`` when the request
declared that name as a custom tool. A custom call's input is only known once the JSON
arguments around it are complete, so it arrives as one delta when the call closes. Tool calls
stay open until the stream ends, so arguments of interleaved calls are never mixed up.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from app.metering import Usage
from relay.protocols.responses import incomplete_reason as incomplete_after
from relay.protocols.responses import item_id, message_item, reasoning_item, response_object
from relay.protocols.responses_tools import call_item, custom_input, declared_tools


@dataclass
class _Text:
    """The open message or reasoning item that text deltas go to."""

    kind: str  # "message" or "reasoning"
    index: int
    id: str
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _Call:
    """One tool call, by its index in the chat stream."""

    call_id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)
    index: int = -1  # its output index once announced (needs a name to know its kind)
    id: str = ""
    custom: bool = False


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


class ResponsesStream:
    """Chat Completions stream chunks (parsed dicts) -> Responses SSE bytes."""

    def __init__(self, request: dict[str, Any], response_id: str, created_at: int,
                 model: str) -> None:
        self._request = request
        self._id = response_id
        self._created_at = created_at
        self._model = model
        self._tools = declared_tools(request)
        self._sequence = 0
        self._started = False
        self._ended = False
        self._output: list[dict[str, Any] | None] = []  # None: announced, not yet done
        self._text: _Text | None = None
        self._calls: dict[int, _Call] = {}
        self._finish_reason: Any = None

    @property
    def started(self) -> bool:
        """True once any event was produced: from then on errors go out as events."""
        return self._started

    # --- encoding ---------------------------------------------------------------------------

    def _event(self, kind: str, **fields: Any) -> bytes:
        data = {"type": kind, "sequence_number": self._sequence, **fields}
        self._sequence += 1
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return f"event: {kind}\ndata: {payload}\n\n".encode()

    def _response(self, status: str, usage: Usage | None = None, reason: str | None = None,
                  error: dict[str, Any] | None = None) -> dict[str, Any]:
        output = [item for item in self._output if item is not None]
        return response_object(self._request, self._id, self._created_at, self._model, status,
                               output, usage, reason, error)

    def _start(self) -> bytes:
        if self._started:
            return b""
        self._started = True
        response = self._response("in_progress")
        return (self._event("response.created", response=response)
                + self._event("response.in_progress", response=response))

    def _announce(self) -> int:
        self._output.append(None)
        return len(self._output) - 1

    # --- message and reasoning items ----------------------------------------------------------

    def _open_text(self, kind: str) -> bytes:
        index = self._announce()
        text = _Text(kind, index, item_id("msg" if kind == "message" else "rs", self._id, index))
        self._text = text
        if kind == "message":
            item = {**message_item(text.id, "", "in_progress"), "content": []}
            return (self._event("response.output_item.added", output_index=index, item=item)
                    + self._event("response.content_part.added", item_id=text.id,
                                  output_index=index, content_index=0,
                                  part=message_item(text.id, "")["content"][0]))
        item = {**reasoning_item(text.id, ""), "summary": []}
        return (self._event("response.output_item.added", output_index=index, item=item)
                + self._event("response.reasoning_summary_part.added", item_id=text.id,
                              output_index=index, summary_index=0,
                              part={"type": "summary_text", "text": ""}))

    def _text_delta(self, kind: str, delta: str) -> bytes:
        out = b""
        if self._text is not None and self._text.kind != kind:
            out += self._close_text()
        if self._text is None:
            out += self._open_text(kind)
        text = self._text
        assert text is not None
        text.parts.append(delta)
        if kind == "message":
            return out + self._event("response.output_text.delta", item_id=text.id,
                                     output_index=text.index, content_index=0, delta=delta,
                                     logprobs=[])
        return out + self._event("response.reasoning_summary_text.delta", item_id=text.id,
                                 output_index=text.index, summary_index=0, delta=delta)

    def _close_text(self, status: str = "completed") -> bytes:
        text, self._text = self._text, None
        if text is None:
            return b""
        if text.kind == "message":
            item = message_item(text.id, text.text, status)
            self._output[text.index] = item
            return (self._event("response.output_text.done", item_id=text.id,
                                output_index=text.index, content_index=0, text=text.text,
                                logprobs=[])
                    + self._event("response.content_part.done", item_id=text.id,
                                  output_index=text.index, content_index=0,
                                  part=item["content"][0])
                    + self._event("response.output_item.done", output_index=text.index,
                                  item=item))
        item = reasoning_item(text.id, text.text)
        self._output[text.index] = item
        return (self._event("response.reasoning_summary_text.done", item_id=text.id,
                            output_index=text.index, summary_index=0, text=text.text)
                + self._event("response.reasoning_summary_part.done", item_id=text.id,
                              output_index=text.index, summary_index=0,
                              part=item["summary"][0])
                + self._event("response.output_item.done", output_index=text.index, item=item))

    # --- tool calls ---------------------------------------------------------------------------

    def _open_call(self, call: _Call) -> bytes:
        call.index = self._announce()
        call.custom = call.name in self._tools and self._tools[call.name].custom
        call.id = item_id("ctc" if call.custom else "fc", self._id, call.index)
        call.call_id = call.call_id or item_id("call", self._id, call.index)
        item = call_item(call.id, call.call_id, call.name, "", self._tools, "in_progress")
        out = self._event("response.output_item.added", output_index=call.index, item=item)
        if call.arguments and not call.custom:  # arguments that came before the name
            out += self._event("response.function_call_arguments.delta", item_id=call.id,
                               output_index=call.index, delta="".join(call.arguments))
        return out

    def _call_delta(self, delta: Any) -> bytes:
        if not isinstance(delta, dict):
            return b""
        position = delta.get("index", 0)
        position = position if isinstance(position, int) else 0
        call = self._calls.get(position)
        out = b""
        if call is None:
            out += self._close_text()
            call = self._calls[position] = _Call()
        function = delta.get("function") if isinstance(delta.get("function"), dict) else {}
        assert isinstance(function, dict)
        if not call.call_id:
            call.call_id = _str(delta.get("id"))
        call.name += _str(function.get("name"))
        arguments = _str(function.get("arguments"))
        if arguments:
            call.arguments.append(arguments)
        if call.index < 0:
            return out + (self._open_call(call) if call.name else b"")
        if arguments and not call.custom:
            out += self._event("response.function_call_arguments.delta", item_id=call.id,
                               output_index=call.index, delta=arguments)
        return out

    def _close_call(self, call: _Call, status: str) -> bytes:
        out = b"" if call.index >= 0 else self._open_call(call)
        arguments = "".join(call.arguments)
        item = call_item(call.id, call.call_id, call.name, arguments, self._tools, status)
        self._output[call.index] = item
        if call.custom:
            given = custom_input(arguments)
            if given:
                out += self._event("response.custom_tool_call_input.delta", item_id=call.id,
                                   output_index=call.index, delta=given)
            out += self._event("response.custom_tool_call_input.done", item_id=call.id,
                               output_index=call.index, input=given)
        else:
            out += self._event("response.function_call_arguments.done", item_id=call.id,
                               output_index=call.index, arguments=arguments)
        return out + self._event("response.output_item.done", output_index=call.index, item=item)

    def _close_all(self, status: str) -> bytes:
        out = self._close_text(status)
        for call in sorted(self._calls.values(), key=lambda c: (c.index < 0, c.index)):
            if call.index >= 0 or call.arguments:  # a call with no name nor arguments said nothing
                out += self._close_call(call, status)
        self._calls = {}
        return out

    # --- the public interface -----------------------------------------------------------------

    def feed(self, chunk: dict[str, Any]) -> bytes:
        """The events for one parsed chat chunk; only choice 0 is read (the relay asks n=1)."""
        if self._ended:
            return b""
        out = self._start()
        choices = chunk.get("choices") if isinstance(chunk, dict) else None
        for choice in choices if isinstance(choices, list) else []:
            if not isinstance(choice, dict) or choice.get("index", 0) not in (0, None):
                continue
            delta = choice.get("delta")
            if isinstance(delta, dict):
                reasoning = _str(delta.get("reasoning_content")) or _str(delta.get("reasoning"))
                if reasoning:
                    out += self._text_delta("reasoning", reasoning)
                text = _str(delta.get("content")) + _str(delta.get("refusal"))
                if text:
                    out += self._text_delta("message", text)
                calls = delta.get("tool_calls")
                for call in calls if isinstance(calls, list) else []:
                    out += self._call_delta(call)
            if choice.get("finish_reason") is not None:
                self._finish_reason = choice["finish_reason"]
        return out

    def finish(self, usage: Usage | None, incomplete_reason: str | None = None) -> bytes:
        """Close open items, then ``response.completed`` (or ``response.incomplete`` when the
        relay cut the stream or the model hit its token limit)."""
        if self._ended:
            return b""
        out = self._start()
        self._ended = True
        reason = incomplete_reason or incomplete_after(self._finish_reason)
        out += self._close_all("incomplete" if reason else "completed")
        if reason:
            return out + self._event("response.incomplete", response=self._response(
                "incomplete", usage, reason))
        return out + self._event("response.completed",
                                 response=self._response("completed", usage))

    def error(self, code: str, message: str) -> bytes:
        """``response.failed``: the items finished so far stay in the response's output."""
        if self._ended:
            return b""
        out = self._start()
        self._ended = True
        self._text, self._calls = None, {}
        return out + self._event("response.failed", response=self._response(
            "failed", error={"code": code, "message": message}))
