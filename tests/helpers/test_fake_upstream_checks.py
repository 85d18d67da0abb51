"""The fake upstream refuses malformed requests as the real providers do, in each one's shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers.fake_upstream import KINDS, FakeUpstream, Scenario
from tests.helpers.upstream_client import HELLO, KEY, auth

USER = [{"role": "user", "content": "hi"}]

# (case, route, raw body, param OpenAI names, words its message has)
REFUSED: list[tuple[str, str, bytes, str | None, str]] = [
    ("not json", "chat", b'{"model": "m", "messages": [', None, "could not parse the JSON"),
    ("empty body", "chat", b"", None, "could not parse the JSON"),
    ("nan", "chat", b'{"model": "m", "messages": [], "temperature": NaN}', None,
     "could not parse the JSON"),
    ("array body", "chat", b"[1, 2]", None, "expected an object"),
    ("null body", "chat", b"null", None, "expected an object"),
    ("no model", "chat", json.dumps({"messages": USER}).encode(), None,
     "you must provide a model parameter"),
    ("empty model", "chat", json.dumps({"model": "", "messages": USER}).encode(), None,
     "you must provide a model parameter"),
    ("model not a string", "chat", json.dumps({"model": 5, "messages": USER}).encode(), "model",
     "expected a string"),
    ("no messages", "chat", b'{"model": "m"}', "messages", "Missing required parameter"),
    ("messages a string", "chat", b'{"model": "m", "messages": "hi"}', "messages",
     "expected an array"),
    ("empty messages", "chat", b'{"model": "m", "messages": []}', "messages", "empty array"),
    ("message not an object", "chat", b'{"model": "m", "messages": ["hi"]}', "messages[0]",
     "expected an object"),
    ("no role", "chat", b'{"model": "m", "messages": [{"content": "hi"}]}', "messages[0].role",
     "Missing required parameter"),
    ("unknown role", "chat",
     b'{"model": "m", "messages": [{"role": "user", "content": "a"}, {"role": "bot"}]}',
     "messages[1].role", "Invalid value: 'bot'"),
    ("stream not a boolean", "chat", json.dumps({**HELLO, "stream": "yes"}).encode(), "stream",
     "expected a boolean"),
    ("stream_options without stream", "chat",
     json.dumps({**HELLO, "stream_options": {"include_usage": True}}).encode(), "stream_options",
     "only allowed when 'stream' is enabled"),
    ("stream_options with stream false", "chat",
     json.dumps({**HELLO, "stream": False, "stream_options": {}}).encode(), "stream_options",
     "only allowed when 'stream' is enabled"),
    ("max_tokens zero", "chat", json.dumps({**HELLO, "max_tokens": 0}).encode(), "max_tokens",
     "integer below minimum value"),
    ("max_tokens decimal", "chat", json.dumps({**HELLO, "max_tokens": 1.5}).encode(),
     "max_tokens", "expected an integer"),
    ("max_tokens string", "chat", json.dumps({**HELLO, "max_tokens": "5"}).encode(),
     "max_tokens", "expected an integer"),
    ("max_tokens boolean", "chat", json.dumps({**HELLO, "max_tokens": True}).encode(),
     "max_tokens", "expected an integer"),
    ("max_completion_tokens negative", "chat",
     json.dumps({**HELLO, "max_completion_tokens": -1}).encode(), "max_completion_tokens",
     "integer below minimum value"),
    ("embeddings without input", "embeddings", b'{"model": "e"}', "input",
     "Missing required parameter"),
    ("embeddings with empty input", "embeddings", b'{"model": "e", "input": ""}', None,
     "'$.input' is invalid"),
    ("embeddings with empty list", "embeddings", b'{"model": "e", "input": []}', None,
     "'$.input' is invalid"),
    ("embeddings without model", "embeddings", b'{"input": "a"}', None,
     "you must provide a model parameter"),
]

ACCEPTED: list[tuple[str, str, dict[str, Any]]] = [
    ("plain chat", "chat", HELLO),
    ("null limits and stream", "chat", {**HELLO, "max_tokens": None, "stream": None,
                                        "stream_options": None}),
    ("stream with options", "chat", {**HELLO, "stream": True,
                                     "stream_options": {"include_usage": True}}),
    ("every role", "chat", {"model": "m", "messages": [
        {"role": r, "content": "x"} for r in ("system", "developer", "user", "assistant", "tool",
                                              "function")]}),
    ("limits", "chat", {**HELLO, "max_tokens": 1, "max_completion_tokens": 10**6}),
    ("unknown members pass", "chat", {**HELLO, "x_vendor": {"a": 1}, "temperature": 0.3}),
    ("embeddings", "embeddings", {"model": "e", "input": ["a", [1, 2]]}),
]


def _url(up: FakeUpstream, route: str) -> str:
    return up.base_url + ("/embeddings" if route == "embeddings" else "/chat/completions")


async def _raw_post(session: Any, up: FakeUpstream, route: str, data: bytes,
                    content_type: str = "application/json") -> tuple[int, Any]:
    """Status and JSON answer (``None`` for a stream)."""
    headers = {**auth(), "Content-Type": content_type}
    async with session.post(_url(up, route), data=data, headers=headers) as r:
        raw = await r.read()
        return r.status, json.loads(raw) if r.content_type == "application/json" else None


@pytest.mark.parametrize(("case", "route", "data", "param", "words"), REFUSED,
                         ids=[c[0] for c in REFUSED])
async def test_malformed_requests_get_openais_400(session, case, route, data, param,
                                                  words) -> None:
    async with FakeUpstream("openai", KEY) as up:
        status, body = await _raw_post(session, up, route, data)
    assert status == 400, case
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert words in error["message"]
    rec = up.last_request
    assert rec.body == data and rec.status == 400 and rec.rejected == error["message"]


@pytest.mark.parametrize(("case", "route", "body"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
async def test_well_formed_requests_are_answered(session, case, route, body) -> None:
    async with FakeUpstream("openai", KEY) as up:
        status, answer = await _raw_post(session, up, route, json.dumps(body).encode())
    assert status == 200, answer
    assert up.last_request.rejected is None and up.last_request.completed


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          None])
async def test_wrong_content_type_is_refused(session, content_type) -> None:
    async with FakeUpstream("openai", KEY) as up:
        url = _url(up, "chat")
        headers = auth() if content_type is None else {**auth(), "Content-Type": content_type}
        async with session.post(url, data=json.dumps(HELLO).encode(), headers=headers) as r:
            status, body = r.status, await r.json()
    assert status == 400 and "Content-Type" in body["error"]["message"]


async def test_json_content_type_with_a_charset_is_fine(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        status, _ = await _raw_post(session, up, "chat", json.dumps(HELLO).encode(),
                                    "Application/JSON; charset=utf-8")
    assert status == 200


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        ("openai", lambda e: e["error"]["code"] == "missing_required_parameter"),
        ("deepseek", lambda e: e["error"]["code"] == "invalid_request_error"
         and e["error"]["type"] == "invalid_request_error"),
        ("zhipu", lambda e: e["error"] == {"code": "1214",
                                           "message": "messages 参数非法。请检查文档。"}),
        ("dashscope", lambda e: e["error"]["code"] == "invalid_parameter_error"
         and "request_id" in e),
    ],
)
async def test_each_provider_refuses_in_its_own_shape(session, kind, check) -> None:
    async with FakeUpstream(kind, KEY) as up:
        status, body = await _raw_post(session, up, "chat", b'{"model": "m"}')
        not_json, garbled = await _raw_post(session, up, "chat", b"404: Not Found")
    assert status == 400 and check(body)
    assert not_json == 400 and "error" in garbled
    if kind == "zhipu":
        assert garbled["error"]["code"] == "1210"


async def test_max_completion_tokens_is_only_read_by_openai(session) -> None:
    """The other providers document max_tokens only; they neither check nor obey the other."""
    body = json.dumps({**HELLO, "max_completion_tokens": 0}).encode()
    for kind in KINDS:
        async with FakeUpstream(kind, KEY) as up:
            status, _ = await _raw_post(session, up, "chat", body)
        assert status == (400 if kind == "openai" else 200), kind


async def test_checks_come_after_the_key_and_before_scripted_failures(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.fail_with = "server_error"
        headers = {**auth("sk-wrong-1234567890"), "Content-Type": "application/json"}
        async with session.post(_url(up, "chat"), data=b"{}", headers=headers) as r:
            assert r.status == 401
        assert (await _raw_post(session, up, "chat", b"{}"))[0] == 400
        assert (await _raw_post(session, up, "chat", json.dumps(HELLO).encode()))[0] == 500


async def test_lax_scenario_accepts_any_json(session) -> None:
    async with FakeUpstream("openai", KEY, scenario=Scenario(strict=False)) as up:
        ok, _ = await _raw_post(session, up, "chat", b'{"messages": []}', "text/plain")
        bad, _ = await _raw_post(session, up, "chat", b"{nope")
    assert (ok, bad) == (200, 400)


async def test_a_wrong_base_url_is_recorded_and_refused_like_the_provider(session) -> None:
    async with FakeUpstream("openai", KEY) as oa, FakeUpstream("deepseek", KEY) as ds:
        url = f"http://127.0.0.1:{oa.port}/chat/completions"  # missing /v1
        async with session.post(url, json=HELLO, headers=auth()) as r:
            assert r.status == 404
            assert (await r.json())["error"]["message"] == "Invalid URL (POST /chat/completions)"
        async with session.post(f"http://127.0.0.1:{ds.port}/x", json=HELLO) as r:
            assert (r.status, await r.text()) == (404, "404: Not Found")
    assert json.loads(oa.last_request.body) == HELLO and ds.last_request.path == "/x"


@pytest.mark.parametrize("status", [None, 308])
async def test_redirect_failure(session, status) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.fail_with = "redirect"
        up.scenario.fail_status = status
        async with session.post(_url(up, "chat"), json=HELLO, headers=auth(),
                                allow_redirects=False) as r:
            assert r.status == (status or 301)
            assert r.headers["Location"] == "https://api.moved.example/v1/chat/completions"
