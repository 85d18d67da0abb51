"""A streamed Chat Completions answer re-told as Anthropic Messages SSE events, in the order
the anthropic SDK's MessageStream (and Claude Code) accept."""

import json
from dataclasses import dataclass, field
from typing import Any

from app.metering import Usage
from relay.protocols.anthropic import chat_stop_reason, error_body, usage_fields


def sse(event: str, data: dict[str, Any]) -> bytes:
    """One SSE event: its type on the ``event:`` line and again in the data, as Anthropic does."""
    payload = json.dumps({"type": event} | data, separators=(",", ":"), ensure_ascii=False)
    return f"event: {event}\ndata: {payload}\n\n".encode()


@dataclass
class _Tool:
    """One streamed tool call; its block starts once its name is known."""

    id: str
    name: str = ""
    block: int | None = None
    pending: list[str] = field(default_factory=list)


class MessagesStream:
    """Chat Completions stream chunks (parsed JSON dicts) -> Anthropic SSE bytes.

    Reasoning deltas become a thinking block, content a text block, each tool call a tool_use
    block; a change of kind closes the open block, so blocks arrive one after another with
    increasing indexes. A call's argument fragments are forwarded as they come, so a provider
    that interleaves two calls' fragments sends the late ones to an already closed block.
    """

    def __init__(self, model: str, message_id: str, input_tokens: int) -> None:
        self._model = model
        self._id = message_id
        self._input_tokens = input_tokens
        self._started = False
        self._done = False
        self._blocks = 0
        self._open: str | None = None  # "thinking", "text" or "tool"
        self._open_tool: int | None = None
        self._tools: dict[int, _Tool] = {}
        self._finish_reason: str | None = None

    @property
    def started(self) -> bool:
        """Whether message_start has been produced (then a failure must be an error event)."""
        return self._started

    def feed(self, chunk: dict[str, Any]) -> bytes:
        """The events one chunk adds; b"" when it adds none (usage-only, keep-alive, after the
        end). Usage in chunks is ignored: the relay reads it and hands it to :meth:`finish`."""
        if self._done:
            return b""
        out = [self._start()]
        choice = _first_choice(chunk)
        delta = choice.get("delta")
        if isinstance(delta, dict):
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if isinstance(reasoning, str) and reasoning:
                out.append(self._text("thinking", reasoning))
            for name in ("content", "refusal"):  # a refusal is text the user should read
                text = delta.get(name)
                if isinstance(text, str) and text:
                    out.append(self._text("text", text))
            calls = delta.get("tool_calls")
            for call in calls if isinstance(calls, list) else []:
                if isinstance(call, dict):
                    out.append(self._tool_delta(call))
        reason = choice.get("finish_reason")
        if isinstance(reason, str) and reason:
            self._finish_reason = reason
        return b"".join(out)

    def finish(self, usage: Usage | None, stop_reason: str | None = None) -> bytes:
        """Close the message: the open block, message_delta with the stop reason and usage,
        message_stop. ``stop_reason`` overrides the upstream's (the relay passes "max_tokens"
        when it cuts a stream at the balance hold)."""
        if self._done:
            return b""
        out = [self._start()]
        for tool in self._tools.values():
            if tool.block is None:  # a call whose name never came still reaches the client
                out.append(self._start_tool(tool))
        out.append(self._close())
        self._done = True
        reason = stop_reason or chat_stop_reason(self._finish_reason)
        counts = usage_fields(usage) if usage is not None else {"output_tokens": 0}
        out.append(sse("message_delta", {"delta": {"stop_reason": reason, "stop_sequence": None},
                                         "usage": counts}))
        out.append(sse("message_stop", {}))
        return b"".join(out)

    def error(self, error_type: str, message: str) -> bytes:
        """An ``error`` event, which ends the stream: nothing is produced after it."""
        self._done = True
        return sse("error", {"error": error_body(error_type, message)["error"]})

    def _start(self) -> bytes:
        if self._started:
            return b""
        self._started = True
        usage = {"input_tokens": self._input_tokens, "output_tokens": 0,
                 "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        message: dict[str, Any] = {
            "id": self._id, "type": "message", "role": "assistant", "model": self._model,
            "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}
        return sse("message_start", {"message": message}) + sse("ping", {})

    def _close(self) -> bytes:
        if self._open is None:
            return b""
        self._open = self._open_tool = None
        return sse("content_block_stop", {"index": self._blocks - 1})

    def _open_block(self, kind: str, block: dict[str, Any]) -> bytes:
        out = self._close() + sse("content_block_start",
                                  {"index": self._blocks, "content_block": block})
        self._open = kind
        self._blocks += 1
        return out

    def _text(self, kind: str, text: str) -> bytes:
        out = b""
        if self._open != kind:
            block = {"type": "thinking", "thinking": "", "signature": ""} if kind == "thinking" \
                else {"type": "text", "text": ""}
            out = self._open_block(kind, block)
        delta = {"type": "thinking_delta", "thinking": text} if kind == "thinking" \
            else {"type": "text_delta", "text": text}
        return out + sse("content_block_delta", {"index": self._blocks - 1, "delta": delta})

    def _tool_delta(self, call: dict[str, Any]) -> bytes:
        call_id = call.get("id") if isinstance(call.get("id"), str) and call.get("id") else None
        function = call.get("function")
        function = function if isinstance(function, dict) else {}
        name, arguments = function.get("name"), function.get("arguments")
        index = self._tool_index(call.get("index"), call_id)
        tool = self._tools.get(index)
        if tool is None or (call_id is not None and call_id != tool.id):
            tool = _Tool(call_id or f"toolu_{self._id}_{len(self._tools)}")
            self._tools[index] = tool
        if tool.block is None and isinstance(name, str):
            tool.name += name
        if isinstance(arguments, str) and arguments:
            tool.pending.append(arguments)
        if tool.block is None:
            if not tool.name:
                return b""  # wait for the name: a tool_use block cannot be renamed later
            out = self._start_tool(tool)
            self._open_tool = index
            return out
        return self._flush_arguments(tool)

    def _tool_index(self, index: Any, call_id: str | None) -> int:
        """The call's index; a provider that omits it continues the open call unless it sends a
        new id."""
        if isinstance(index, int) and not isinstance(index, bool):
            return index
        if self._open_tool is not None and call_id in (None, self._tools[self._open_tool].id):
            return self._open_tool
        return max(self._tools, default=-1) + 1

    def _start_tool(self, tool: _Tool) -> bytes:
        out = self._open_block("tool", {"type": "tool_use", "id": tool.id, "name": tool.name,
                                         "input": {}})
        tool.block = self._blocks - 1
        return out + self._flush_arguments(tool)

    def _flush_arguments(self, tool: _Tool) -> bytes:
        if not tool.pending:
            return b""
        fragment = "".join(tool.pending)
        tool.pending.clear()
        return sse("content_block_delta", {"index": tool.block, "delta": {
            "type": "input_json_delta", "partial_json": fragment}})


def _first_choice(chunk: Any) -> dict[str, Any]:
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    if isinstance(choices, list):
        for choice in choices:
            if isinstance(choice, dict) and choice.get("index", 0) == 0:
                return choice
    return {}
