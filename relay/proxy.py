"""Forwarding a request to the providers that serve its model, failing over before the first
byte reaches the client."""

import asyncio
import json
import logging
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp_socks import ProxyConnectionError, ProxyError, ProxyTimeoutError

from app.metering import CALL_FIELDS, COMPLETION_TEXT_FIELDS, Usage, parse_usage, text_tokens
from relay import errors, upstream
from relay.context import RequestContext
from relay.hangup import outlive_cancellation
from relay.outbound import read_upto
from relay.pool import Upstream
from relay.protocols.dialect import Dialect
from relay.protocols.native_stream import NativeStream
from relay.protocols.translated_stream import TranslatedStream
from relay.settler import interrupted
from relay.state import RelayState
from relay.streaming import StreamRelay, UpstreamBroke

log = logging.getLogger(__name__)

# The provider (or its proxy) could not be reached or broke the exchange, or its host name is
# one IDNA refuses (UnicodeError, raised when connecting): try the next one.
FAILOVER_EXCEPTIONS = (aiohttp.ClientError, TimeoutError, UpstreamBroke, OSError, ProxyError,
                       ProxyConnectionError, ProxyTimeoutError, UnicodeError)


async def forward(request: web.Request, state: RelayState, ctx: RequestContext,
                  body: dict[str, Any], candidates: list[Upstream], *, path: str,
                  raw: bytes, dialect: Dialect | None = None) -> web.StreamResponse:
    """Try each candidate in order; return the first good response or a neutral error.

    ``dialect``: the client spoke another API (relay/protocols/); ``body`` is its Chat
    Completions translation, sent to providers that do not speak the client's API natively."""
    client = state.client
    assert client is not None
    options = state.options
    rate_limited_only = True
    lasting_only = True  # every provider failed for a reason only the operator can fix
    retry_after: list[int] = []  # what rate-limiting providers said about retrying
    for index, up in enumerate(candidates):
        ctx.failovers = index
        ctx.status, ctx.error_code = 200, None  # a failed attempt's verdict is not the answer's
        ctx.provider, ctx.upstream_model = up.name, up.upstream_model(ctx.model)
        native = dialect is not None and dialect.native(up)
        members: dict[str, Any] = {}
        if native:
            payload, injected = None, False
        elif path in ("/chat/completions", "/completions"):
            payload, members, injected = upstream.chat_body(
                body, up, ctx.model, stream=ctx.stream, max_tokens=ctx.max_tokens)
        else:
            payload = None if ctx.upstream_model == ctx.model else dict(
                body, model=ctx.upstream_model)
            injected = False
        data = raw if payload is None else None
        if payload is None and members:
            data = upstream.with_members(raw, members)
            if data is None:
                payload = dict(body, **members)
        if data is None and not native:
            assert payload is not None
            data = await _dumps(state, payload, len(raw))
        target, target_path = up, path
        try:
            if native:
                assert dialect is not None
                call = dialect.native_call(up, ctx)
                target, target_path, data, headers = (call.upstream, call.path, call.data,
                                                      call.headers)
            else:
                headers = upstream.headers(up, stream=ctx.stream)
            client.route(target)
        except (ValueError, OSError) as exc:  # a key, proxy or CA file the operator must fix
            log.warning("provider %s is misconfigured: %s", up.name, exc)
            state.pool.record_failure(up, f"misconfigured: {exc}")
            rate_limited_only = False
            continue
        try:
            assert data is not None
            resp = await client.post(target, target_path, data, headers,
                                     read_timeout=options.read_timeout)
            try:
                if resp.status != 200:
                    # Not ``raw``: that is the client's request, which the next provider gets.
                    error_body, _ = await read_upto(resp, upstream.MAX_ERROR_BODY)
                    verdict = upstream.classify(resp.status, error_body,
                                                location=resp.headers.get("Location"))
                    if not verdict.failover:
                        error = verdict.client_error
                        assert error is not None
                        if ctx.max_tokens is not None:  # the client should know it was ours
                            error.message += (
                                f" (RelayDesk sent a completion limit of {ctx.max_tokens} "
                                f"tokens for this request: the model's output cap, or what "
                                f"the balance affords; send max_tokens to choose it.)")
                        ctx.status, ctx.error_code = error.status, error.code
                        raise error
                    rate_limited_only &= verdict.rate_limited
                    lasting_only &= verdict.lasting
                    if verdict.rate_limited:
                        retry_after.extend(_seconds(resp.headers.get("Retry-After")))
                    log.warning("provider %s failed for %s: %s", up.name, ctx.request_id,
                                verdict.reason)
                    state.pool.record_failure(up, verdict.reason)
                    continue
                if ctx.stream:
                    relay = _stream_relay(request, state, ctx, resp, dialect, native, injected)
                    # A hang-up cancels the handler; the stream reads on to learn its usage.
                    response = await outlive_cancellation(relay.run())
                else:
                    response = await _complete(state, ctx, resp, dialect, native)
                state.pool.record_success(up)
                return response
            finally:
                resp.release()  # back to the pool if read whole, else closed
        except FAILOVER_EXCEPTIONS as exc:
            reason = f"{type(exc).__name__}: {exc}"[:300]
            if up.proxy:
                reason = f"{reason} (through its proxy)"[:300]
            log.warning("provider %s failed for %s: %s", up.name, ctx.request_id, reason)
            state.pool.record_failure(up, reason)
            rate_limited_only = lasting_only = False
            continue
    ctx.provider = ctx.upstream_model = None
    ctx.failovers = max(0, len(candidates) - 1)
    if rate_limited_only and candidates:
        ctx.status, ctx.error_code = 429, "rate_limit_exceeded"
        # The soonest any of them said a retry may succeed; nothing when none said.
        said = {"Retry-After": str(min(retry_after))} if retry_after else None
        raise errors.RelayError(429, "The upstream providers are rate limiting this model. "
                                     "Please retry shortly.", type_="requests",
                                code="rate_limit_exceeded", headers=said)
    ctx.status, ctx.error_code = 503, "upstream_unavailable"
    # No made-up Retry-After: an SDK then backs off its own way, and not at all when waiting
    # cannot help (a provider's key, balance or address is wrong).
    error = errors.upstream_unavailable(retry_after=None)
    if lasting_only and candidates:
        error.headers["x-should-retry"] = "false"
    raise error


def _stream_relay(request: web.Request, state: RelayState, ctx: RequestContext,
                  resp: aiohttp.ClientResponse, dialect: Dialect | None, native: bool,
                  injected: bool) -> StreamRelay:
    grace = state.options.disconnect_grace
    if dialect is None:
        return StreamRelay(request, ctx, resp, suppress_usage_chunk=injected,
                           disconnect_grace=grace, registry=state.streams)
    if native:
        return NativeStream(request, ctx, resp, dialect, disconnect_grace=grace,
                            registry=state.streams)
    return TranslatedStream(request, ctx, resp, dialect, disconnect_grace=grace,
                            registry=state.streams)


async def _complete(state: RelayState, ctx: RequestContext, resp: aiohttp.ClientResponse,
                    dialect: Dialect | None = None, native: bool = False) -> web.Response:
    """A non-streamed answer: read it whole, meter it, settle it (relay/settler.py), pass it
    on byte for byte, or in the client's dialect when it was translated.

    aiohttp writes the response after the handler returns: settling before returning it is
    settling before the answer's last byte leaves."""
    raw, whole = await read_upto(resp, state.options.max_upstream_body)
    if not whole:
        raise UpstreamBroke(f"answer over {state.options.max_upstream_body} bytes")
    usage = None if dialect is not None else _trailing_usage(raw)
    obj: dict[str, Any] = {}
    if usage is None:  # unusual layout or no usage: parse it all (and check it is JSON)
        try:
            obj = await _loads(state, raw)
        except ValueError:
            raise upstream_invalid() from None
        if not isinstance(obj, dict):
            raise upstream_invalid()
        if native:
            assert dialect is not None
            usage = dialect.native_usage(obj.get("usage"))
            if usage is None:
                ctx.completion_estimate = text_tokens(json.dumps(
                    obj.get("content") or obj.get("output") or "", ensure_ascii=False))
        else:
            usage = parse_usage(obj.get("usage"))
            if usage is None:
                ctx.completion_estimate = _message_tokens(obj)
    ctx.usage = usage
    if dialect is not None and not native:
        raw = _encode(dialect.answer(obj, ctx))
    ctx.mark_first_byte()
    if not await state.settler.settle(ctx, in_flight=state.in_flight):
        raise interrupted(ctx)
    return web.Response(body=raw, status=200, content_type="application/json",
                        headers={"x-request-id": ctx.request_id})


def _seconds(value: str | None) -> list[int]:
    """A Retry-After given in whole seconds (an HTTP date is rare from APIs: ignored)."""
    if value and value.strip().isdigit():
        return [min(int(value), 3600)]
    return []


_DECODER = json.JSONDecoder()


def _trailing_usage(raw: bytes) -> Usage | None:
    """Usage from the last ``"usage":`` object of a response, without parsing the whole body
    (providers put usage at the top level, after the choices)."""
    at = raw.rfind(b'"usage"')
    if at < 0 or len(raw) - at > 4096:
        return None
    tail = raw[at + 7:].lstrip()
    if not tail.startswith(b":"):
        return None
    try:
        value, _ = _DECODER.raw_decode(tail[1:].decode("utf-8").lstrip())
    except (ValueError, UnicodeDecodeError):
        return None
    return parse_usage(value)


def upstream_invalid() -> UpstreamBroke:
    return UpstreamBroke("invalid JSON from upstream")


def _message_tokens(obj: dict[str, Any]) -> int:
    total = 0
    for choice in obj.get("choices") or ():
        if isinstance(choice, dict) and isinstance(choice.get("text"), str):  # /v1/completions
            total += text_tokens(choice["text"])
        message = choice.get("message") if isinstance(choice, dict) else None
        if isinstance(message, dict):
            for field in COMPLETION_TEXT_FIELDS:
                if isinstance(message.get(field), str):
                    total += text_tokens(message[field])
            for field in CALL_FIELDS:
                if message.get(field):
                    total += text_tokens(json.dumps(message[field]))
    return total


async def _dumps(state: RelayState, payload: dict[str, Any], size_hint: int) -> bytes:
    # Re-encoding a 20 MB body with images takes tens of ms: keep that off the shared loop.
    if size_hint > state.options.offload_json_bytes:
        return await asyncio.get_running_loop().run_in_executor(None, _encode, payload)
    return _encode(payload)


def _encode(payload: dict[str, Any]) -> bytes:
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a \ud800 escape: keep them escaped
        return json.dumps(payload, separators=(",", ":")).encode("ascii")


async def _loads(state: RelayState, raw: bytes) -> Any:
    if len(raw) > state.options.offload_json_bytes:
        return await asyncio.get_running_loop().run_in_executor(None, json.loads, raw)
    return json.loads(raw)

