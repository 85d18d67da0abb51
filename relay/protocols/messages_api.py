"""``POST /v1/messages`` and ``/v1/messages/count_tokens``: the Anthropic Messages API
(Claude Code), passed through to providers with an Anthropic base URL, translated to Chat
Completions for the rest."""

import json
import secrets
from typing import Any

from aiohttp import web

from app import metering
from app.metering import Usage
from relay import errors, handlers, upstream
from relay.auth import authenticate
from relay.context import RequestContext
from relay.errors import RelayError
from relay.outbound import read_upto
from relay.pool import Upstream
from relay.protocols import anthropic
from relay.protocols.anthropic_errors import anthropic_event
from relay.protocols.anthropic_stream import MessagesStream
from relay.protocols.common import ProtocolError
from relay.protocols.dialect import (
    Dialect,
    NativeCall,
    Translator,
    at_base,
    encode,
    prepare,
)
from relay.state import STATE

DEFAULT_VERSION = "2023-06-01"
# Fields a native provider would bill beyond what the relay holds for or prices: servers it
# would call (MCP, code containers: their results become input), and premium speed, region and
# tier options. Sent to no provider; the translation drops them too.
PREMIUM_FIELDS = ("mcp_servers", "container", "speed", "inference_geo", "service_tier")
# Betas that make the same tokens dearer (long-context and fast-mode pricing).
PREMIUM_BETAS = ("context-1m", "fast-mode")
# The system prompt Anthropic adds by itself when a request has tools (a few hundred tokens;
# generous, like the relay's other overheads).
TOOL_USE_PROMPT = 1024
MIN_THINKING_BUDGET = 1024  # the smallest thinking.budget_tokens Anthropic's API accepts
_FORBIDDEN_IN_HEADERS = str.maketrans("", "", "\r\n\0")


class MessagesDialect(Dialect):
    endpoint = "/v1/messages"
    cut_reason = "max_tokens"

    def __init__(self, body: dict[str, Any], raw: bytes, *, version: str | None = None,
                 beta: str | None = None, query: str = "") -> None:
        super().__init__(body, raw)
        self.version = version or DEFAULT_VERSION
        self.beta = beta
        # Claude Code posts to /v1/messages?beta=true: the provider gets the query too.
        self.path = f"/v1/messages?{query}" if query else "/v1/messages"
        self.message_id = f"msg_{secrets.token_hex(12)}"

    @classmethod
    def of(cls, request: web.Request, body: dict[str, Any], raw: bytes) -> "MessagesDialect":
        return cls(body, raw, version=request.headers.get("anthropic-version"),
                   beta=request.headers.get("anthropic-beta"), query=request.query_string)

    def to_chat(self) -> dict[str, Any]:
        return anthropic.to_chat(self.body)

    def native_request(self) -> dict[str, Any]:
        body = {k: v for k, v in self.body.items() if k not in PREMIUM_FIELDS}
        tools = body.get("tools")
        if isinstance(tools, list):
            kept = [t for t in tools if not isinstance(t, dict)
                    or t.get("type") in anthropic.FUNCTION_TOOL_TYPES]
            if len(kept) != len(tools):
                body["tools"] = kept
                if not kept:  # the provider refuses a tool_choice without tools
                    body.pop("tools")
                    body.pop("tool_choice", None)
                return body
        # Unchanged: the client's own bytes go (native_body).
        return body if len(body) != len(self.body) else self.body

    def hidden_prompt(self) -> int:
        return TOOL_USE_PROMPT if self.sent.get("tools") else 0

    def native(self, up: Upstream) -> bool:
        return up.anthropic_base_url is not None

    def native_call(self, up: Upstream, ctx: RequestContext) -> NativeCall:
        assert up.anthropic_base_url is not None
        return NativeCall(at_base(up, up.anthropic_base_url), self.path,
                          self.native_body(up, ctx, "max_tokens", self._thinking(ctx)),
                          native_headers(up, self.version, self.beta, stream=ctx.stream))

    def _thinking(self, ctx: RequestContext) -> dict[str, Any]:
        """Anthropic wants max_tokens above the thinking budget: when the relay lowered
        max_tokens to what the balance affords, the budget comes down under it, or the
        request is too poor for the API's smallest budget."""
        thinking = self.body.get("thinking")
        if ctx.max_tokens is None or not isinstance(thinking, dict):
            return {}
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or isinstance(budget, bool) or budget < ctx.max_tokens:
            return {}
        if ctx.max_tokens - 1 < MIN_THINKING_BUDGET:
            raise handlers.too_poor()
        return {"thinking": dict(thinking, budget_tokens=ctx.max_tokens - 1)}

    def native_usage(self, usage: Any) -> Usage | None:
        return anthropic.read_usage(usage)

    def watch(self, stream: Any, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "content_block_delta":
            delta = event.get("delta")
            if isinstance(delta, dict):
                stream.delivered_text(delta.get("text") or delta.get("thinking")
                                      or delta.get("partial_json"))
            return
        if kind in ("message_start", "message_delta"):
            source = event.get("message") if kind == "message_start" else event
            usage = source.get("usage") if isinstance(source, dict) else None
            if isinstance(usage, dict):  # message_delta's counts are cumulative: later wins
                stream.reported.update((k, v) for k, v in usage.items() if v is not None)
                # message_start's output_tokens is a placeholder: a stream cut before its
                # message_delta is billed from what was delivered instead.
                if kind == "message_delta":
                    stream.ctx.usage = anthropic.read_usage(stream.reported) or stream.ctx.usage
            delta = event.get("delta")
            if isinstance(delta, dict) and delta.get("stop_reason"):
                stream.finished = True
        elif kind == "message_stop":
            stream.done = True
        elif kind == "error":
            stream.provider_failed()

    def answer(self, chat: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        return anthropic.from_chat(chat, ctx.model, self.message_id)

    def translator(self, ctx: RequestContext) -> Translator:
        return MessagesStream(ctx.model, self.message_id, ctx.prompt_estimate)

    def error_event(self, translator: Translator | None, exc: RelayError) -> bytes:
        return anthropic_event(exc)


def native_headers(up: Upstream, version: str, beta: str | None, *,
                   stream: bool) -> dict[str, str]:
    """An Anthropic-format provider call's headers: the provider's key as ``x-api-key``, the
    client's ``anthropic-version`` and ``anthropic-beta`` (features it relies on)."""
    result = dict(up.extra_headers)
    result.update({"Content-Type": "application/json", "User-Agent": upstream.USER_AGENT,
                   "Accept": "text/event-stream" if stream else "application/json",
                   "Accept-Encoding": "identity", "anthropic-version": version})
    betas = [b.strip() for b in (beta or "").split(",")
             if b.strip() and not b.strip().startswith(PREMIUM_BETAS)]
    if betas:
        result["anthropic-beta"] = ",".join(betas)
    if up.api_key:
        result["x-api-key"] = up.api_key
    for name, value in result.items():
        if value.translate(_FORBIDDEN_IN_HEADERS) != value:
            raise ValueError(f"the {name} header contains a line break")
    return result


def _translate(body: dict[str, Any], *, for_count: bool = False) -> dict[str, Any]:
    try:
        return anthropic.to_chat(body, for_count=for_count)
    except ProtocolError as exc:
        raise errors.bad_request(exc.message, param=exc.param) from None


async def messages(request: web.Request) -> web.StreamResponse:
    state = request.config_dict[STATE]
    key = await authenticate(request, state.keys, state.guard)
    body, raw = await handlers.read_json(request, state)
    dialect = MessagesDialect.of(request, body, raw)
    chat = await prepare(state, dialect)
    return await handlers.metered(request, "/chat/completions", handlers.validate_chat,
                                  completion=True, key=key, body=chat, dialect=dialect)


async def count_tokens(request: web.Request) -> web.Response:
    """Asked of the first Anthropic-format provider serving the model; else (or when it
    fails) the relay's own upper bound, the same one its holds use. Free, like Anthropic's."""
    state = request.config_dict[STATE]
    key = await authenticate(request, state.keys, state.guard)
    body, raw = await handlers.read_json(request, state)
    chat = _translate(body, for_count=True)
    model = handlers.model_of(body)
    if not key.allows_model(model):
        raise errors.forbidden(f"This API key may not use the model `{model}`.",
                               "model_not_allowed", param="model")
    snap = await state.pool.snapshot()
    candidates = state.pool.candidates(snap, model)
    if not candidates:
        raise errors.model_not_found(model)
    dialect = MessagesDialect.of(request, body, raw)
    # Free, but a request like any other for the key's request and concurrency limits: a
    # provider's count endpoint is not an unmetered service to hammer.
    ticket = await state.limiter.admit(key, 0)
    try:
        for up in candidates:
            if dialect.native(up):
                counted = await _count_natively(state, dialect, up, model)
                if counted is not None:
                    return web.json_response({"input_tokens": counted})
                break
    finally:
        state.limiter.release(ticket, 0)
    return web.json_response({"input_tokens": metering.prompt_upper_bound(chat)})


async def _count_natively(state: Any, dialect: MessagesDialect, up: Upstream,
                          model: str) -> int | None:
    assert up.anthropic_base_url is not None and state.client is not None
    mapped = up.upstream_model(model)
    data = dialect.raw if mapped == model else encode(dict(dialect.body, model=mapped))
    try:
        headers = native_headers(up, dialect.version, dialect.beta, stream=False)
        resp = await state.client.post(at_base(up, up.anthropic_base_url),
                                       "/v1/messages/count_tokens", data, headers,
                                       read_timeout=state.options.read_timeout)
        try:
            raw, whole = await read_upto(resp, 64 * 1024)
        finally:
            resp.release()
    except Exception:  # noqa: BLE001  any failure: the relay's own count answers instead
        return None
    if resp.status != 200 or not whole:
        return None
    try:
        counted = json.loads(raw).get("input_tokens")
    except (ValueError, AttributeError):
        return None
    if not isinstance(counted, int) or isinstance(counted, bool) or counted < 0:
        return None
    return counted
