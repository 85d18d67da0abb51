"""Request limits: oversize bodies, URLs and headers and malformed input all get OpenAI-shaped
4xx answers (never a 500), the relay keeps serving, and refused requests cost nothing."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import aiohttp
import pytest

from app import ledger
from app.models import LedgerEntry, RequestLog, Reservation
from relay.lowlevel import MAX_FIELD_SIZE, MAX_HEADERS, MAX_LINE_SIZE
from tests.relay.conftest import Harness, relay_options

MB = 1024 * 1024
CHAT = {"model": "m1", "messages": [{"role": "user", "content": "Hi"}]}


def snapshot(h: Harness) -> tuple[Any, ...]:
    return (h.balance(), LedgerEntry.select().count(), Reservation.select().count(),
            RequestLog.select().count())


def assert_openai_error(status: int, body: bytes, headers: Any = None) -> dict[str, Any]:
    assert b"Traceback" not in body and b'File "' not in body
    error = json.loads(body)["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert isinstance(error["message"], str) and error["message"]
    if headers is not None and 400 <= status < 500 and status != 429:
        assert headers.get("x-should-retry") == "false"
    return error


async def post(h: Harness, path: str, data: bytes | Any, *,
               headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
    base = {"Authorization": f"Bearer {h.key}", "Content-Type": "application/json"}
    base.update(headers or {})
    if isinstance(data, bytes) and len(data) > MB:  # aiohttp warns about big raw bytes bodies
        data = io.BytesIO(data)
    async with (aiohttp.ClientSession() as session,
                session.post(h.base_url + path, data=data, headers=base) as resp):
        return resp.status, await resp.read(), resp.headers


async def raw_exchange(h: Harness, request: bytes) -> bytes:
    """Send raw bytes on a fresh connection; everything the relay answers until it closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", h.server.port)
    try:
        writer.write(request)
        await writer.drain()
        async with asyncio.timeout(10):
            return await reader.read(-1)  # until EOF: the relay must close the connection
    finally:
        writer.close()
        await writer.wait_closed()


def split_responses(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Each response in ``raw`` (all carry Content-Length) as (status, headers, body)."""
    found = []
    while raw:
        head, _, raw = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
        size = int(headers["content-length"])
        found.append((int(lines[0].split()[1]), headers, raw[:size]))
        raw = raw[size:]
    return found


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    [response] = split_responses(raw)
    return response


async def assert_still_serving(h: Harness) -> None:
    async with h.client() as client:
        reply = await client.chat.completions.create(
            model="m1", messages=[{"role": "user", "content": "still there?"}])
    assert reply.choices[0].message.content


# --- bodies -----------------------------------------------------------------------------------


async def test_body_over_limit_is_413_with_content_length(make_relay) -> None:
    h = await make_relay(options=relay_options(max_body_bytes=1 * MB))
    before = snapshot(h)
    body = json.dumps({**CHAT, "pad": "x" * (2 * MB)}).encode()
    status, raw, headers = await post(h, "/chat/completions", body)
    assert status == 413
    assert assert_openai_error(status, raw, headers)["code"] == "request_too_large"
    await h.settle()
    assert snapshot(h) == before
    await assert_still_serving(h)


async def test_chunked_body_over_limit_is_413(make_relay) -> None:
    h = await make_relay(options=relay_options(max_body_bytes=1 * MB))
    before = snapshot(h)

    async def chunks():  # no Content-Length: aiohttp sends it chunked
        for _ in range(40):
            yield b"x" * (64 * 1024)

    status, raw, headers = await post(h, "/chat/completions", chunks())
    assert status == 413
    assert assert_openai_error(status, raw, headers)["code"] == "request_too_large"
    await h.settle()
    assert snapshot(h) == before
    await assert_still_serving(h)


async def test_twenty_mb_image_under_the_default_limit_is_relayed(make_relay) -> None:
    h = await make_relay()
    image = "data:image/png;base64," + "A" * (20 * MB)
    body = {"model": "m1", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": image}}]}]}
    status, raw, _ = await post(h, "/chat/completions", json.dumps(body).encode())
    assert status == 200, raw[:300]
    assert json.loads(raw)["choices"][0]["message"]["content"]
    assert len(h.upstreams["deepseek"].last_request.body) > 20 * MB
    await h.settle()
    h.assert_ledger_consistent()


async def test_content_length_shorter_than_body_is_refused_cleanly(make_relay) -> None:
    h = await make_relay()
    before = snapshot(h)
    body = json.dumps(CHAT).encode()
    request = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
               f"Authorization: Bearer {h.key}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body) - 10}\r\n\r\n").encode() + body
    raw = await raw_exchange(h, request)
    # The leftover bytes are not HTTP: refused. aiohttp's parser drops the first request when
    # both arrive in one read; when they don't, the truncated JSON is refused first.
    responses = split_responses(raw)
    assert [status for status, _, _ in responses] == [400] * len(responses)
    codes = [assert_openai_error(400, body)["code"] for _, _, body in responses]
    assert codes in (["bad_request"], ["invalid_json", "bad_request"])
    await h.settle()
    assert snapshot(h) == before
    await assert_still_serving(h)


async def test_content_length_longer_than_body_then_hangup_is_not_a_500(make_relay, caplog
                                                                      ) -> None:
    h = await make_relay()
    before = snapshot(h)
    body = json.dumps(CHAT).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", h.server.port)
    writer.write((f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                  f"Authorization: Bearer {h.key}\r\nContent-Length: {len(body) + 100}\r\n\r\n"
                  ).encode() + body)
    await writer.drain()
    writer.write_eof()  # the client gives up before sending what it announced
    async with asyncio.timeout(10):
        await reader.read(-1)
    writer.close()
    await writer.wait_closed()
    await h.settle()
    assert snapshot(h) == before
    await assert_still_serving(h)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_malformed_chunked_body_is_400(make_relay) -> None:
    h = await make_relay()
    before = snapshot(h)
    raw = await raw_exchange(h, (f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                                 f"Authorization: Bearer {h.key}\r\n"
                                 f"Transfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"
                                 ).encode())
    status, _, body = split_response(raw)
    assert status == 400
    assert assert_openai_error(status, body)["code"] in ("bad_request", "incomplete_body")
    await h.settle()
    assert snapshot(h) == before


# --- malformed input --------------------------------------------------------------------------

MESSAGES_OK = [{"role": "user", "content": "Hi"}]

BAD_CHAT: list[tuple[str, Any, str | None, str]] = [
    # (case id, body, param OpenAI-style, code)
    ("missing model", {"messages": MESSAGES_OK}, "model", "missing_required_parameter"),
    ("model not a string", {"model": 5, "messages": MESSAGES_OK}, "model", "invalid_type"),
    ("model control chars", {"model": "m1\u0000", "messages": MESSAGES_OK}, "model",
     "invalid_value"),
    ("missing messages", {"model": "m1"}, "messages", "missing_required_parameter"),
    ("messages not a list", {"model": "m1", "messages": "Hi"}, "messages", "invalid_type"),
    ("messages empty", {"model": "m1", "messages": []}, "messages", "invalid_type"),
    ("message not an object", {"model": "m1", "messages": ["Hi"]}, "messages.[0]",
     "invalid_type"),
    ("role missing", {"model": "m1", "messages": [{"content": "Hi"}]}, "messages.[0].role",
     "missing_required_parameter"),
    ("role a number", {"model": "m1", "messages": [MESSAGES_OK[0], {"role": 1, "content": "x"}]},
     "messages.[1].role", "invalid_type"),
    ("content a number", {"model": "m1", "messages": [{"role": "user", "content": 42}]},
     "messages.[0].content", "invalid_type"),
    ("content an object", {"model": "m1", "messages": [{"role": "user", "content": {"a": 1}}]},
     "messages.[0].content", "invalid_type"),
    ("content part a string", {"model": "m1", "messages": [{"role": "user", "content": ["x"]}]},
     "messages.[0].content.[0]", "invalid_type"),
    ("temperature a string", {**CHAT, "temperature": "0.5"}, "temperature", "invalid_type"),
    ("top_p a bool", {**CHAT, "top_p": True}, "top_p", "invalid_type"),
    ("n a float", {**CHAT, "n": 1.5}, "n", "invalid_type"),
    ("n negative", {**CHAT, "n": -1}, "n", "invalid_type"),
    ("n a bool", {**CHAT, "n": True}, "n", "invalid_type"),
    ("max_tokens a float", {**CHAT, "max_tokens": 10.0}, "max_tokens", "invalid_type"),
    ("max_tokens negative", {**CHAT, "max_tokens": -5}, "max_tokens", "invalid_type"),
    ("max_tokens a bool", {**CHAT, "max_tokens": True}, "max_tokens", "invalid_type"),
    ("max_tokens huge", {**CHAT, "max_tokens": 10**30}, "max_tokens", "invalid_value"),
    ("max_completion_tokens a string", {**CHAT, "max_completion_tokens": "9"},
     "max_completion_tokens", "invalid_type"),
    ("stream a string", {**CHAT, "stream": "true"}, "stream", "invalid_type"),
    ("stream a number", {**CHAT, "stream": 1}, "stream", "invalid_type"),
    ("stream_options a list", {**CHAT, "stream": True, "stream_options": []}, "stream_options",
     "invalid_type"),
]


@pytest.mark.parametrize("body,param,code", [c[1:] for c in BAD_CHAT],
                         ids=[c[0] for c in BAD_CHAT])
async def test_malformed_chat_is_400_naming_the_param(make_relay, body, param, code) -> None:
    h = await make_relay()
    before = snapshot(h)
    status, raw, headers = await post(h, "/chat/completions", json.dumps(body).encode())
    assert status == 400, raw
    error = assert_openai_error(status, raw, headers)
    assert (error["param"], error["code"], error["type"]) == (param, code,
                                                              "invalid_request_error")
    await h.settle()
    assert snapshot(h) == before
    assert h.upstreams["deepseek"].requests == []


RAW_BAD: list[tuple[str, bytes, str | None, str]] = [
    ("not json", b"{model: m1}", None, "invalid_json"),
    ("empty", b"", None, "invalid_json"),
    ("json array", b"[1, 2]", None, "invalid_json"),
    ("invalid utf-8", b'{"model": "m1\xff\xfe", "messages": []}', None, "invalid_json"),
    ("deeply nested (recursion)", b'{"model":"m1","messages":' + b"[" * 100_000
     + b"]" * 100_000 + b"}", None, "invalid_json"),
    ("nested past the limit", json.dumps({**CHAT, "x": json.loads("[" * 300 + "]" * 300)}
                                          ).encode(), None, "invalid_json"),
    ("NaN literal", json.dumps(CHAT)[:-1].encode() + b', "temperature": NaN}', "temperature",
     "invalid_value"),
    ("Infinity in an unknown field", json.dumps(CHAT)[:-1].encode() + b', "x": [Infinity]}',
     "x.[0]", "invalid_value"),
    ("huge exponent", json.dumps(CHAT)[:-1].encode() + b', "temperature": 1e999}',
     "temperature", "invalid_value"),
    ("too many digits", json.dumps(CHAT)[:-1].encode() + b', "n": ' + b"9" * 5000 + b"}",
     None, "invalid_json"),
]


@pytest.mark.parametrize("raw_body,param,code", [c[1:] for c in RAW_BAD],
                         ids=[c[0] for c in RAW_BAD])
async def test_unparseable_bodies_are_400(make_relay, raw_body, param, code) -> None:
    h = await make_relay()
    before = snapshot(h)
    status, raw, headers = await post(h, "/chat/completions", raw_body)
    assert status == 400, raw
    error = assert_openai_error(status, raw, headers)
    assert (error["param"], error["code"]) == (param, code)
    await h.settle()
    assert snapshot(h) == before
    await assert_still_serving(h)


BAD_EMBEDDINGS: list[tuple[str, Any, str, str]] = [
    ("missing input", {"model": "m1"}, "input", "missing_required_parameter"),
    ("input a number", {"model": "m1", "input": 5}, "input", "invalid_type"),
    ("input an object", {"model": "m1", "input": {"text": "x"}}, "input", "invalid_type"),
    ("input empty", {"model": "m1", "input": []}, "input", "invalid_type"),
    ("input with null", {"model": "m1", "input": ["a", None]}, "input", "invalid_type"),
    ("input tokens with floats", {"model": "m1", "input": [[1, 2.5]]}, "input", "invalid_type"),
    ("missing model", {"input": "x"}, "model", "missing_required_parameter"),
]


@pytest.mark.parametrize("body,param,code", [c[1:] for c in BAD_EMBEDDINGS],
                         ids=[c[0] for c in BAD_EMBEDDINGS])
async def test_malformed_embeddings_are_400(make_relay, body, param, code) -> None:
    h = await make_relay()
    status, raw, headers = await post(h, "/embeddings", json.dumps(body).encode())
    assert status == 400, raw
    error = assert_openai_error(status, raw, headers)
    assert (error["param"], error["code"]) == (param, code)


@pytest.mark.parametrize("body", [
    {"model": "m1", "input": "one"},
    {"model": "m1", "input": ["one", "two"]},
    {"model": "m1", "input": [1, 2, 3]},
    {"model": "m1", "input": [[1, 2], [3]]},
], ids=["string", "strings", "tokens", "token arrays"])
async def test_valid_embedding_inputs_pass(make_relay, body) -> None:
    h = await make_relay()
    status, raw, _ = await post(h, "/embeddings", json.dumps(body).encode())
    assert status == 200, raw


@pytest.mark.parametrize("message", [
    {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function",
                                                           "function": {"name": "f",
                                                                        "arguments": "{}"}}]},
    {"role": "user", "content": [{"type": "text", "text": "hi"}], "name": "bob"},
    {"role": "developer", "content": "be brief", "x_vendor_field": {"any": [1, "thing"]}},
], ids=["null content with tool_calls", "content parts", "unknown fields"])
async def test_legal_shapes_pass_through_untouched(make_relay, message) -> None:
    h = await make_relay()
    # (with a completion limit of its own: otherwise the relay adds the model's)
    body = {"model": "m1", "messages": [{"role": "user", "content": "Hi"}, message],
            "temperature": 0, "n": 1, "vendor_extra": {"deep": [[{"ok": True}]]},
            "max_tokens": 64}
    raw_body = json.dumps(body).encode()
    status, raw, _ = await post(h, "/chat/completions", raw_body)
    assert status == 200, raw
    assert json.loads(h.upstreams["deepseek"].last_request.body) == body


async def test_json_with_a_non_json_content_type_is_accepted(make_relay) -> None:
    """curl -d sends form encoding; the body is still JSON, as OpenAI's API accepts it."""
    h = await make_relay()
    status, raw, _ = await post(h, "/chat/completions", json.dumps(CHAT).encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, raw
    status, raw, headers = await post(h, "/chat/completions", b"model=m1&messages=hi",
                                      headers={"Content-Type": "multipart/form-data"})
    assert status == 400 and assert_openai_error(status, raw, headers)["code"] == "invalid_json"


# --- the HTTP layer: URL and headers ----------------------------------------------------------


def request_bytes(h: Harness, path: str = "/v1/models",
                  extra: list[tuple[str, str]] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {h.key}"]
    lines += [f"{k}: {v}" for k, v in extra or []]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize("case,status,code", [
    ("long url", 414, "request_line_too_long"),
    ("long header", 431, "headers_too_large"),
    ("long header value holding a key", 431, "headers_too_large"),
    ("too many headers", 431, "headers_too_large"),
    ("garbage", 400, "bad_request"),
    ("bad method", 400, "bad_request"),
])
async def test_http_layer_refusals_are_openai_shaped(make_relay, caplog, case, status, code
                                                     ) -> None:
    h = await make_relay()
    before = snapshot(h)
    request = {
        "long url": request_bytes(h, "/v1/models?q=" + "a" * MAX_LINE_SIZE),
        "long header": request_bytes(h, extra=[("X-Big", "b" * (MAX_FIELD_SIZE + 100))]),
        "long header value holding a key": request_bytes(
            h, extra=[("X-Api-Key", h.key + "c" * MAX_FIELD_SIZE)]),
        "too many headers": request_bytes(h, extra=[(f"X-H{i}", "v")
                                                    for i in range(MAX_HEADERS + 1)]),
        "garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
        "bad method": b"G(T /v1/models HTTP/1.1\r\nHost: x\r\n\r\n",
    }[case]
    raw = await raw_exchange(h, request)
    got, headers, body = split_response(raw)
    assert got == status
    assert headers["content-type"].startswith("application/json")
    assert headers["x-should-retry"] == "false"  # and raw_exchange saw the connection close
    error = assert_openai_error(got, body)
    assert error == {"message": error["message"], "type": "invalid_request_error",
                     "param": None, "code": code}
    assert h.key not in caplog.text  # the parser's message quotes the bytes; never logged
    await h.settle()
    assert snapshot(h) == before
    await assert_still_serving(h)


async def test_realistic_headers_under_the_limits_pass(make_relay) -> None:
    """A browser-ish client: ~40 headers, a 6 KB cookie and a long-ish query string."""
    h = await make_relay()
    extra = [("Cookie", "s=" + "c" * 6000), ("User-Agent", "Mozilla/5.0 " + "x" * 300)]
    extra += [(f"Sec-Fetch-X{i}", "v" * 100) for i in range(40)]
    raw = await raw_exchange(h, request_bytes(h, "/v1/models?" + "a" * 4000, extra)
                             .replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
    status, _, body = split_response(raw)
    assert status == 200, body
    assert json.loads(body)["data"][0]["id"] == "m1"


async def test_refusals_are_not_logged_but_refused_authenticated_requests_are(make_relay
                                                                             ) -> None:
    """The existing design: a request refused before its body is understood (auth, size,
    validation) leaves no trace; one refused after (unknown model, no balance) gets a request-log
    row with cost 0 and no ledger entry."""
    h = await make_relay()
    ledger_before, balance_before = LedgerEntry.select().count(), h.balance()
    await post(h, "/chat/completions", b"{}", headers={"Authorization": "Bearer nope"})
    await post(h, "/chat/completions", json.dumps({"model": "m1"}).encode())
    await post(h, "/chat/completions", json.dumps({**CHAT, "model": "nope"}).encode())
    await h.settle()
    [row] = h.logs()
    assert (row.model, row.status, row.error_code, row.cost_micros) == (
        "nope", 404, "model_not_found", 0)
    assert (LedgerEntry.select().count(), h.balance()) == (ledger_before, balance_before)
    assert Reservation.select().count() == 0
    assert ledger.mismatched_users() == []


# --- found by tests/relay/test_fuzz_v1.py -----------------------------------------------------


def raw_post(h: Harness, extra: list[bytes], body: bytes = json.dumps(CHAT).encode(),
             key: bytes | None = None) -> bytes:
    lines = [b"POST /v1/chat/completions HTTP/1.1", b"Host: x", b"Connection: close",
             b"Authorization: Bearer " + (key if key is not None else h.key.encode()),
             b"Content-Type: application/json", b"Content-Length: %d" % len(body), *extra]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


async def test_non_utf8_user_agent_is_billed_and_logged(make_relay) -> None:
    """Such bytes reach Python as lone surrogates; they once made every settlement batch that
    held the request fail (and retry) forever."""
    h = await make_relay()
    status, _, _ = split_response(await raw_exchange(h, raw_post(h, [b"User-Agent: b\xae\xff"])))
    assert status == 200
    await h.settle()
    [row] = h.logs()
    assert (row.status, row.user_agent) == (200, "b??")
    h.assert_ledger_consistent()
    await assert_still_serving(h)


async def test_non_ascii_api_key_is_401(make_relay) -> None:
    h = await make_relay()
    status, _, body = split_response(await raw_exchange(h, raw_post(h, [], key=b"sk-\x80\xff")))
    assert status == 401 and assert_openai_error(status, body)["code"] == "invalid_api_key"


@pytest.mark.parametrize("value", [b"bogus", b"\x80", b"100-continue-ish"])
@pytest.mark.parametrize("path", [b"/v1/chat/completions", b"/v1/nowhere"])
async def test_unknown_expect_is_417_json(make_relay, value, path) -> None:
    h = await make_relay()
    request = raw_post(h, [b"Expect: " + value]).replace(b"/v1/chat/completions", path, 1)
    status, headers, body = split_response(await raw_exchange(h, request))
    assert status == 417 and assert_openai_error(status, body)["code"] == "expectation_failed"
    assert headers["x-should-retry"] == "false"


async def test_expect_100_continue_still_works(make_relay) -> None:
    h = await make_relay()
    raw = await raw_exchange(h, raw_post(h, [b"Expect: 100-continue"]))
    assert raw.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    status, _, body = split_response(raw.removeprefix(b"HTTP/1.1 100 Continue\r\n\r\n"))
    assert status == 200, body
