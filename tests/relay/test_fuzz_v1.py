"""Property-based fuzzing of ``/v1/*``: arbitrary paths, methods, headers and bodies sent as raw
HTTP to one real relay per test. Never a 5xx (the fake upstream is healthy, so nothing may
justify one), every error OpenAI-shaped, no traceback anywhere, a refused request changes no
money, and accepted ones bill consistently.

One relay per test function: hypothesis runs every example against the fixture's relay (on
the fixture's event loop, through pytest-asyncio's hypothesis support), hence the suppressed
function-scoped-fixture health check; state is compared per example, not reset.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app import apikeys
from app.models import LedgerEntry, Reservation
from tests.relay.conftest import USER, Harness

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@dataclass
class Target:
    h: Harness
    revoked: str


@pytest.fixture
async def target(make_relay) -> Target:  # type: ignore[no-untyped-def]
    h = await make_relay(balance="1000")
    _, revoked = apikeys.create_key(USER, name="old")
    apikeys.revoke_key(apikeys.lookup(revoked).key_id)  # type: ignore[union-attr]
    return Target(h, revoked)


# --- raw HTTP ---------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def _dechunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, body = out + body[:size], body[size + 2:]
    return out


async def send(t: Target, method: str, path: str, headers: list[tuple[bytes, bytes]],
               body: bytes) -> Reply:
    """One request on its own connection (``Connection: close``), answered in full."""
    head = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    head += [name + b": " + value for name, value in headers]
    if body:
        head.append(b"Content-Length: %d" % len(body))
    reader, writer = await asyncio.open_connection("127.0.0.1", t.h.server.port)
    try:
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        await writer.drain()
        async with asyncio.timeout(30):
            raw = await reader.read(-1)
    finally:
        writer.close()
        await writer.wait_closed()
    top, _, payload = raw.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    fields = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
    if fields.get("transfer-encoding") == "chunked":
        payload = _dechunk(payload)
    return Reply(int(lines[0].split()[1]), fields, payload)


# --- strategies -------------------------------------------------------------------------------

ENDPOINTS = ["/v1/chat/completions", "/v1/embeddings", "/v1/models", "/v1/models/m1",
             "/v1/v1/chat/completions", "/v1/v1/models", "/chat/completions", "/v1/v1/v1/models",
             "/v1/", "/v1", "/v1/unknown", "/v1/models/", "/v1/files", "/healthz"]
URL_CHARS = st.sampled_from([*"abcXYZ019-._~/?&=%+:@!$'()*,;", "%zz", "%00", "%ff", "%2F"])
paths = st.one_of(
    st.sampled_from(ENDPOINTS),
    st.builds(lambda base, tail: base + tail, st.sampled_from(ENDPOINTS),
              st.lists(URL_CHARS, max_size=30).map("".join)),
    st.lists(URL_CHARS, max_size=40).map(lambda parts: "/v1/" + "".join(parts)),
)
methods = st.sampled_from(["GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
                           "HEAD", "TRACE", "FOO"])

TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_!#$%&'*+.^`|~",
                min_size=1, max_size=20)
# header values: any byte except CR, LF and NUL (those end or break the line), incl. non-UTF-8
VALUE_BYTES = st.binary(max_size=80).map(
    lambda b: bytes(c for c in b if c not in (0, 10, 13)).strip(b" \t"))


def _auth(t: Target, choice: str, junk: bytes) -> list[tuple[bytes, bytes]]:
    key = {"valid": t.h.key, "revoked": t.revoked}.get(choice)
    if choice == "none":
        return []
    if key is not None:
        return [(b"Authorization", b"Bearer " + key.encode())]
    if choice == "x-api-key":
        return [(b"x-api-key", t.h.key.encode())]
    if choice == "basic":
        return [(b"Authorization", b"Basic " + junk)]
    return [(b"Authorization", b"Bearer " + junk)]


auth_choices = st.sampled_from(["valid", "valid", "valid", "revoked", "junk", "none",
                                "x-api-key", "basic"])
content_types = st.sampled_from([b"application/json", b"application/json; charset=utf-8",
                                 b"text/plain", b"application/x-www-form-urlencoded",
                                 b"multipart/form-data; boundary=x",
                                 b"application/json; charset=latin-1",
                                 b"", b"\xff\xfe", b"*/*"])
extra_headers = st.lists(st.one_of(
    st.tuples(TOKEN.map(str.encode), VALUE_BYTES),
    st.tuples(st.sampled_from([b"X-Forwarded-For", b"User-Agent", b"Origin", b"Accept",
                               b"Accept-Encoding", b"Access-Control-Request-Headers",
                               b"X-Request-Id", b"Content-Encoding", b"Expect", b"api-key"]),
              VALUE_BYTES),
    st.tuples(st.just(b"X-Forwarded-For"),
              st.sampled_from([b"1.2.3.4", b"::1, 10.0.0.1", b"999.1.1.1", b"unknown",
                               b"127.0.0.2", b", , ,", b"[::1]:80", b"1.2.3.4" * 40])),
), max_size=6)

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70),
                                                                max_value=2**70),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20)
weird_literals = st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e999",
                                  b"1" * 400, b"0.0000001e-400", b'"\\ud800"', b'"\\u0000"',
                                  b"[" * 50 + b"]" * 50, b"[" * 2000 + b"]" * 2000, b"tru",
                                  b'"\xff"'])

ROLES = st.sampled_from(["user", "system", "assistant", "developer", "tool", "", "USER"])
CHAT_FIELDS = ["model", "messages", "stream", "stream_options", "max_tokens",
               "max_completion_tokens", "temperature", "top_p", "n", "tools", "user", "stop",
               "response_format", "x_vendor"]


@st.composite
def chat_bodies(draw: st.DrawFn) -> bytes:
    """A valid chat request with some fields replaced by wrong types or odd literals."""
    messages = draw(st.lists(st.fixed_dictionaries(
        {"role": ROLES, "content": st.one_of(st.text(max_size=30), st.none(), st.just([
            {"type": "text", "text": "hi"}]))}), min_size=1, max_size=3))
    body: dict[str, Any] = {"model": draw(st.sampled_from(["m1", "m1", "m2", "M1", ""])),
                            "messages": messages}
    if draw(st.booleans()):
        body["stream"] = True
    if draw(st.booleans()):
        body["max_tokens"] = draw(st.integers(min_value=1, max_value=64))
    for field in draw(st.lists(st.sampled_from(CHAT_FIELDS), max_size=3, unique=True)):
        body[field] = draw(json_values)
    if draw(st.booleans()) and messages:
        index = draw(st.integers(0, len(messages) - 1))
        messages[index][draw(st.sampled_from(["role", "content", "name", "tool_calls"]))] = \
            draw(json_values)
    raw = json.dumps(body).encode()
    if draw(st.integers(0, 4)) == 0:  # splice an odd literal in as one more field's value
        raw = raw[:-1] + b', "' + draw(st.sampled_from(CHAT_FIELDS)).encode() + b'": ' + \
            draw(weird_literals) + b"}"
    return raw


bodies = st.one_of(st.just(b""), st.binary(max_size=300), json_values.map(
    lambda v: json.dumps(v).encode()), weird_literals, chat_bodies())


# --- properties -------------------------------------------------------------------------------


def money(t: Target) -> tuple[int, int, int]:
    return (t.h.balance(), LedgerEntry.select().count(), Reservation.select().count())


def check_reply(method: str, reply: Reply) -> None:
    assert reply.status < 500, (reply.status, reply.body[:500])
    assert b"Traceback" not in reply.body and b'File "' not in reply.body, reply.body[:500]
    if reply.status >= 400 and method != "HEAD":
        assert reply.headers["content-type"].startswith("application/json"), reply.headers
        error = json.loads(reply.body)["error"]
        assert {"message", "type", "param", "code"} <= set(error), error
        assert isinstance(error["message"], str) and error["message"]


async def exchange_and_check(t: Target, method: str, path: str,
                             headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    before = money(t)
    asked = sum(len(up.requests) for up in t.h.upstreams.values())
    reply = await send(t, method, path, headers, body)
    check_reply(method, reply)
    event(f"status {reply.status}")  # --hypothesis-show-statistics: is anything accepted?
    await t.h.settle()
    if reply.status >= 400 and asked == sum(len(up.requests) for up in t.h.upstreams.values()):
        assert money(t) == before, (reply.status, reply.body[:300])  # refused by the relay
    elif reply.status >= 400:  # refused by the provider: a hold may come and go, nothing billed
        assert (money(t)[0], money(t)[2]) == (before[0], before[2]), reply.body[:300]
        t.h.assert_ledger_consistent()
    else:
        assert Reservation.select().count() == 0  # every hold released once settled
        t.h.assert_ledger_consistent()


@FUZZ
@given(method=methods, path=paths, auth=auth_choices, junk=VALUE_BYTES,
       content_type=st.one_of(st.none(), content_types), extra=extra_headers, body=bodies)
async def test_anything_under_v1_is_answered_safely(target: Target, method: str, path: str,
                                                    auth: str, junk: bytes,
                                                    content_type: bytes | None,
                                                    extra: list[tuple[bytes, bytes]],
                                                    body: bytes) -> None:
    headers = _auth(target, auth, junk) + extra
    if content_type is not None:
        headers.append((b"Content-Type", content_type))
    await exchange_and_check(target, method, path, headers, body)


@FUZZ
@given(path=st.sampled_from(["/v1/chat/completions", "/chat/completions",
                             "/v1/v1/chat/completions"]),
       body=chat_bodies(), extra=extra_headers)
async def test_mutated_chat_requests_are_refused_or_billed(target: Target, path: str,
                                                           body: bytes,
                                                           extra: list[tuple[bytes, bytes]]
                                                           ) -> None:
    headers = [(b"Authorization", b"Bearer " + target.h.key.encode()),
               (b"Content-Type", b"application/json"), *extra]
    await exchange_and_check(target, "POST", path, headers, body)


embedding_bodies = st.fixed_dictionaries(
    {"model": st.sampled_from(["m1", "m2"]),
     "input": st.one_of(json_values, st.text(max_size=20), st.lists(st.integers(0, 99999),
                                                                    max_size=5))},
    optional={"encoding_format": st.sampled_from(["float", "base64", 5, None]),
              "dimensions": json_values}).map(lambda b: json.dumps(b).encode())


@FUZZ
@given(body=st.one_of(embedding_bodies, bodies))
async def test_embeddings_inputs_are_refused_or_billed(target: Target, body: bytes) -> None:
    headers = [(b"Authorization", b"Bearer " + target.h.key.encode()),
               (b"Content-Type", b"application/json")]
    await exchange_and_check(target, "POST", "/v1/embeddings", headers, body)
