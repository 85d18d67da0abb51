"""The OpenAI-compatible endpoints. Validation and auth here; money and logs via app/."""

import asyncio
import json
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

from aiohttp import web

from app import metering
from app.apikeys import KeyInfo
from app.billing import MAX_MICROS, Hold, Settlement
from app.errors import InsufficientBalance
from app.groups import affordable_base
from app.pricing import TOKENS_PER_PRICE_UNIT
from relay import errors, validation
from relay.auth import authenticate
from relay.clientip import client_ip
from relay.cluster import health
from relay.context import RequestContext
from relay.protocols.dialect import Dialect, encode
from relay.proxy import forward
from relay.requestid import request_id
from relay.state import STATE, RelayState

# The completion limit the relay chose for a request, told to the client in a header.
MAX_TOKENS_SENT = web.RequestKey("relaydesk_max_tokens", int)
MAX_TOKENS_HEADER = "X-RelayDesk-Max-Tokens"


async def add_relay_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``X-RelayDesk-Max-Tokens``: the completion limit the relay sent upstream when the client
    named none, or lowered the client's to what the balance affords."""
    sent = request.get(MAX_TOKENS_SENT)
    if sent is not None:
        response.headers[MAX_TOKENS_HEADER] = str(sent)


async def read_body(request: web.Request, state: RelayState) -> bytes:
    """The raw body, or the 413/400 for one too large, cut short or badly chunked, or the 408
    (and the connection closed) for one that does not arrive within ``body_timeout``: a slow
    body would otherwise hold its connection, counted busy, forever."""
    try:
        async with asyncio.timeout(state.options.body_timeout):
            return await request.read()
    except TimeoutError:
        raise errors.body_timeout(state.options.body_timeout) from None
    except web.HTTPRequestEntityTooLarge:
        raise _too_large(state) from None
    except (web.RequestPayloadError, ConnectionResetError):  # bad chunking; client hung up
        raise errors.bad_request("The request body ended early or was malformed.",
                                 code="incomplete_body") from None
    except RuntimeError:
        # aiohttp's "Connection closed.": a read begun after the connection was closed (the
        # client hung up, or the relay closed it) has no narrower class.
        if request.transport is not None:
            raise
        raise errors.bad_request("The request body ended early or was malformed.",
                                 code="incomplete_body") from None


async def read_json(request: web.Request, state: RelayState) -> tuple[dict[str, Any], bytes]:
    """The JSON object body, or a 400/413 naming the problem."""
    raw = await read_body(request, state)
    if not raw.strip():
        raise errors.bad_request("The request body is empty; send a JSON object.",
                                 code="invalid_json")
    if len(raw) > state.options.offload_json_bytes:  # seconds of CPU for the biggest bodies
        body = await asyncio.get_running_loop().run_in_executor(None, _parse, raw)
    else:
        body = _parse(raw)
    return body, raw


class _NotFinite(ValueError):
    """NaN or an infinity in the body: the slow path names where."""


def _finite(text: str) -> float:
    value = float(text)
    if value - value != 0.0:  # inf - inf and nan - nan are nan
        raise _NotFinite(text)
    return value


def _not_json(text: str) -> float:
    raise _NotFinite(text)


class _Repeated(ValueError):
    """A key twice in one object: the relay reads the last, a provider may read the first."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return result


# json.loads, but NaN, Infinity and floats too big for a double (1e999) stop the parse, and so
# does a repeated key (what was held for must be what every provider reads).
_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_not_json,
                            object_pairs_hook=_unique)


def _parse(raw: bytes) -> dict[str, Any]:
    """Parse and check the body's shape: both walk the whole body, so both leave the loop
    together for big ones.

    The shape walk (validation.check_structure) only runs when it could find something: the
    parse itself refuses non-finite numbers, and a body with fewer brackets than the nesting
    limit cannot be nested that deep.
    """
    try:
        try:
            body = _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))
        except _NotFinite:
            body = json.loads(raw, object_pairs_hook=_unique)
            validation.check_structure(body)  # raises, naming the parameter
    except _Repeated as exc:
        raise errors.bad_request(f"The JSON body repeats the key `{exc.key[:64]}`; send each key "
                                 f"once.", code="invalid_json") from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise errors.bad_request("We could not parse the JSON body of your request.",
                                 code="invalid_json") from None
    if not isinstance(body, dict):
        raise errors.bad_request("The request body must be a JSON object.", code="invalid_json")
    if raw.count(b"[") + raw.count(b"{") >= validation.MAX_DEPTH:
        validation.check_structure(body)
    return body


def _too_large(state: RelayState) -> errors.RelayError:
    limit_mb = state.options.max_body_bytes // (1024 * 1024)
    return errors.RelayError(413, f"Request body is larger than the relay's {limit_mb} MB limit.",
                             code="request_too_large")


def model_of(body: dict[str, Any]) -> str:
    """The body's ``model``, or the 400 OpenAI gives for a missing or malformed one."""
    model = body.get("model")
    if model is None:
        raise errors.bad_request("you must provide a model parameter", param="model",
                                 code="missing_required_parameter")
    if not isinstance(model, str) or not model.strip() or len(model) > 128:
        raise errors.bad_request("model must be a non-empty string", param="model",
                                 code="invalid_type")
    validation.check_model_text(model)
    return model


def validate_chat(body: dict[str, Any]) -> tuple[str, bool]:
    model = model_of(body)
    messages = body.get("messages")
    if messages is None:
        raise errors.bad_request("you must provide a messages parameter", param="messages",
                                 code="missing_required_parameter")
    if not isinstance(messages, list) or not messages:
        raise errors.bad_request("messages must be a non-empty array of message objects",
                                 param="messages", code="invalid_type")
    validation.check_messages(messages)
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise errors.bad_request("stream must be a boolean", param="stream", code="invalid_type")
    validation.check_chat_numbers(body)
    options = body.get("stream_options")
    if options is not None and not isinstance(options, dict):
        raise errors.bad_request("stream_options must be an object", param="stream_options",
                                 code="invalid_type")
    return model, bool(stream)


def validate_embeddings(body: dict[str, Any]) -> tuple[str, bool]:
    model = model_of(body)
    value = body.get("input")
    if value is None:
        raise errors.bad_request("you must provide an input parameter", param="input",
                                 code="missing_required_parameter")
    validation.check_embedding_input(value)
    return model, False


def validate_completions(body: dict[str, Any]) -> tuple[str, bool]:
    """Legacy completions (DeepSeek's fill-in-the-middle among them): a prompt, not messages."""
    model = model_of(body)
    prompt = body.get("prompt")
    if prompt is None:
        raise errors.bad_request("you must provide a prompt parameter", param="prompt",
                                 code="missing_required_parameter")
    if not isinstance(prompt, (str, list)):
        raise errors.bad_request("prompt must be a string or an array", param="prompt",
                                 code="invalid_type")
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise errors.bad_request("stream must be a boolean", param="stream", code="invalid_type")
    validation.check_chat_numbers(body)
    return model, bool(stream)


async def completions(request: web.Request) -> web.StreamResponse:
    return await metered(request, "/completions", validate_completions, completion=True)


async def chat_completions(request: web.Request) -> web.StreamResponse:
    return await metered(request, "/chat/completions", validate_chat, completion=True)


async def embeddings(request: web.Request) -> web.StreamResponse:
    return await metered(request, "/embeddings", validate_embeddings, completion=False)


async def _take_hold(state: RelayState, ctx: RequestContext, hold: Hold,
                     taking: Awaitable[None]) -> None:
    try:
        await taking
    except InsufficientBalance:
        raise too_poor() from None
    _held(state, ctx, hold)


def _held(state: RelayState, ctx: RequestContext, hold: Hold) -> None:
    ctx.reserved = True
    state.accountant.active[ctx.request_id] = ctx.delivered_micros


def too_poor() -> errors.RelayError:
    return errors.insufficient_quota(
        "Your balance is too low for this request. Please recharge, or send a shorter "
        "prompt or a lower max_tokens.")


def _hold_cost(ctx: RequestContext, completion_tokens: int) -> int:
    """The most ``prompt_bound`` prompt tokens and ``completion_tokens`` can cost, whichever
    input price (plain or cached) the provider's report will apply."""
    return max(ctx.priced(ctx.prompt_bound, cached, completion_tokens)
               for cached in (0, ctx.prompt_bound))


def _affordable_tokens(balance_micros: int | None, ctx: RequestContext) -> int:
    """The most completion tokens the balance pays for on top of the prompt's bound (0: none),
    at the caller's group's multiplier."""
    price = ctx.price
    if balance_micros is None or price is None or price.output_micros <= 0:
        return 0
    base = affordable_base(balance_micros, ctx.key.multiplier_ppm)
    if base is None:  # a free group: the hold is zero, so this is never short
        return 0
    input_price = max(price.input_micros, price.cached_input_micros)
    room = base * TOKENS_PER_PRICE_UNIT - ctx.prompt_bound * input_price
    return max(0, room // price.output_micros)


async def _reserve(state: RelayState, ctx: RequestContext, hold: Hold, max_out: int,
                   choices: int) -> None:
    """Take the hold; when the balance cannot cover ``max_out`` completion tokens, hold for as
    many as it can and send that limit upstream instead (the response says so, and the
    answer ends with ``finish_reason: "length"``)."""
    try:
        await state.reserver.reserve(hold, in_flight=state.in_flight)
    except InsufficientBalance as exc:
        fitting = min(_affordable_tokens(exc.balance_micros, ctx) // choices, max_out - 1)
        if fitting < 1:
            raise too_poor() from None
        assert ctx.price is not None
        hold = replace(hold, amount_micros=_hold_cost(ctx, fitting * choices))
        ctx.max_tokens = fitting
        await _take_hold(state, ctx, hold,
                         state.reserver.reserve(hold, in_flight=state.in_flight))
        return
    _held(state, ctx, hold)


async def metered(request: web.Request, path: str, validate: Any, *, completion: bool,
                  key: KeyInfo | None = None, body: dict[str, Any] | None = None,
                  dialect: Dialect | None = None) -> web.StreamResponse:
    """One metered call: hold, limits, forwarding with failover, settlement and its log row.

    ``key`` and ``body``: a caller already authenticated another way, whose request the relay
    built itself (the portal's playground), or a request translated from another dialect
    (``dialect``, relay/protocols/); else the request's own API key and JSON body.
    """
    state = request.config_dict[STATE]
    if key is None:
        key = await authenticate(request, state.keys, state.guard)
    if body is None:
        body, raw = await read_json(request, state)
    else:
        raw = encode(body)
    model, stream = validate(body)
    ctx = RequestContext(request_id=request_id(request), key=key, model=model, stream=stream,
                         client_ip=client_ip(request), user_agent=request.headers.get("User-Agent"),
                         endpoint=dialect.endpoint if dialect else f"/v1{path}")
    state.in_flight += 1
    ticket = None
    try:
        if not key.allows_model(model):
            raise errors.forbidden(f"This API key may not use the model `{model}`.",
                                   "model_not_allowed", param="model")
        snap = await state.pool.snapshot()
        candidates = state.pool.candidates(snap, model)
        ctx.price = state.pool.price_for(snap, model, candidates)
        if ctx.price is None or not candidates:
            raise errors.model_not_found(model)
        ctx.prompt_estimate = metering.estimate_prompt_tokens(body)
        ctx.prompt_bound = metering.prompt_upper_bound(body)
        if dialect is not None:  # a native provider reads the client's own body, not ours
            ctx.prompt_bound = max(ctx.prompt_bound, dialect.bound)
        options = body.get("stream_options")
        ctx.client_wants_usage = isinstance(options, dict) and options.get("include_usage") is True
        max_out, choices = 0, 1
        if completion:
            requested = metering.requested_max_tokens(body)
            max_out = requested or ctx.price.max_output_tokens or state.default_max_tokens
            if requested is None:  # unbounded upstream otherwise: the hold would mean nothing
                ctx.max_tokens = max_out
            choices = metering.completions_per_request(body)  # each may use the whole limit
        ticket = await state.limiter.admit(key, ctx.prompt_estimate + max_out * choices)
        amount = _hold_cost(ctx, max_out * choices)
        if amount > MAX_MICROS:  # more than any balance can hold: never reaches the database
            raise too_poor()
        if amount > 0:
            await _reserve(state, ctx, Hold(key.user_id, key.key_id, ctx.request_id, model,
                                            amount), max_out, choices)
        ctx.completion_limit = (max_out if ctx.max_tokens is None else ctx.max_tokens) * choices
        if ctx.max_tokens is not None:
            request[MAX_TOKENS_SENT] = ctx.max_tokens
        return await forward(request, state, ctx, body, candidates, path=path, raw=raw,
                             dialect=dialect)
    except errors.RelayError as exc:
        ctx.status, ctx.error_code = exc.status, exc.code
        raise
    except asyncio.CancelledError:
        ctx.status, ctx.error_code = 499, "cancelled"
        raise
    except Exception:
        ctx.status, ctx.error_code = 500, "internal_error"
        raise
    finally:
        if ticket is not None:
            usage = ctx.effective_usage()
            state.limiter.release(ticket, usage.prompt_tokens + usage.completion_tokens)
        state.in_flight -= 1
        state.requests_served += 1
        if ctx.settled:
            state.accountant.active.pop(ctx.request_id, None)
        else:
            state.accountant.submit(Settlement(ctx.request_id, key.user_id, ctx.cost(),
                                               ctx.reserved, ctx.log_row()))
        state.metrics.observe(ctx)  # last: billing never waits on it


async def list_models(request: web.Request) -> web.Response:
    state = request.app[STATE]
    key = await authenticate(request, state.keys, state.guard)
    snap = await state.pool.snapshot()
    served = state.pool.served_models(snap)
    data = [{"id": model, "object": "model", "created": created, "owned_by": "relaydesk"}
            for model, created in sorted(served.items()) if key.allows_model(model)]
    return web.json_response({"object": "list", "data": data})


async def get_model(request: web.Request) -> web.Response:
    state = request.app[STATE]
    key = await authenticate(request, state.keys, state.guard)
    model = request.match_info["model"]
    served = state.pool.served_models(await state.pool.snapshot())
    if model not in served or not key.allows_model(model):
        raise errors.model_not_found(model)
    return web.json_response({"id": model, "object": "model", "created": served[model],
                              "owned_by": "relaydesk"})


async def healthz(request: web.Request) -> web.Response:
    return await health.healthz(request)  # database, Redis, providers, jobs (issue 19)
