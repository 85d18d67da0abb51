"""Works with the clients people actually point at it (Cherry Studio, Open WebUI, Chatbox,
LobeChat, NextChat, Continue, Cline, the OpenAI SDKs): the wire details those clients depend on,
checked with raw HTTP where an SDK would hide them."""

import asyncio
import io
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDictProxy

from app import accounts, apikeys
from app.models import Reservation
from relay import handlers
from tests.relay.conftest import relay_options

ORIGIN = "http://localhost:3210"
HI = [{"role": "user", "content": "hi"}]
CHAT = {"model": "m1", "messages": HI}
CC = "/v1/chat/completions"
ERROR_FIELDS = {"message", "type", "param", "code"}


@dataclass
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture
async def http() -> Any:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(http: aiohttp.ClientSession, h: Any, method: str, path: str, body: Any = None, *,
               raw: bytes | None = None, key: str | None = "default",
               headers: dict[str, str] | None = None) -> Reply:
    """One request to the relay at ``path`` (taken as is: give the /v1 prefix yourself)."""
    sent = dict(headers or {})
    if key is not None:
        sent.setdefault("Authorization", f"Bearer {h.key if key == 'default' else key}")
    if body is not None:
        raw = json.dumps(body).encode()
    if raw is not None:
        sent.setdefault("Content-Type", "application/json")
    data = io.BytesIO(raw) if raw is not None and len(raw) > 1024 * 1024 else raw  # no loop stall
    url = h.base_url.removesuffix("/v1") + path
    async with http.request(method, url, data=data, headers=sent) as resp:
        return Reply(resp.status, resp.headers, await asyncio.wait_for(resp.read(), 20))


def assert_error(reply: Reply, status: int, code: str | None = None, param: Any = ...) -> dict:
    """OpenAI-shaped error; deterministic 4xx carry x-should-retry: false."""
    assert reply.status == status, reply.body[:500]
    assert reply.headers["Content-Type"].startswith("application/json")
    body = reply.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_FIELDS, body
    error = body["error"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["type"], str) and error["type"]
    if code is not None:
        assert error["code"] == code, error
    if param is not ...:
        assert error["param"] == param, error
    if 400 <= status < 500 and status not in (408, 409, 429):
        assert reply.headers.get("x-should-retry") == "false"
    return error


def sse_data(reply: Reply) -> list[str]:
    """The data payloads of a relayed stream, after checking every line is one clients accept."""
    text = reply.body.decode("utf-8")
    assert "\r" not in text
    data = []
    for line in text.split("\n"):
        if not line or line == ": keep-alive":
            continue
        assert line.startswith("data: "), f"unexpected SSE line {line!r}"
        data.append(line[len("data: "):])
    return data


# --- routes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["/v1", "", "/v1/v1"])
async def test_same_routes_with_and_without_v1_prefix(make_relay, http, prefix: str) -> None:
    h = await make_relay(("openai",))
    chat = await call(http, h, "POST", f"{prefix}/chat/completions", CHAT)
    assert chat.status == 200 and chat.json()["choices"][0]["message"]["content"] == "Hello there!"
    models = await call(http, h, "GET", f"{prefix}/models")
    assert models.status == 200 and [m["id"] for m in models.json()["data"]] == ["m1"]
    one = await call(http, h, "GET", f"{prefix}/models/m1")
    assert one.status == 200 and one.json()["id"] == "m1"
    emb = await call(http, h, "POST", f"{prefix}/embeddings", {"model": "m1", "input": "x"})
    assert emb.status == 200 and emb.json()["data"][0]["object"] == "embedding"


@pytest.mark.parametrize("method,path,known", [
    ("POST", "/v1/files", False), ("GET", "/foo", False), ("POST", "/foo", False),
    ("POST", "/v1/audio/speech", False), ("GET", CC + "/x", False),
    ("GET", "/v1/responses", True), ("GET", "/v1/completions", True),
    ("POST", "/v2" + CC[3:], False),
    ("GET", CC, True), ("PUT", CC, True), ("POST", "/v1/models", True),
    ("DELETE", "/v1/models/m1", True), ("GET", "/embeddings", True)])
async def test_unknown_route_or_method_is_openai_shaped(make_relay, http, method: str, path: str,
                                                        known: bool) -> None:
    h = await make_relay()
    reply = await call(http, h, method, path, CHAT if method == "POST" else None,
                       headers={"Origin": ORIGIN})
    if known:  # a known path with the wrong method: OpenAI's own answer, code null
        error = assert_error(reply, 404, param=None)
        assert error == {"message": f"Invalid URL ({method} {path})",
                         "type": "invalid_request_error", "param": None, "code": None}
    else:
        assert_error(reply, 404, "unknown_url")
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert reply.headers["x-request-id"].startswith("req_")


# --- models ----------------------------------------------------------------------------------
async def test_models_is_an_openai_list_object(make_relay, http) -> None:
    h = await make_relay(("deepseek",))
    reply = await call(http, h, "GET", "/v1/models")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("application/json")
    body = reply.json()  # an object, never a bare array
    assert isinstance(body, dict) and set(body) == {"object", "data"} and body["object"] == "list"
    (model,) = body["data"]
    assert model == {"id": "m1", "object": "model", "created": model["created"],
                     "owned_by": model["owned_by"]}
    assert type(model["created"]) is int and isinstance(model["owned_by"], str)
    one = await call(http, h, "GET", "/v1/models/m1")
    assert one.status == 200 and one.json() == model
    assert_error(await call(http, h, "GET", "/v1/models/nope"), 404, "model_not_found")


# --- keys ------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers,ok", [
    ({"Authorization": "Bearer {key}"}, True), ({"authorization": "bearer {key}"}, True),
    ({"x-api-key": "{key}"}, True), ({"api-key": "{key}"}, True), ({}, False),
    ({"Authorization": "Bearer sk-rd-unknown"}, False), ({"Authorization": "Bearer "}, False),
    ({"x-api-key": "sk-rd-unknown"}, False), ({"api-key": "sk-rd-unknown"}, False),
    ({"Authorization": "Basic eDp5"}, False)])
async def test_key_headers(make_relay, http, headers: dict[str, str], ok: bool) -> None:
    h = await make_relay()
    before = h.balance()
    sent = {name: value.format(key=h.key) for name, value in headers.items()}
    for method, path, body in (("GET", "/v1/models", None), ("POST", CC, CHAT),
                               ("POST", "/embeddings", {"model": "m1", "input": "x"})):
        reply = await call(http, h, method, path, body, key=None, headers=sent)
        if ok:
            assert reply.status == 200, reply.body[:300]
        else:
            assert_error(reply, 401, "invalid_api_key")
    if not ok:
        await h.settle()
        assert h.balance() == before and h.upstreams["deepseek"].requests == []


# --- streams ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["openai", "deepseek", "zhipu", "dashscope"])
async def test_stream_wire_format(make_relay, http, kind: str) -> None:
    h = await make_relay((kind,))
    body = dict(CHAT, stream=True, stream_options={"include_usage": True})
    reply = await call(http, h, "POST", CC, body,
                       headers={"Accept-Encoding": "gzip, deflate", "Origin": ORIGIN})
    assert reply.status == 200
    assert reply.headers["Content-Type"].split(";")[0].strip() == "text/event-stream"
    assert "Content-Encoding" not in reply.headers
    assert reply.headers.get("Connection", "").lower() != "close"  # kept alive, like OpenAI
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    text = reply.body.decode()  # read to EOF: the server ended the response
    assert "event:" not in text and ": ping" not in text
    if kind == "deepseek":  # DeepSeek sends ": keep-alive" while it thinks; clients see the same
        assert "\n: keep-alive\n\n" in text
    data = sse_data(reply)
    assert data[-1] == "[DONE]" and data.count("[DONE]") == 1
    assert text.endswith("data: [DONE]\n\n")
    chunks = [json.loads(d) for d in data[:-1]]
    assert chunks and all(isinstance(c.get("choices"), list) for c in chunks), chunks
    content = "".join(ch["delta"].get("content") or "" for c in chunks for ch in c["choices"])
    assert content == "Hello there!"
    with_usage = [c for c in chunks if c.get("usage")]
    assert with_usage, "the client asked for usage"
    for chunk in with_usage:  # a usage-only chunk has an empty choices array, never none
        if not any(ch.get("delta") or ch.get("finish_reason") for ch in chunk["choices"]):
            assert chunk["choices"] == []
    if kind in ("openai", "dashscope"):  # these send the separate usage chunk OpenAI documents
        assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["prompt_tokens"] == 12


@pytest.mark.parametrize("kind", ["openai", "zhipu"])
async def test_mid_stream_failure_is_an_error_event_without_done(make_relay, http,
                                                                 kind: str) -> None:
    h = await make_relay((kind,))
    h.upstreams[kind].scenario.break_after_events = 2
    reply = await call(http, h, "POST", CC, dict(CHAT, stream=True))
    assert reply.status == 200
    data = sse_data(reply)
    assert "[DONE]" not in data
    assert len(data) == 3, data  # two relayed chunks, then the error
    assert all("choices" in json.loads(d) for d in data[:2])
    last = json.loads(data[-1])
    assert set(last) == {"error"} and set(last["error"]) == ERROR_FIELDS
    assert last["error"]["message"]


# --- pass-through ------------------------------------------------------------------------------

FUNCTION = {"name": "lookup", "description": "Look it up", "strict": True, "parameters": {
    "type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"],
    "additionalProperties": False}}
RICH_BODY = {
    "model": "m1",
    "messages": [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": [{"type": "text", "text": "What is in this image?"}, {
            "type": "image_url", "image_url": {
                "url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==", "detail": "low"}}]},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function",
         "function": {"name": "lookup", "arguments": "{\"q\": \"cat\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "a cat"}],
    "tools": [{"type": "function", "function": FUNCTION}],
    "tool_choice": {"type": "function", "function": {"name": "lookup"}},
    "parallel_tool_calls": False,
    "response_format": {"type": "json_schema", "json_schema": {
        "name": "answer", "strict": True, "schema": FUNCTION["parameters"]}},
    "reasoning_effort": "high", "max_completion_tokens": 321, "service_tier": "flex",
    "user": "user-1234", "temperature": 0.2, "seed": 7, "logit_bias": {"50256": -100},
    "metadata": {"client": "cline"}, "x_vendor_extension": {"nested": [1, 2.5, None, "文"]},
}


@pytest.mark.parametrize("kind,stream", [("openai", False), ("deepseek", False), ("zhipu", False),
                                         ("openai", True), ("zhipu", True)])
async def test_unknown_fields_reach_upstream_untouched(make_relay, http, kind: str,
                                                       stream: bool) -> None:
    h = await make_relay((kind,))
    body = dict(RICH_BODY, stream=True) if stream else RICH_BODY
    reply = await call(http, h, "POST", CC, body,
                       headers={"x-stainless-lang": "js", "OpenAI-Organization": "org-x"})
    assert reply.status == 200
    sent = h.upstreams[kind].last_request
    # The relay only adds what billing needs: the usage option, and the completion limit in
    # the field a provider reads (only OpenAI's own API reads max_completion_tokens).
    if stream and kind == "openai":
        body = dict(body, stream_options={"include_usage": True})
    body = dict(body, max_tokens=body["max_completion_tokens"])
    assert sent.json == body
    assert all(h.key not in value for value in sent.headers.values())  # the client key stays here
    assert sent.headers["Authorization"] == f"Bearer sk-up-{kind}"


def _tool_chunk(delta: dict, finish: str | None = None) -> dict:
    return {"id": "chatcmpl-t1", "object": "chat.completion.chunk", "created": 1700000000,
            "model": "m1", "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}


def _call_delta(index: int, arguments: str, name: str | None = None) -> dict:
    if name is None:
        return {"tool_calls": [{"index": index, "function": {"arguments": arguments}}]}
    return {"tool_calls": [{"index": index, "id": f"call_{index}", "type": "function",
                            "function": {"name": name, "arguments": arguments}}]}


TOOL_STREAM = [
    _tool_chunk({"role": "assistant", "content": None, **_call_delta(0, "", "get_weather")}),
    _tool_chunk(_call_delta(0, '{"city":')), _tool_chunk(_call_delta(0, '"Paris"}')),
    _tool_chunk(_call_delta(1, "{}", "get_time")), _tool_chunk({}, "tool_calls")]


async def test_tool_call_deltas_reach_client_unchanged(make_relay, http) -> None:
    h = await make_relay(("openai",))
    up = h.upstreams["openai"]
    up.scenario.stream_chunks = TOOL_STREAM
    reply = await call(http, h, "POST", CC, dict(RICH_BODY, stream=True))
    assert reply.status == 200
    relayed = sse_data(reply)
    assert [d.encode() for d in relayed] == up.last_request.events  # byte for byte, [DONE] too
    assert [json.loads(d) for d in relayed[:-1]] == TOOL_STREAM


@pytest.mark.parametrize("kind", ["deepseek", "zhipu"])
async def test_reasoning_content_reaches_client_unchanged(make_relay, http, kind: str) -> None:
    h = await make_relay((kind,))
    up = h.upstreams[kind]
    up.scenario.reasoning = ["Let me think", " about 思考."]
    body = dict(CHAT, stream=True, stream_options={"include_usage": True})
    reply = await call(http, h, "POST", CC, body)
    assert reply.status == 200
    assert [d.encode() for d in sse_data(reply)] == up.last_request.events
    chunks = [json.loads(d) for d in sse_data(reply)[:-1]]
    thought = "".join(ch["delta"].get("reasoning_content") or ""
                      for c in chunks for ch in c["choices"])
    assert thought == "Let me think about 思考."


# --- big bodies ------------------------------------------------------------------------------
def image_body(image_bytes: int) -> bytes:
    url = "data:image/png;base64," + "A" * image_bytes
    body = {"model": "m1", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Describe this."},
        {"type": "image_url", "image_url": {"url": url}}]}]}
    return json.dumps(body, separators=(",", ":")).encode()


async def test_20_mb_image_body_is_forwarded_whole(make_relay, http) -> None:
    h = await make_relay(("openai",))
    up = h.upstreams["openai"]  # takes bodies of up to 64 MiB, as real providers do
    raw = image_body(20 * 1024 * 1024)
    reply = await call(http, h, "POST", CC, raw=raw)
    assert reply.status == 200, reply.body[:300]
    # The client's bytes, with the model's completion limit spliced in front (none was sent).
    assert up.last_request.body == b'{"max_tokens":4096,' + raw[1:]
    assert up.last_request.json == dict(json.loads(raw), max_tokens=4096)


@pytest.mark.parametrize("path", [CC, "/v1/embeddings"])
async def test_body_over_relay_limit_is_413(make_relay, http, path: str) -> None:
    h = await make_relay(options=relay_options(max_body_bytes=1024 * 1024))
    before = h.balance()
    reply = await call(http, h, "POST", path, raw=image_body(1024 * 1024 + 1))
    assert_error(reply, 413, "request_too_large")
    await h.settle()
    assert h.balance() == before and h.upstreams["deepseek"].requests == []


# --- deterministic failures ------------------------------------------------------------------
async def test_deterministic_failures_are_4xx_and_not_retried(make_relay, http) -> None:
    h = await make_relay(("deepseek",))
    before = h.balance()
    _, other_model = apikeys.create_key("alice", name="m", models=["other"])
    _, office_only = apikeys.create_key("alice", name="ip", cidrs=["10.0.0.0/8"])
    accounts.add_user("bob", "bob@example.com")  # no money at all
    _, broke = apikeys.create_key("bob")
    chat = CC
    cases = [
        (await call(http, h, "POST", chat, raw=b"{nope"), 400, "invalid_json", None),
        (await call(http, h, "POST", chat, {"messages": HI}), 400, None, "model"),
        (await call(http, h, "POST", chat, {"model": "m1"}), 400, None, "messages"),
        (await call(http, h, "POST", "/v1/embeddings", {"model": "m1"}), 400, None, "input"),
        (await call(http, h, "POST", chat, CHAT, key="sk-rd-nope"), 401, "invalid_api_key", ...),
        (await call(http, h, "POST", chat, CHAT, key=other_model), 403, "model_not_allowed",
         "model"),
        (await call(http, h, "POST", chat, CHAT, key=office_only), 403, "ip_not_allowed", ...),
        (await call(http, h, "GET", "/v1/models", key=office_only), 403, "ip_not_allowed", ...),
        (await call(http, h, "POST", chat, dict(CHAT, model="nope")), 404, "model_not_found",
         "model"),
        (await call(http, h, "POST", chat, CHAT, key=broke), 429, "insufficient_quota", ...),
        (await call(http, h, "POST", chat, dict(CHAT, stream=True), key=broke), 429,
         "insufficient_quota", ...),
    ]
    for reply, status, code, param in cases:
        assert_error(reply, status, code, param)
        assert reply.headers["x-request-id"].startswith("req_")
    for reply, *_ in cases[-2:]:  # waiting adds no balance: SDKs must not retry
        assert reply.headers["x-should-retry"] == "false" and "Retry-After" not in reply.headers
    accounts.set_status("alice", "disabled")
    assert_error(await call(http, h, "POST", chat, CHAT), 403, "account_disabled")
    await h.settle()
    assert h.balance() == before and h.balance("bob") == 0
    assert h.upstreams["deepseek"].requests == []


async def test_all_upstreams_rate_limited_is_429_with_retry_after(make_relay, http) -> None:
    """Retry-After is the soonest a rate-limiting provider said a retry may work (OpenAI says
    it; DeepSeek does not)."""
    h = await make_relay(("openai", "deepseek"))
    for up in h.upstreams.values():
        up.scenario.fail_with = "rate_limit"
    h.upstreams["openai"].scenario.retry_after_s = 7
    before = h.balance()
    for body in (CHAT, dict(CHAT, stream=True)):
        reply = await call(http, h, "POST", CC, body,
                           headers={"Origin": ORIGIN})
        assert_error(reply, 429, "rate_limit_exceeded")
        assert reply.headers["Retry-After"] == "7"
        assert reply.headers.get("x-should-retry") != "false"
        assert "retry-after" in reply.headers["Access-Control-Expose-Headers"].lower()
    assert all(len(up.requests) == 2 for up in h.upstreams.values())
    await h.settle()
    assert h.balance() == before


async def test_rate_limited_without_a_retry_time_says_none(make_relay, http) -> None:
    h = await make_relay(("deepseek",))
    h.upstreams["deepseek"].scenario.fail_with = "rate_limit"
    reply = await call(http, h, "POST", CC, CHAT)
    assert_error(reply, 429, "rate_limit_exceeded")
    assert "Retry-After" not in reply.headers  # the SDK's own backoff, not a made-up wait


# --- CORS ------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [CC, "/chat/completions", "/v1/models",
                                  "/v1/embeddings"])
async def test_cors_preflight_needs_no_key(make_relay, http, path: str) -> None:
    h = await make_relay()
    requested = "x-stainless-os, x-stainless-lang, authorization, content-type"
    reply = await call(http, h, "OPTIONS", path, key=None, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": requested})
    assert 200 <= reply.status < 300
    assert reply.headers["Access-Control-Allow-Origin"] in (ORIGIN, "*")
    allowed = {v.strip().lower() for v in reply.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed >= {v.strip() for v in requested.split(",")}
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]


async def test_cors_origin_on_success_error_and_stream(make_relay, http) -> None:
    h = await make_relay(("openai",))
    origin = {"Origin": ORIGIN}
    ok = await call(http, h, "POST", CC, CHAT, headers=origin)
    denied = await call(http, h, "POST", CC, CHAT, key=None, headers=origin)
    stream = await call(http, h, "POST", CC, dict(CHAT, stream=True), headers=origin)
    models = await call(http, h, "GET", "/v1/models", headers=origin)
    assert (ok.status, denied.status, stream.status, models.status) == (200, 401, 200, 200)
    for reply in (ok, denied, stream, models):
        assert reply.headers["Access-Control-Allow-Origin"] in (ORIGIN, "*")
    assert "x-should-retry" in denied.headers["Access-Control-Expose-Headers"].lower()


# --- malformed requests ------------------------------------------------------------------------

NESTED: dict = {"a": None}
for _ in range(150):  # relay.validation.MAX_DEPTH (200) refuses deeper bodies
    NESTED = {"a": NESTED}


def bad(**fields: Any) -> bytes:
    return json.dumps(dict(CHAT, **fields)).encode()


@pytest.mark.parametrize("raw,param", [
    (b'{"model": "m1", "messages": [', None), (b"[]", None), (json.dumps([CHAT]).encode(), None),
    (b"null", None), (b'"hello"', None), (b"", None), (b"\xff\xfe{}", None),
    (b"[" * 100_000, None), (bad(messages="x"), "messages"), (bad(messages=[]), "messages"),
    (bad(messages=["hi"]), "messages.[0]"), (bad(model=42), "model"), (bad(model=""), "model"),
    (bad(stream="yes"), "stream"), (bad(stream=1), "stream"), (bad(max_tokens=-1), "max_tokens"),
    (bad(max_tokens="100"), "max_tokens"), (bad(max_tokens=True), "max_tokens"),
    (bad(max_completion_tokens=0), "max_completion_tokens"),
    (bad(stream=True, stream_options="usage"), "stream_options"),
])
async def test_malformed_requests_are_400_and_cost_nothing(make_relay, http, raw: bytes,
                                                           param: str | None) -> None:
    h = await make_relay()
    before = h.balance()
    reply = await call(http, h, "POST", CC, raw=raw)
    error = assert_error(reply, 400, param=param)
    if param is None:
        assert error["code"] == "invalid_json"
    await h.settle()
    assert h.balance() == before and h.upstreams["deepseek"].requests == []
    assert h.server.state.accountant.active == {}


@pytest.mark.parametrize("content", ["broken emoji \ud83d",
                                     [{"type": "text", "text": "hi", "extra": NESTED}]],
                         ids=["lone-surrogate", "deep-nesting"])
async def test_odd_but_parseable_bodies_are_forwarded(make_relay, http, content: Any) -> None:
    """Browsers' JSON.stringify escapes a cut emoji as a lone \\ud83d; it must not cause a 500."""
    h = await make_relay()
    body = dict(CHAT, messages=[{"role": "user", "content": content}])
    reply = await call(http, h, "POST", CC, body)
    assert reply.status == 200, reply.body[:300]
    assert h.upstreams["deepseek"].last_request.json == dict(body, max_tokens=4096)


async def test_internal_error_is_openai_shaped_logged_and_free(make_relay, http,
                                                             monkeypatch) -> None:
    async def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    h = await make_relay()
    before = h.balance()
    monkeypatch.setattr(handlers, "forward", explode)
    reply = await call(http, h, "POST", CC, CHAT, headers={"Origin": ORIGIN})
    assert_error(reply, 500, "internal_error")
    assert b"boom" not in reply.body and b"Traceback" not in reply.body
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    await h.settle()
    assert h.balance() == before and Reservation.select().count() == 0
    (log,) = h.logs()
    assert (log.status, log.error_code, log.cost_micros) == (500, "internal_error", 0)
