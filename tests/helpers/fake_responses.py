"""A strict fake of a provider that speaks OpenAI's Responses API natively
(``POST <prefix>/responses``), for relay pass-through tests and Codex CLI tests.

A real aiohttp server on 127.0.0.1: it records every request's path, headers and raw bytes,
refuses what the real API refuses (Bearer key; the body checks of responses_checks.py), and
answers with a Response object or the streamed events a Responses client parses, each with its
``sequence_number``: response.created, response.in_progress, response.output_item.added,
response.content_part.added, response.output_text.delta/done, response.content_part.done,
response.function_call_arguments.delta/done, response.output_item.done, and
response.completed carrying the usage (or response.failed). Formats follow OpenAI's public API
reference and the official SDK's types (openai/types/responses).

A scripted tool turn: with ``function_call`` set, the fake calls that function while no
``function_call_output`` came after the last user message, and answers with text once one did.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from tests.helpers.fake_scenario import RecordedRequest
from tests.helpers.native_fake import Handler, NativeFake, split_text
from tests.helpers.provider_formats import NOT_JSON, auth_error, failure_body, invalid_request
from tests.helpers.responses_checks import check_request
from tests.helpers.upstream_checks import check_content_type

ResponsesFailure = Literal["auth", "rate_limit", "server_error"]


@dataclass
class ResponsesScenario:
    """What the fake answers next; tests mutate it or assign a new one.

    Output tokens: one per text piece plus one per piece of the call's arguments (split in up to
    three), unless ``output_tokens`` says otherwise.
    """

    text: list[str] = field(default_factory=lambda: ["Hello", " there", "!"])
    # the tool turn: {"name": ..., "arguments": {...}}, sent while no output came back for it
    function_call: dict[str, Any] | None = None
    input_tokens: int = 17  # all input, cached included, as OpenAI counts it
    cached_tokens: int = 0
    output_tokens: int | None = None
    reasoning_tokens: int = 0  # reported within output_tokens
    strict: bool = True  # False: accept any JSON body (the key is still checked)
    fail_with: ResponsesFailure | None = None
    fail_times: int | None = None  # fail this many requests, then succeed; None: always
    fail_in_stream: bool = False  # a stream that starts, then ends in response.failed
    break_after_events: int | None = None  # drop the connection after this many events


@dataclass
class _Turn:
    items: list[dict[str, Any]]  # the output items, complete
    pieces: list[list[str]]  # per item: its streamed pieces (text or arguments)
    output_tokens: int


class FakeResponses(NativeFake):
    """``async with FakeResponses(api_key="sk-up") as up:``; ``up.base_url`` ends in ``/v1``, the
    SDKs and the relay append ``/responses``."""

    def __init__(self, api_key: str = "sk-responses-upstream", *, prefix: str = "/v1",
                 scenario: ResponsesScenario | None = None, port: int = 0) -> None:
        super().__init__(api_key, prefix, port)
        self.scenario = scenario or ResponsesScenario()

    def routes(self) -> list[tuple[str, Handler]]:
        return [("/responses", self._responses)]

    async def unknown(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        message = f"Invalid URL ({request.method} {request.path})"
        return self.answer_json(rec, 404, {"error": {"message": message,
                                                     "type": "invalid_request_error",
                                                     "param": None, "code": None}})

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        refused = self._gate(request, rec)
        if refused is not None:
            return refused
        body = rec.json if isinstance(rec.json, dict) else {}
        turn = self._turn(body)
        response = self._response(body, turn)
        if body.get("stream") is not True:
            return self.answer_json(rec, 200, response)
        events = self._events(response, turn)
        return await self.answer_sse(request, rec, events, self.scenario.break_after_events)

    # --- checks ---------------------------------------------------------------------------

    def _gate(self, request: web.Request, rec: RecordedRequest) -> web.Response | None:
        auth = request.headers.get("Authorization")
        if auth != f"Bearer {self.api_key}":
            status, body = auth_error("openai", auth.removeprefix("Bearer ") if auth else None)
            return self.answer_json(rec, status, body)
        sc = self.scenario
        problem = check_content_type(request.headers.get("Content-Type"))
        if problem is None and rec.json is None:
            problem = NOT_JSON
        elif problem is None and sc.strict:
            problem = check_request(rec.json)
        if problem is not None:
            rec.rejected = problem.message
            status, body = invalid_request("openai", problem)
            return self.answer_json(rec, status, body)
        if sc.fail_in_stream or not self.take_failure(sc.fail_with, sc.fail_times):
            return None
        assert sc.fail_with is not None
        model = str(rec.json.get("model", "")) if isinstance(rec.json, dict) else ""
        status, body = failure_body("openai", sc.fail_with, model)
        return self.answer_json(rec, status, body)

    # --- answers --------------------------------------------------------------------------

    def _turn(self, body: dict[str, Any]) -> _Turn:
        sc = self.scenario
        if sc.function_call is not None and not _call_answered(body.get("input")):
            arguments = json.dumps(sc.function_call.get("arguments", {}), separators=(",", ":"))
            item = {"id": f"fc_{uuid.uuid4().hex[:24]}", "type": "function_call",
                    "status": "completed", "arguments": arguments,
                    "call_id": f"call_{uuid.uuid4().hex[:24]}",
                    "name": sc.function_call["name"]}
            pieces = split_text(arguments)
            return _Turn([item], [pieces], _or(sc.output_tokens, len(pieces)))
        text = "".join(sc.text)
        part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
        item = {"id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "status": "completed",
                "role": "assistant", "content": [part]}
        return _Turn([item], [list(sc.text)], _or(sc.output_tokens, len(sc.text)))

    def _response(self, body: dict[str, Any], turn: _Turn) -> dict[str, Any]:
        sc = self.scenario
        usage = {"input_tokens": sc.input_tokens,
                 "input_tokens_details": {"cached_tokens": sc.cached_tokens},
                 "output_tokens": turn.output_tokens,
                 "output_tokens_details": {"reasoning_tokens": sc.reasoning_tokens},
                 "total_tokens": sc.input_tokens + turn.output_tokens}
        return {
            "id": f"resp_{uuid.uuid4().hex}", "object": "response",
            "created_at": int(time.time()), "status": "completed", "background": False,
            "error": None, "incomplete_details": None,
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"), "model": body.get("model"),
            "output": turn.items, "parallel_tool_calls": body.get("parallel_tool_calls", True),
            "previous_response_id": None, "reasoning": {"effort": None, "summary": None},
            "store": body.get("store", True), "temperature": body.get("temperature", 1.0),
            "text": {"format": {"type": "text"}}, "tool_choice": body.get("tool_choice", "auto"),
            "tools": body.get("tools", []), "top_p": body.get("top_p", 1.0),
            "truncation": "disabled", "usage": usage, "user": None, "metadata": {},
        }

    def _events(self, response: dict[str, Any],
                turn: _Turn) -> list[tuple[str, dict[str, Any]]]:
        """The stream of one turn, each event numbered in order."""
        pending = {**response, "status": "in_progress", "output": [], "usage": None}
        raw: list[dict[str, Any]] = [{"type": "response.created", "response": pending},
                                     {"type": "response.in_progress", "response": pending}]
        if self.scenario.fail_in_stream:
            error = {"code": "server_error", "message": "The server had an error while "
                                                        "processing your request."}
            raw.append({"type": "response.failed", "response": {
                **pending, "status": "failed", "error": error}})
        else:
            for index, (item, pieces) in enumerate(zip(turn.items, turn.pieces, strict=True)):
                raw += _item_events(index, item, pieces)
            raw.append({"type": "response.completed", "response": response})
        return [(event["type"], {**event, "sequence_number": n}) for n, event in enumerate(raw)]


def _item_events(index: int, item: dict[str, Any], pieces: list[str]) -> list[dict[str, Any]]:
    """One output item's events: added, its deltas and dones, then done."""
    where = {"item_id": item["id"], "output_index": index}
    if item["type"] == "function_call":
        started = {**item, "status": "in_progress", "arguments": ""}
        return [{"type": "response.output_item.added", "output_index": index, "item": started},
                *({"type": "response.function_call_arguments.delta", **where, "delta": p}
                  for p in pieces),
                {"type": "response.function_call_arguments.done", **where,
                 "name": item["name"], "arguments": item["arguments"]},
                {"type": "response.output_item.done", "output_index": index, "item": item}]
    part = item["content"][0]
    empty = {**part, "text": ""}
    at = {**where, "content_index": 0}
    return [{"type": "response.output_item.added", "output_index": index,
             "item": {**item, "status": "in_progress", "content": []}},
            {"type": "response.content_part.added", **at, "part": empty},
            *({"type": "response.output_text.delta", **at, "delta": p, "logprobs": []}
              for p in pieces),
            {"type": "response.output_text.done", **at, "text": part["text"], "logprobs": []},
            {"type": "response.content_part.done", **at, "part": part},
            {"type": "response.output_item.done", "output_index": index, "item": item}]


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _call_answered(items: Any) -> bool:
    """Whether a function_call_output came after the last user message."""
    if not isinstance(items, list):
        return False
    for item in reversed(items):
        if not isinstance(item, dict):
            continue
        if item.get("type") == "function_call_output":
            return True
        if item.get("role") == "user":
            return False
    return False
