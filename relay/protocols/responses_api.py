"""``POST /v1/responses``: the OpenAI Responses API (Codex CLI, the openai-agents SDK),
translated statelessly to Chat Completions, or passed through to providers marked as serving
it natively. Nothing is stored: ``previous_response_id`` is refused (relay/protocols/responses.py
says why) and ``store`` is sent upstream as false."""

import json
import secrets
from typing import Any

from aiohttp import web

from app import clock
from app.metering import Usage
from relay import handlers, upstream
from relay.auth import authenticate
from relay.context import RequestContext
from relay.errors import RelayError
from relay.pool import Upstream
from relay.protocols import responses
from relay.protocols.dialect import Dialect, NativeCall, Translator, prepare
from relay.protocols.responses_stream import ResponsesStream
from relay.state import STATE

# Tools the client runs itself; the others run at the provider.
CLIENT_TOOL_TYPES = ("function", "custom")
# The smallest max_output_tokens OpenAI's Responses API accepts.
MIN_OUTPUT_TOKENS = 16
_FINAL = ("response.completed", "response.incomplete", "response.failed")


class ResponsesDialect(Dialect):
    endpoint = "/v1/responses"
    cut_reason = "max_output_tokens"

    def __init__(self, body: dict[str, Any], raw: bytes) -> None:
        super().__init__(body, raw)
        self.response_id = f"resp_{secrets.token_hex(24)}"
        self.created_at = int(clock.now().timestamp())
        self.sequence = -1  # the last sequence_number of a native stream

    def to_chat(self) -> dict[str, Any]:
        return responses.to_chat(self.body)

    def native_request(self) -> dict[str, Any]:
        # store: the relay keeps no conversation, and neither may the provider on its behalf.
        # Hosted tools (web search, file search, code interpreter...) bill their results as
        # input the relay cannot hold for; a premium service tier bills more per token.
        body = {k: v for k, v in self.body.items() if k != "service_tier"}
        body["store"] = False
        tools = body.get("tools")
        if isinstance(tools, list):
            kept = [t for t in tools if not isinstance(t, dict)
                    or t.get("type") in CLIENT_TOOL_TYPES]
            if len(kept) != len(tools):
                body["tools"] = kept
                if not kept:
                    body.pop("tools")
                    body.pop("tool_choice", None)
        return body

    def native(self, up: Upstream) -> bool:
        return up.responses_native

    def native_call(self, up: Upstream, ctx: RequestContext) -> NativeCall:
        if ctx.max_tokens is not None and ctx.max_tokens < MIN_OUTPUT_TOKENS:
            # The balance affords fewer tokens than the Responses API accepts as a limit.
            raise handlers.too_poor()
        return NativeCall(up, "/responses", self.native_body(up, ctx, "max_output_tokens"),
                          upstream.headers(up, stream=ctx.stream))

    def native_usage(self, usage: Any) -> Usage | None:
        return responses.read_usage(usage)

    def watch(self, stream: Any, event: dict[str, Any]) -> None:
        number = event.get("sequence_number")
        if isinstance(number, int):
            self.sequence = number
        kind = event.get("type")
        if isinstance(kind, str) and kind.endswith(".delta"):  # text, arguments, tool input...
            stream.delivered_text(event.get("delta"))
        elif kind in _FINAL:
            response = event.get("response")
            usage = response.get("usage") if isinstance(response, dict) else None
            stream.ctx.usage = responses.read_usage(usage) or stream.ctx.usage
            stream.finished = stream.done = True
            if kind == "response.failed":
                stream.provider_failed()
        elif kind == "error":
            stream.provider_failed()

    def answer(self, chat: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        return responses.from_chat(chat, self.body, self.response_id, self.created_at, ctx.model)

    def translator(self, ctx: RequestContext) -> Translator:
        return ResponsesStream(self.body, self.response_id, self.created_at, ctx.model)

    def error_event(self, translator: Translator | None, exc: RelayError) -> bytes:
        if isinstance(translator, ResponsesStream):
            return translator.error(exc.code or exc.type, exc.message)
        self.sequence += 1
        event = {"type": "error", "code": exc.code or exc.type, "message": exc.message,
                 "param": exc.param, "sequence_number": self.sequence}
        return b"event: error\ndata: " + json.dumps(event).encode() + b"\n\n"


async def create_response(request: web.Request) -> web.StreamResponse:
    state = request.config_dict[STATE]
    key = await authenticate(request, state.keys, state.guard)
    body, raw = await handlers.read_json(request, state)
    dialect = ResponsesDialect(body, raw)
    chat = await prepare(state, dialect)
    return await handlers.metered(request, "/chat/completions", handlers.validate_chat,
                                  completion=True, key=key, body=chat, dialect=dialect)
