"""What a fake upstream (tests/helpers/fake_upstream.py) is told to do, and what it records:
the provider kinds, a test's ``Scenario``, each ``RecordedRequest`` and the ``Answer`` it sends."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from multidict import CIMultiDict

Kind = Literal["openai", "deepseek", "zhipu", "dashscope"]
Failure = Literal[
    "auth",
    "balance",
    "rate_limit",
    "server_error",
    "model_not_found",
    "connection_reset",
    "timeout",
    "redirect",  # a 301 to another host, as a moved API or a captive proxy answers
]

KINDS: tuple[Kind, ...] = ("openai", "deepseek", "zhipu", "dashscope")

# Path part of each provider's real base URL, so relay config under test looks like production.
DEFAULT_PREFIX: dict[str, str] = {
    "openai": "/v1",
    "deepseek": "/v1",
    "zhipu": "/api/paas/v4",
    "dashscope": "/compatible-mode/v1",
}

DEFAULT_MODELS: dict[str, list[str]] = {
    "openai": ["gpt-4o-mini", "text-embedding-3-small"],
    "deepseek": ["deepseek-flash", "deepseek-chat", "deepseek-reasoner"],
    "zhipu": ["glm-5.3-flash", "embedding-3"],
    "dashscope": ["qwen-plus", "text-embedding-v4"],
}


@dataclass
class Scenario:
    """What the fake does on the next requests; tests mutate it or assign a new one.

    Stream event indices count ``data:`` events only, from 0, ``[DONE]`` included; comment lines
    (keep-alives) are not counted.

    Completion tokens: one per piece of ``reasoning`` and ``content`` (reasoning first), unless
    ``completion_tokens`` says otherwise; ``content=["x"] * 5000`` makes a 5,000-token answer. A
    request's completion limit cuts the answer to that many pieces, reports at most that many
    tokens and finishes with "length": ``max_tokens``, and at OpenAI also
    ``max_completion_tokens`` (the smaller, if both; the other providers ignore it).
    """

    content: list[str] = field(default_factory=lambda: ["Hello", " there", "!"])
    reasoning: list[str] | None = None  # None: kind default (DeepSeek thinks first, others don't)
    prompt_tokens: int = 12
    completion_tokens: int | None = None  # None: one token per content/reasoning piece
    cached_tokens: int = 0
    # request validation: reject what a real provider would (False: accept anything)
    strict: bool = True
    # billing: False makes a provider that ignores max_tokens and sends the whole answer
    honour_max_tokens: bool = True
    usage_override: dict[str, Any] | None = None  # the usage object sent, exactly (any values)
    over_report_factor: int = 1  # reported prompt, completion and reasoning tokens times this
    # failures, applied to every route after the key check
    fail_with: Failure | None = None
    fail_times: int | None = None  # fail this many requests, then succeed; None: always fail
    fail_status: int | None = None  # override the status (e.g. 503 for "server_error")
    release: asyncio.Event = field(default_factory=asyncio.Event)  # ends a "timeout" hang
    retry_after_s: int = 2  # an OpenAI rate limit's retry-after header
    # stream shaping
    pause_before_event: dict[int, asyncio.Event] = field(default_factory=dict)
    break_after_events: int | None = None  # send this many data events, then drop the connection
    omit_usage: bool = False
    keepalive: bool | None = None  # ": keep-alive" before the first content; None: DeepSeek only
    split_writes: bool = False  # write each event in split_size-byte pieces
    split_size: int = 3
    split_delay_s: float = 0.0
    crlf: bool = False  # "\r\n" line endings
    event_delay_s: float = 0.0
    # these chunks, each sent as one data event, then [DONE], instead of the generated answer
    # (for shapes the generator does not make, e.g. tool-call deltas); the shaping above applies
    stream_chunks: list[dict[str, Any]] | None = None
    # a tool turn: these calls ({"name": ..., "arguments": {...} or a JSON string}) instead of
    # content, finish_reason "tool_calls", until a "tool" message follows the last user message
    tool_calls: list[dict[str, Any]] | None = None
    # large-stream mode: about this many body bytes of content chunks, generated on the fly,
    # written ~64 KiB at a time; pause/break/split/keepalive/crlf do not apply to it
    stream_bytes: int | None = None
    big_chunk_chars: int = 16 * 1024
    embedding_dim: int = 8


@dataclass
class RecordedRequest:
    """One request as the fake received it, plus how its response went."""

    method: str
    path: str
    headers: CIMultiDict[str]
    body: bytes
    json: Any
    query: str = ""  # the URL's query string, as received
    status: int | None = None
    rejected: str | None = None  # why the fake refused it as malformed (strict mode), if it did
    events_sent: int = 0  # data events written (streams)
    # the payload of each data event written, "[DONE]" included (not in large-stream mode)
    events: list[bytes] = field(default_factory=list)
    completed: bool = False  # response fully written, stream included
    disconnected: bool = False  # the client went away before the response was complete


@dataclass
class Answer:
    """The pieces one answer sends after max_tokens is applied, and what it reports."""

    reasoning: list[str]
    content: list[str]
    completion_tokens: int
    finish_reason: str
    # a tool turn's calls: {"id", "name", "arguments" (the JSON text, in streamed pieces)}
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


def tool_turn(sc: Scenario, body: dict[str, Any], reasoning: list[str]) -> Answer | None:
    """The scripted tool turn, unless a tool result already answers it (a ``tool`` message after
    the last user message), as a model in an agent loop calls a tool once, then replies."""
    if sc.tool_calls is None:
        return None
    for message in reversed(body.get("messages") or []):
        role = message.get("role") if isinstance(message, dict) else None
        if role == "tool":
            return None
        if role == "user":
            break
    calls = []
    for call in sc.tool_calls:
        arguments = call.get("arguments", {})
        text = arguments if isinstance(arguments, str) else json.dumps(arguments)
        size = max(1, -(-len(text) // 3))  # streamed in up to three pieces
        pieces = [text[i:i + size] for i in range(0, len(text), size)] or [""]
        calls.append({"id": f"call_{uuid.uuid4().hex[:24]}", "name": call["name"],
                      "arguments": pieces})
    tokens = sc.completion_tokens
    if tokens is None:
        tokens = len(reasoning) + sum(len(c["arguments"]) for c in calls)
    return Answer(reasoning, [], tokens, "tool_calls", calls)
