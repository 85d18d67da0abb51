"""Fake upstream AI providers for relay tests.

Each ``FakeUpstream`` is a real aiohttp server on 127.0.0.1 speaking one provider's wire format, so
relay tests exercise the same bytes the relay meets in production: where usage arrives in a stream,
keep-alive comments, missing ``object`` fields, and each provider's own error bodies and statuses
(balance exhausted is a 402 at DeepSeek, a 429 at Zhipu and a 400 at DashScope).

Formats follow the provider samples kept with the project (late 2025 captures). Error bodies marked
"approx" had no captured sample; they keep the provider's error *shape* with a plausible message.

Tests script behaviour through ``up.scenario`` (a ``Scenario``) and inspect ``up.requests`` to see
exactly what the relay sent. Like the real providers, the fake rejects malformed requests with a
400 (upstream_checks.py); ``Scenario(strict=False)`` turns that off for tests that need a lax one.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import ssl
import time
import uuid
from collections.abc import Iterator
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

# Scenario and the rest are defined with the data they describe and used from here by tests.
from tests.helpers.fake_scenario import (  # noqa: F401
    DEFAULT_MODELS,
    DEFAULT_PREFIX,
    KINDS,
    Answer,
    Failure,
    Kind,
    RecordedRequest,
    Scenario,
    tool_turn,
)
from tests.helpers.hangups import drop, reset
from tests.helpers.provider_formats import (
    NOT_JSON,
    Chunker,
    auth_error,
    dumps,
    failure_body,
    invalid_request,
    is_tokens,
    tool_message,
    usage_body,
    vector,
)
from tests.helpers.upstream_checks import Problem, check_body, check_content_type, token_limits

_OWNER = {"openai": "openai", "deepseek": "deepseek", "zhipu": "zhipu", "dashscope": "system"}
_SSE_HEADERS = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}


_REC = web.RequestKey("fake_upstream_record", RecordedRequest)


class FakeUpstream:
    """One fake provider. ``async with FakeUpstream(kind="deepseek", api_key="sk-up-1") as up:``.

    ``models=None`` accepts any model name; a list makes other names fail as that provider does.
    """

    def __init__(
        self,
        kind: Kind = "openai",
        api_key: str = "sk-upstream",
        *,
        prefix: str | None = None,
        models: list[str] | None = None,
        scenario: Scenario | None = None,
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        host_name: str = "127.0.0.1",
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown provider kind {kind!r}")
        self.kind: Kind = kind
        self.api_key = api_key
        self.prefix = (DEFAULT_PREFIX[kind] if prefix is None else prefix).rstrip("/")
        self.models = models
        self.scenario = scenario or Scenario()
        self.requests: list[RecordedRequest] = []
        self.failures = 0  # failures served so far (what fail_times counts)
        self.port = port
        self.ssl_context = ssl_context  # serve HTTPS with it
        self.host_name = host_name  # the host in base_url (it listens on 127.0.0.1 only)
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._ids = itertools.count(1)

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What a relay would store as this provider's base URL."""
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host_name}:{self.port}{self.prefix}"

    @property
    def last_request(self) -> RecordedRequest:
        return self.requests[-1]

    async def start(self) -> FakeUpstream:
        self._closing.clear()
        # Real providers take request bodies of tens of MB (base64 images); so does this one.
        app = web.Application(middlewares=[_note_hangups], client_max_size=64 * 1024 * 1024)
        app.router.add_post(self.prefix + "/chat/completions", self._chat)
        app.router.add_post(self.prefix + "/embeddings", self._embeddings)
        app.router.add_get(self.prefix + "/models", self._models)
        app.router.add_route("*", "/{tail:.*}", self._unknown)  # a wrong base URL lands here
        # handler_cancellation: a paused handler ends when the relay hangs up, like a real server
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=self.ssl_context)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Stop quickly: handlers held on a pause or timeout give up instead of being waited for."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeUpstream:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- routes ---------------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        rec = await self._record(request)
        early = await self._gate(request, rec, "chat")
        if early is not None:
            return early
        body = rec.json if isinstance(rec.json, dict) else {}
        model = str(body.get("model", ""))
        if self.models is not None and model not in self.models:
            return self._error(rec, "model_not_found", model)
        answer = self._answer(body)
        if body.get("stream"):
            options = body.get("stream_options")
            include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
            return await self._stream(request, rec, model, include_usage, answer)
        return self._json(rec, 200, self._completion(model, answer))

    async def _embeddings(self, request: web.Request) -> web.StreamResponse:
        rec = await self._record(request)
        early = await self._gate(request, rec, "embeddings")
        if early is not None:
            return early
        body = rec.json if isinstance(rec.json, dict) else {}
        model = str(body.get("model", ""))
        if self.models is not None and model not in self.models:
            return self._error(rec, "model_not_found", model)
        inputs = body.get("input", "")
        several = isinstance(inputs, list) and inputs and not is_tokens(inputs)
        count = len(inputs) if several else 1
        as_base64 = body.get("encoding_format") == "base64"
        sc = self.scenario
        vectors = [vector(i, sc.embedding_dim, as_base64) for i in range(count)]
        data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
        prompt = sc.prompt_tokens * sc.over_report_factor
        usage = {"prompt_tokens": prompt, "total_tokens": prompt}
        if sc.usage_override is not None:
            usage = dict(sc.usage_override)
        reply = {"object": "list", "data": data, "model": model, "usage": usage}
        return self._json(rec, 200, reply)

    async def _models(self, request: web.Request) -> web.StreamResponse:
        rec = await self._record(request)
        early = await self._gate(request, rec)
        if early is not None:
            return early
        names = self.models if self.models is not None else DEFAULT_MODELS[self.kind]
        data = [
            {"id": name, "object": "model", "created": 1_700_000_000, "owned_by": _OWNER[self.kind]}
            for name in names
        ]
        return self._json(rec, 200, {"object": "list", "data": data})

    async def _unknown(self, request: web.Request) -> web.StreamResponse:
        """Any other path: recorded, then the 404 a provider gives for a URL it does not have."""
        rec = await self._record(request)
        rec.status = 404
        rec.completed = True
        if self.kind in ("openai", "dashscope"):
            message = f"Invalid URL ({request.method} {request.path})"
            return self._json(rec, 404, {"error": {"message": message,
                                                   "type": "invalid_request_error",
                                                   "param": None, "code": None}})
        return web.Response(status=404, text="404: Not Found")

    # --- request handling -----------------------------------------------------------------

    async def _record(self, request: web.Request) -> RecordedRequest:
        body = await request.read()
        try:
            parsed = json.loads(body, parse_constant=_no_constants) if body else None
        except ValueError:
            parsed = None
        headers = CIMultiDict(request.headers)
        rec = RecordedRequest(request.method, request.path, headers, body, parsed,
                              query=request.query_string)
        self.requests.append(rec)
        request[_REC] = rec
        return rec

    async def _gate(
        self, request: web.Request, rec: RecordedRequest, route: str | None = None
    ) -> web.StreamResponse | None:
        """Key check, request checks, then the scripted failure; returns the response to send
        instead, if any. ``route`` ("chat" or "embeddings") names the body checks to apply."""
        auth = request.headers.get("Authorization")
        if auth != f"Bearer {self.api_key}":
            given = auth.removeprefix("Bearer ").strip() if auth else None
            status, body = auth_error(self.kind, given)
            return self._json(rec, status, body)
        problem = self._problem(request, rec, route)
        if problem is not None:
            rec.rejected = problem.message
            status, body = invalid_request(self.kind, problem)
            return self._json(rec, status, body)
        sc = self.scenario
        if sc.fail_with is None or (sc.fail_times is not None and self.failures >= sc.fail_times):
            return None
        self.failures += 1
        if sc.fail_with == "connection_reset":
            reset(request)
            rec.disconnected = True
            return web.Response()  # never reaches the wire: the transport is gone
        if sc.fail_with == "timeout":
            await self._hold(sc.release)  # then answer normally, as a slow upstream finally does
            if self._closing.is_set():
                reset(request)
                return web.Response()
            return None
        if sc.fail_with == "redirect":
            rec.status = sc.fail_status or 301
            rec.completed = True
            location = "https://api.moved.example" + request.path
            return web.Response(status=rec.status, headers={"Location": location},
                                text="<html><body>Moved Permanently</body></html>",
                                content_type="text/html")
        model = str((rec.json or {}).get("model", "")) if isinstance(rec.json, dict) else ""
        return self._error(rec, sc.fail_with, model)

    def _problem(
        self, request: web.Request, rec: RecordedRequest, route: str | None
    ) -> Problem | None:
        if route is None:
            return None
        if not self.scenario.strict:  # lax: only a body that is not JSON at all is refused
            return NOT_JSON if rec.body and rec.json is None else None
        wrong_type = check_content_type(request.headers.get("Content-Type"))
        if wrong_type is not None:
            return wrong_type
        if not rec.body or (rec.json is None and rec.body.strip() != b"null"):
            return NOT_JSON
        return check_body(route, rec.json, self.kind)

    def _error(self, rec: RecordedRequest, failure: str, model: str) -> web.Response:
        status, body = failure_body(self.kind, failure, model)
        headers = None
        if failure == "rate_limit" and self.kind == "openai":
            # OpenAI says when to retry (openai-python reads it); the others' headers: unknown.
            headers = {"retry-after": str(self.scenario.retry_after_s)}
        return self._json(rec, self.scenario.fail_status or status, body, headers)

    def _json(self, rec: RecordedRequest, status: int, body: dict[str, Any],
              headers: dict[str, str] | None = None) -> web.Response:
        rec.status = status
        rec.completed = True
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return web.Response(status=status, text=text, content_type="application/json",
                            headers=headers)

    async def _hold(self, gate: asyncio.Event) -> None:
        """Wait for ``gate`` or for shutdown, whichever comes first."""
        if gate.is_set():
            return
        waiters = [asyncio.ensure_future(gate.wait()), asyncio.ensure_future(self._closing.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    # --- bodies ---------------------------------------------------------------------------

    def _answer(self, body: dict[str, Any]) -> Answer:
        """The answer to send: the scripted one, cut at the request's token limit if honoured."""
        sc = self.scenario
        reasoning, content = self._reasoning(), list(sc.content)
        if (turn := tool_turn(sc, body, reasoning)) is not None:
            return turn
        tokens = sc.completion_tokens
        if tokens is None:
            tokens = len(reasoning) + len(content)
        limits = [body[n] for n in token_limits(self.kind) if isinstance(body.get(n), int)]
        if not sc.honour_max_tokens or not limits or tokens <= min(limits):
            return Answer(reasoning, content, tokens, "stop")
        limit = max(0, min(limits))
        kept_content = max(0, limit - len(reasoning))
        return Answer(reasoning[:limit], content[:kept_content], limit, "length")

    def _usage(self, answer: Answer) -> dict[str, Any]:
        sc = self.scenario
        if sc.usage_override is not None:
            return dict(sc.usage_override)
        factor = sc.over_report_factor
        return usage_body(self.kind, sc.prompt_tokens * factor, answer.completion_tokens * factor,
                          sc.cached_tokens, len(answer.reasoning) * factor)

    def _reasoning(self) -> list[str]:
        if self.scenario.reasoning is not None:
            return self.scenario.reasoning
        return ["The user greets me.", " I reply."] if self.kind == "deepseek" else []

    def _completion(self, model: str, answer: Answer) -> dict[str, Any]:
        """Non-streamed chat completion, same shape from every provider."""
        message: dict[str, Any] = {"role": "assistant", "content": "".join(answer.content)}
        if answer.tool_calls:
            message = tool_message(answer.tool_calls)
        if answer.reasoning:
            message["reasoning_content"] = "".join(answer.reasoning)
        body: dict[str, Any] = {
            "id": self._new_id(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": answer.finish_reason,
                }
            ],
        }
        if not self.scenario.omit_usage:
            body["usage"] = self._usage(answer)
        body["system_fingerprint"] = "fp_2f8b" if self.kind == "deepseek" else None
        if self.kind == "zhipu":
            body["request_id"] = body["id"]
        return body

    def _new_id(self) -> str:
        n = next(self._ids)
        if self.kind == "zhipu":
            return f"{time.strftime('%Y%m%d%H%M%S')}{n:06d}"
        if self.kind == "deepseek":
            return str(uuid.uuid4())
        return f"chatcmpl-{uuid.uuid4().hex[:24]}"

    # --- streaming ------------------------------------------------------------------------

    async def _stream(
        self,
        request: web.Request,
        rec: RecordedRequest,
        model: str,
        include_usage: bool,
        answer: Answer,
    ) -> web.StreamResponse:
        sc = self.scenario
        chunker = Chunker(self.kind, self._new_id(), model, include_usage)
        resp = web.StreamResponse(status=200, headers=_SSE_HEADERS)
        rec.status = 200
        await resp.prepare(request)
        try:
            if sc.stream_bytes is not None:
                await self._write_big(resp, rec, chunker)
            elif not await self._write_events(request, resp, rec, chunker, answer):
                return resp
            await resp.write_eof()
            rec.completed = True
        except ConnectionError:
            rec.disconnected = True
        return resp

    def _events(self, chunker: Chunker, answer: Answer) -> Iterator[tuple[bool, bytes]]:
        """(is_data, payload) pairs of one normal stream, in the provider's order."""
        sc = self.scenario
        if sc.stream_chunks is not None:
            yield from ((True, dumps(chunk)) for chunk in sc.stream_chunks)
            yield True, b"[DONE]"
            return
        keepalive = sc.keepalive if sc.keepalive is not None else self.kind == "deepseek"
        reasoning = answer.reasoning
        opening = chunker.opening(bool(reasoning))
        if opening is not None:
            yield True, dumps(opening)
        for piece in reasoning:
            yield True, dumps(chunker.reasoning(piece))
        if keepalive:
            yield False, b": keep-alive"
        for piece in answer.content:
            yield True, dumps(chunker.content(piece, bool(reasoning)))
        yield from ((True, dumps(chunk)) for chunk in chunker.tool_calls(answer.tool_calls))
        usage = None if sc.omit_usage else self._usage(answer)
        for chunk in chunker.closing(usage, answer.finish_reason):
            yield True, dumps(chunk)
        yield True, b"[DONE]"

    async def _write_events(
        self,
        request: web.Request,
        resp: web.StreamResponse,
        rec: RecordedRequest,
        chunker: Chunker,
        answer: Answer,
    ) -> bool:
        """Write the scripted stream; False if it was cut on purpose (no EOF to write)."""
        sc = self.scenario
        eol = b"\r\n" if sc.crlf else b"\n"
        for is_data, payload in self._events(chunker, answer):
            if is_data:
                index = rec.events_sent
                if sc.break_after_events is not None and index >= sc.break_after_events:
                    drop(request)
                    return False
                gate = sc.pause_before_event.get(index)
                if gate is not None:
                    await self._hold(gate)
                if self._closing.is_set():
                    drop(request)
                    return False
                if sc.event_delay_s:
                    await asyncio.sleep(sc.event_delay_s)
                blob = b"data: " + payload + eol + eol
            else:
                blob = payload + eol + eol
            if sc.split_writes:
                for start in range(0, len(blob), sc.split_size):
                    await resp.write(blob[start : start + sc.split_size])
                    await asyncio.sleep(sc.split_delay_s)
            else:
                await resp.write(blob)
            if is_data:
                rec.events_sent += 1
                rec.events.append(payload)
        return True

    async def _write_big(
        self, resp: web.StreamResponse, rec: RecordedRequest, chunker: Chunker
    ) -> None:
        """Large-stream mode: one content event repeated, written ~64 KiB at a time (it ignores
        max_tokens; usage_override and over_report_factor apply)."""
        sc = self.scenario
        assert sc.stream_bytes is not None
        event = b"data: " + dumps(chunker.content("x" * sc.big_chunk_chars, False)) + b"\n\n"
        per_write = max(1, 65536 // len(event))
        batch = event * per_write
        opening = chunker.opening(False)
        if opening is not None:
            await resp.write(b"data: " + dumps(opening) + b"\n\n")
            rec.events_sent += 1
        written = 0
        while written < sc.stream_bytes and not self._closing.is_set():
            await resp.write(batch)
            written += len(batch)
            rec.events_sent += per_write
        content_tokens = max(1, written // len(event) * sc.big_chunk_chars // 4)
        usage = self._usage(Answer([], [], content_tokens, "stop"))
        closing = chunker.closing(None if sc.omit_usage else usage)
        tail = [b"data: " + dumps(chunk) + b"\n\n" for chunk in closing]
        await resp.write(b"".join(tail) + b"data: [DONE]\n\n")
        rec.events_sent += len(tail) + 1


@web.middleware
async def _note_hangups(request: web.Request, handler: Any) -> web.StreamResponse:
    """With handler_cancellation, a client hang-up cancels the handler: record it."""
    try:
        return await handler(request)
    except asyncio.CancelledError:
        rec = request.get(_REC)
        if rec is not None and not rec.completed:
            rec.disconnected = True
        raise


def _no_constants(name: str) -> Any:
    """NaN and Infinity are not JSON: a real provider cannot parse a body holding them."""
    raise ValueError(f"{name} is not JSON")
