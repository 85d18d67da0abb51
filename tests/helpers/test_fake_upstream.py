"""The fake upstream must speak each provider's real wire format, or relay tests prove nothing."""

from __future__ import annotations

import base64
import struct

import pytest

from tests.helpers.fake_upstream import KINDS, FakeUpstream, Scenario
from tests.helpers.upstream_client import HELLO, KEY, auth, payloads, post, stream

# --- stream shapes ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["openai", "dashscope"])
async def test_openai_style_stream_with_include_usage(session, kind) -> None:
    async with FakeUpstream(kind, KEY) as up:
        events, _ = await stream(session, up, {"stream_options": {"include_usage": True}})
    chunks = payloads(events)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert all(c["usage"] is None for c in chunks[:-1])
    last = chunks[-1]
    assert last["choices"] == []
    assert last["usage"]["prompt_tokens"] == 12
    assert last["usage"]["completion_tokens"] == 3
    assert last["usage"]["total_tokens"] == 15
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks[:-1])
    assert text == "Hello there!"
    assert not any(e.comment is not None for e in events)


@pytest.mark.parametrize("kind", ["openai", "dashscope"])
async def test_openai_style_stream_without_include_usage_has_no_usage(session, kind) -> None:
    async with FakeUpstream(kind, KEY) as up:
        events, _ = await stream(session, up)
    chunks = payloads(events)
    assert all("usage" not in c for c in chunks)
    assert all(c["choices"] for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


async def test_deepseek_stream(session) -> None:
    async with FakeUpstream("deepseek", KEY) as up:
        up.scenario.cached_tokens = 5
        events, _ = await stream(session, up)
    assert any(e.comment == "keep-alive" for e in events)
    chunks = payloads(events)
    deltas = [c["choices"][0]["delta"] for c in chunks]
    reasoning_at = [i for i, d in enumerate(deltas) if d.get("reasoning_content")]
    content_at = [i for i, d in enumerate(deltas) if d.get("content")]
    assert reasoning_at and content_at and max(reasoning_at) < min(content_at)
    assert all(c["usage"] is None for c in chunks[:-1])
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop"  # usage rides on the finish chunk
    usage = last["usage"]
    assert usage["prompt_cache_hit_tokens"] == 5
    assert usage["prompt_cache_miss_tokens"] == 7
    assert usage["prompt_tokens_details"]["cached_tokens"] == 5
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 2
    assert usage["completion_tokens"] == 5  # 3 content + 2 reasoning pieces


async def test_deepseek_keepalive_comes_before_content(session) -> None:
    async with FakeUpstream("deepseek", KEY) as up:
        events, _ = await stream(session, up)
    comment_at = next(i for i, e in enumerate(events) if e.comment is not None)
    first_content = next(
        i for i, e in enumerate(events) if e.data and '"content":"Hello"' in e.data
    )
    assert comment_at < first_content


async def test_zhipu_stream_has_usage_without_stream_options_and_no_object(session) -> None:
    async with FakeUpstream("zhipu", KEY) as up:
        up.scenario.content = ["你好", "啊"]
        events, raw = await stream(session, up)
    assert "你好".encode() in raw  # raw UTF-8, not \u escapes
    chunks = payloads(events)
    assert all("object" not in c for c in chunks)
    assert all("usage" not in c for c in chunks[:-1])
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["usage"] == {
        "prompt_tokens": 12,
        "completion_tokens": 2,
        "total_tokens": 14,
        "prompt_tokens_details": {"cached_tokens": 0},
    }


async def test_model_is_echoed_and_usage_numbers_scriptable(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario = Scenario(content=["a"] * 5, prompt_tokens=100, completion_tokens=42)
        events, _ = await stream(
            session, up, {"model": "gpt-x", "stream_options": {"include_usage": True}}
        )
    chunks = payloads(events)
    assert {c["model"] for c in chunks} == {"gpt-x"}
    assert chunks[-1]["usage"]["completion_tokens"] == 42
    assert chunks[-1]["usage"]["total_tokens"] == 142


@pytest.mark.parametrize("kind", KINDS)
async def test_omit_usage(session, kind) -> None:
    async with FakeUpstream(kind, KEY) as up:
        up.scenario.omit_usage = True
        events, _ = await stream(session, up, {"stream_options": {"include_usage": True}})
        status, body = await post(session, up, HELLO)
    assert all(not c.get("usage") for c in payloads(events))
    assert status == 200 and "usage" not in body


# --- non-stream and other routes ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_nonstream_shape(session, kind) -> None:
    async with FakeUpstream(kind, KEY) as up:
        status, body = await post(session, up, HELLO)
    assert status == 200
    assert body["object"] == "chat.completion"
    assert body["model"] == "m-1"
    [choice] = body["choices"]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == "Hello there!"
    assert choice["finish_reason"] == "stop"
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert "cached_tokens" in usage["prompt_tokens_details"]
    if kind == "deepseek":
        assert choice["message"]["reasoning_content"]
        assert {"prompt_cache_hit_tokens", "prompt_cache_miss_tokens"} <= usage.keys()


@pytest.mark.parametrize("encoding", ["float", "base64"])
async def test_embeddings(session, encoding) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.prompt_tokens = 7
        body = {"model": "emb", "input": ["a", "b", "c"], "encoding_format": encoding}
        async with session.post(up.base_url + "/embeddings", json=body, headers=auth()) as r:
            assert r.status == 200
            data = await r.json()
    assert data["object"] == "list"
    assert [d["index"] for d in data["data"]] == [0, 1, 2]
    assert data["usage"] == {"prompt_tokens": 7, "total_tokens": 7}
    vector = data["data"][0]["embedding"]
    if encoding == "base64":
        vector = list(struct.unpack("<8f", base64.b64decode(vector)))
    assert len(vector) == 8


async def test_embeddings_single_string_and_token_list(session) -> None:
    async with FakeUpstream("dashscope", KEY) as up:
        for given in ["one text", [1, 2, 3]]:
            body = {"model": "emb", "input": given}
            async with session.post(up.base_url + "/embeddings", json=body, headers=auth()) as r:
                assert len((await r.json())["data"]) == 1


async def test_models_list(session) -> None:
    async with FakeUpstream("deepseek", KEY, models=["deepseek-flash"]) as up:
        async with session.get(up.base_url + "/models", headers=auth()) as r:
            assert r.status == 200
            data = await r.json()
    assert [m["id"] for m in data["data"]] == ["deepseek-flash"]
    assert data["object"] == "list"


async def test_requests_are_recorded(session) -> None:
    async with FakeUpstream("zhipu", KEY) as up:
        body = {**HELLO, "stream": True, "x_unknown": {"keep": 1}}
        await stream(session, up, body)
    rec = up.last_request
    assert rec.method == "POST"
    assert rec.path == "/api/paas/v4/chat/completions"
    assert rec.headers["authorization"] == f"Bearer {KEY}"
    assert rec.json["x_unknown"] == {"keep": 1}
    assert rec.status == 200 and rec.completed and not rec.disconnected
    assert rec.events_sent == 5  # 3 content chunks, finish chunk with usage, [DONE]


async def test_default_prefixes_and_custom_prefix() -> None:
    async with (
        FakeUpstream("deepseek", KEY) as ds,
        FakeUpstream("zhipu", KEY) as zp,
        FakeUpstream("dashscope", KEY) as qw,
        FakeUpstream("openai", KEY, prefix="/proxy/v1/") as oa,
    ):
        assert ds.base_url.endswith(f":{ds.port}/v1")
        assert zp.base_url.endswith("/api/paas/v4")
        assert qw.base_url.endswith("/compatible-mode/v1")
        assert oa.base_url.endswith("/proxy/v1")
        assert len({ds.port, zp.port, qw.port, oa.port}) == 4


async def test_unknown_path_is_404(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        async with session.post(up.base_url + "/completions", json=HELLO, headers=auth()) as r:
            assert r.status == 404


async def test_bad_json_is_400(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        url = up.base_url + "/chat/completions"
        async with session.post(url, data=b"{nope", headers=auth()) as r:
            assert r.status == 400
            assert "error" in await r.json()
