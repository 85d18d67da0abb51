"""A strict fake of an Anthropic-native provider (Anthropic itself, DeepSeek's and Zhipu's
``/anthropic`` endpoints) for relay pass-through tests and coding-agent CLI tests.

A real aiohttp server on 127.0.0.1 serving ``<prefix>/v1/messages`` and
``<prefix>/v1/messages/count_tokens``: it records every request's path, query, headers and raw
bytes, refuses what the real API refuses (no key in ``x-api-key`` nor as a Bearer token, the
official SDK's way; no ``anthropic-version``; the body checks of anthropic_checks.py), and
answers with a Message or the real event stream (message_start, content_block_start, ping,
content_block_delta, content_block_stop, message_delta, message_stop). Formats follow
Anthropic's public API reference and the official SDK's types; error wording is approx.

A scripted tool turn: with ``tool_use`` set, the fake asks for that tool while the last user turn
holds no ``tool_result``, and answers with text once it does, as a model does in an agent loop.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from tests.helpers.anthropic_checks import check_request
from tests.helpers.fake_scenario import RecordedRequest
from tests.helpers.native_fake import Handler, NativeFake, split_text

AnthropicFailure = Literal["auth", "rate_limit", "overloaded", "api_error"]

# status, error type, message of each scripted failure
FAILURES: dict[str, tuple[int, str, str]] = {
    "auth": (401, "authentication_error", "invalid x-api-key"),
    "rate_limit": (429, "rate_limit_error",
                   "This request would exceed the rate limit for your organization."),
    "overloaded": (529, "overloaded_error", "Overloaded"),
    "api_error": (500, "api_error", "Internal server error"),
}


@dataclass
class AnthropicScenario:
    """What the fake answers next; tests mutate it or assign a new one.

    Output tokens: one per text piece plus one per piece of the tool input's JSON (split in up to
    three), unless ``output_tokens`` says otherwise. ``max_tokens`` cuts a text answer to that
    many pieces with stop_reason "max_tokens".
    """

    text: list[str] = field(default_factory=lambda: ["Hello", " there", "!"])
    # the tool turn: {"name": ..., "input": {...}}, asked for while no tool_result came back
    tool_use: dict[str, Any] | None = None
    tool_preamble: list[str] = field(default_factory=list)  # text before the tool_use block
    input_tokens: int = 21  # uncached input, as Anthropic counts it
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    output_tokens: int | None = None
    count_tokens: int | None = None  # count_tokens' answer; None: all three input counts
    # message_delta's usage repeats the input counts too (as newer API versions do), not
    # output_tokens alone
    full_delta_usage: bool = False
    strict: bool = True  # False: accept any JSON body (key and version are still checked)
    fail_with: AnthropicFailure | None = None
    fail_times: int | None = None  # fail this many requests, then succeed; None: always
    retry_after_s: int = 1
    break_after_events: int | None = None  # drop the connection after this many events
    # a stream that starts, then ends in an ``error`` event of this type (e.g. overloaded_error),
    # as the API reports a failure after the 200 is sent
    error_in_stream: str | None = None


@dataclass
class _Turn:
    blocks: list[dict[str, Any]]  # the content blocks, complete
    pieces: list[list[str]]  # per block: its streamed pieces (text or partial JSON)
    stop_reason: str
    output_tokens: int


class FakeAnthropic(NativeFake):
    """``async with FakeAnthropic(api_key="sk-ant-up") as up:``; ``up.base_url`` ends in the
    prefix (``/anthropic``, as DeepSeek's does), the SDKs and the relay append ``/v1/messages``."""

    def __init__(self, api_key: str = "sk-ant-upstream", *, prefix: str = "/anthropic",
                 models: list[str] | None = None, scenario: AnthropicScenario | None = None,
                 port: int = 0) -> None:
        super().__init__(api_key, prefix, port)
        self.models = models  # None: any model name
        self.scenario = scenario or AnthropicScenario()

    def routes(self) -> list[tuple[str, Handler]]:
        return [("/v1/messages", self._messages), ("/v1/messages/count_tokens", self._count)]

    async def unknown(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        return self._error(rec, 404, "not_found_error", "Not found")

    # --- routes ---------------------------------------------------------------------------

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        refused = self._gate(request, rec, counting=False)
        if refused is not None:
            return refused
        body = rec.json if isinstance(rec.json, dict) else {}
        model = str(body.get("model", ""))
        turn = self._turn(body)
        usage = self._usage(turn.output_tokens)
        message_id = f"msg_{uuid.uuid4().hex[:24]}"
        if body.get("stream") is True:
            events = self._events(message_id, model, turn, usage)
            return await self.answer_sse(request, rec, events, self.scenario.break_after_events)
        message = {"id": message_id, "type": "message", "role": "assistant", "model": model,
                   "content": turn.blocks, "stop_reason": turn.stop_reason,
                   "stop_sequence": None, "usage": usage}
        return self.answer_json(rec, 200, message)

    async def _count(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        refused = self._gate(request, rec, counting=True)
        if refused is not None:
            return refused
        sc = self.scenario
        counted = sc.count_tokens
        if counted is None:
            counted = sc.input_tokens + sc.cache_read_input_tokens + sc.cache_creation_input_tokens
        return self.answer_json(rec, 200, {"input_tokens": counted})

    # --- checks ---------------------------------------------------------------------------

    def _gate(self, request: web.Request, rec: RecordedRequest,
              counting: bool) -> web.Response | None:
        """Key, version, body checks, then the scripted failure: the response to send instead."""
        key = request.headers.get("x-api-key")
        bearer = request.headers.get("Authorization", "")
        if key is None and bearer.startswith("Bearer "):
            key = bearer.removeprefix("Bearer ").strip()  # how the official SDK sends a key
        if key is None:
            return self._error(rec, 401, "authentication_error", "x-api-key header is required")
        if key != self.api_key:
            return self._error(rec, 401, "authentication_error", "invalid x-api-key")
        if not request.headers.get("anthropic-version"):
            return self._error(rec, 400, "invalid_request_error",
                               "anthropic-version: header is required")
        sc = self.scenario
        problem = None
        if rec.json is None:
            problem = "There was an error parsing the body of your request as JSON"
        elif sc.strict:
            beta = request.headers.get("anthropic-beta", "")
            problem = check_request(rec.json, beta, counting=counting)
        if problem is not None:
            rec.rejected = problem
            return self._error(rec, 400, "invalid_request_error", problem)
        model = rec.json.get("model") if isinstance(rec.json, dict) else None
        if self.models is not None and model not in self.models:
            return self._error(rec, 404, "not_found_error", f"model: {model}")
        if not self.take_failure(sc.fail_with, sc.fail_times):
            return None
        assert sc.fail_with is not None
        status, kind, message = FAILURES[sc.fail_with]
        headers = {"retry-after": str(sc.retry_after_s)} if status == 429 else None
        return self._error(rec, status, kind, message, headers)

    def _error(self, rec: RecordedRequest, status: int, kind: str, message: str,
               headers: dict[str, str] | None = None) -> web.Response:
        body = {"type": "error", "error": {"type": kind, "message": message},
                "request_id": f"req_{uuid.uuid4().hex[:24]}"}
        return self.answer_json(rec, status, body, headers)

    # --- answers --------------------------------------------------------------------------

    def _turn(self, body: dict[str, Any]) -> _Turn:
        """The tool turn while the last user message has no tool_result, else the text turn."""
        sc = self.scenario
        if sc.tool_use is not None and not _tool_answered(body.get("messages")):
            blocks: list[dict[str, Any]] = []
            pieces: list[list[str]] = []
            if sc.tool_preamble:
                blocks.append({"type": "text", "text": "".join(sc.tool_preamble)})
                pieces.append(list(sc.tool_preamble))
            arguments = sc.tool_use.get("input", {})
            blocks.append({"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:24]}",
                           "name": sc.tool_use["name"], "input": arguments})
            pieces.append(split_text(json.dumps(arguments, separators=(",", ":"))))
            tokens = sum(len(p) for p in pieces)
            return _Turn(blocks, pieces, "tool_use", _or(sc.output_tokens, tokens))
        text = list(sc.text)
        limit = body.get("max_tokens")
        stop = "end_turn"
        if isinstance(limit, int) and len(text) > limit:
            text, stop = text[:limit], "max_tokens"
        return _Turn([{"type": "text", "text": "".join(text)}], [text], stop,
                     _or(sc.output_tokens, len(text)))

    def _usage(self, output_tokens: int) -> dict[str, Any]:
        sc = self.scenario
        return {"input_tokens": sc.input_tokens,
                "cache_creation_input_tokens": sc.cache_creation_input_tokens,
                "cache_read_input_tokens": sc.cache_read_input_tokens,
                "output_tokens": output_tokens, "service_tier": "standard"}

    def _events(self, message_id: str, model: str, turn: _Turn,
                usage: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """The stream of one turn, in the order the API sends it."""
        opening_usage = {**usage, "output_tokens": 1}  # the API reports a token so far here
        message: dict[str, Any] = {
            "id": message_id, "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": opening_usage}
        events: list[tuple[str, dict[str, Any]]] = [
            ("message_start", {"type": "message_start", "message": message})]
        if self.scenario.error_in_stream is not None:
            error = {"type": self.scenario.error_in_stream, "message": "Overloaded"}
            return [*events, ("ping", {"type": "ping"}),
                    ("error", {"type": "error", "error": error})]
        for index, (block, pieces) in enumerate(zip(turn.blocks, turn.pieces, strict=True)):
            if block["type"] == "text":
                start: dict[str, Any] = {"type": "text", "text": ""}
                deltas = [{"type": "text_delta", "text": p} for p in pieces]
            else:
                start = {**block, "input": {}}
                deltas = [{"type": "input_json_delta", "partial_json": ""}]
                deltas += [{"type": "input_json_delta", "partial_json": p} for p in pieces]
            events.append(("content_block_start", {"type": "content_block_start",
                                                   "index": index, "content_block": start}))
            if index == 0:
                events.append(("ping", {"type": "ping"}))
            events += [("content_block_delta", {"type": "content_block_delta", "index": index,
                                                 "delta": delta}) for delta in deltas]
            events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
        delta_usage: dict[str, Any] = {"output_tokens": usage["output_tokens"]}
        if self.scenario.full_delta_usage:
            delta_usage = {k: v for k, v in usage.items() if k != "service_tier"}
        events.append(("message_delta", {
            "type": "message_delta",
            "delta": {"stop_reason": turn.stop_reason, "stop_sequence": None},
            "usage": delta_usage}))
        events.append(("message_stop", {"type": "message_stop"}))
        return events


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _tool_answered(messages: Any) -> bool:
    """Whether the last user message carries a tool_result block."""
    if not isinstance(messages, list):
        return False
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            return isinstance(content, list) and any(
                isinstance(b, dict) and b.get("type") == "tool_result" for b in content)
    return False
