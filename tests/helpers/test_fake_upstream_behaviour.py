"""The fake upstream's scripted behaviour: each provider's errors, stream shaping (pauses,
breaks, split writes), and the official SDK against it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import openai
import pytest

from relay.sse import SSEEvent, SSEParser
from tests.helpers.fake_upstream import FakeUpstream, Scenario
from tests.helpers.upstream_client import HELLO, KEY, auth, payloads, post, stream

# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "check"),
    [
        ("openai", 401, lambda e: e["error"]["code"] == "invalid_api_key"),
        ("deepseek", 401, lambda e: e["error"]["type"] == "authentication_error"
         and e["error"]["message"].endswith("****oops is invalid")),
        ("zhipu", 401, lambda e: e["error"]["code"] == "1002" and "type" not in e["error"]),
        ("dashscope", 401, lambda e: e["error"]["code"] == "invalid_api_key" and "request_id" in e),
    ],
)
async def test_wrong_key(session, kind, status, check) -> None:
    async with FakeUpstream(kind, KEY) as up:
        got_status, body = await post(session, up, HELLO, key="sk-wrong-oops")
    assert got_status == status
    assert check(body)


async def test_zhipu_missing_authorization_header(session) -> None:
    async with FakeUpstream("zhipu", KEY) as up:
        async with session.post(up.base_url + "/chat/completions", json=HELLO) as r:
            assert r.status == 401
            assert (await r.json())["error"]["code"] == "1001"


@pytest.mark.parametrize(
    ("kind", "failure", "status", "code"),
    [
        ("openai", "balance", 429, "insufficient_quota"),
        ("deepseek", "balance", 402, "invalid_request_error"),
        ("zhipu", "balance", 429, "1113"),
        ("dashscope", "balance", 400, "Arrearage"),
        ("openai", "rate_limit", 429, "rate_limit_exceeded"),
        ("deepseek", "rate_limit", 429, "invalid_request_error"),
        ("zhipu", "rate_limit", 429, "1302"),
        ("dashscope", "rate_limit", 429, "Throttling.RateQuota"),
        ("openai", "model_not_found", 404, "model_not_found"),
        ("deepseek", "model_not_found", 400, "invalid_request_error"),
        ("zhipu", "model_not_found", 400, "1211"),
        ("dashscope", "model_not_found", 404, "model_not_found"),
        ("openai", "server_error", 500, None),
        ("zhipu", "server_error", 500, "500"),
        ("openai", "auth", 401, "invalid_api_key"),
        ("deepseek", "auth", 401, "invalid_request_error"),
    ],
)
async def test_scripted_failures(session, kind, failure, status, code) -> None:
    async with FakeUpstream(kind, KEY) as up:
        up.scenario.fail_with = failure
        got_status, body = await post(session, up, HELLO)
    assert got_status == status
    assert body["error"]["code"] == code


async def test_deepseek_balance_body_is_the_real_one(session) -> None:
    async with FakeUpstream("deepseek", KEY) as up:
        up.scenario.fail_with = "balance"
        _, body = await post(session, up, HELLO)
    assert body == {
        "error": {
            "message": "Insufficient Balance",
            "type": "unknown_error",
            "param": None,
            "code": "invalid_request_error",
        }
    }


async def test_fail_status_override_and_failures_apply_to_streams(session) -> None:
    async with FakeUpstream("deepseek", KEY) as up:
        up.scenario.fail_with = "server_error"
        up.scenario.fail_status = 503
        status, _ = await post(session, up, {**HELLO, "stream": True})
    assert status == 503


async def test_fail_times_then_success(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.fail_with = "rate_limit"
        up.scenario.fail_times = 2
        statuses = [(await post(session, up, HELLO))[0] for _ in range(4)]
        assert up.failures == 2
    assert statuses == [429, 429, 200, 200]


async def test_models_restriction_fails_like_the_provider(session) -> None:
    async with FakeUpstream("zhipu", KEY, models=["glm-5.3-flash"]) as up:
        ok, _ = await post(session, up, {**HELLO, "model": "glm-5.3-flash"})
        bad, body = await post(session, up, {**HELLO, "model": "glm-nope"})
    assert (ok, bad) == (200, 400)
    assert body["error"]["code"] == "1211"


async def test_connection_reset(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.fail_with = "connection_reset"
        up.scenario.fail_times = 1
        with pytest.raises(aiohttp.ClientConnectionError):
            await post(session, up, HELLO)
        assert (await post(session, up, HELLO))[0] == 200
    assert len(up.requests) == 2 and up.requests[0].disconnected


async def test_timeout_holds_until_released(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.fail_with = "timeout"
        url = up.base_url + "/chat/completions"
        with pytest.raises(asyncio.TimeoutError):
            timeout = aiohttp.ClientTimeout(total=0.2)
            async with session.post(url, json=HELLO, headers=auth(), timeout=timeout) as r:
                await r.read()
        for _ in range(50):  # the hang-up reaches the fake's handler asynchronously
            if up.requests[0].disconnected:
                break
            await asyncio.sleep(0.01)
        assert up.requests[0].disconnected

        task = asyncio.create_task(post(session, up, HELLO))
        await asyncio.sleep(0.05)
        assert not task.done()
        up.scenario.release.set()
        assert (await task)[0] == 200


async def test_stop_does_not_wait_for_held_handlers(session) -> None:
    up = await FakeUpstream("openai", KEY).start()
    up.scenario.fail_with = "timeout"
    task = asyncio.create_task(post(session, up, HELLO))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await up.stop()
    assert time.monotonic() - started < 0.5
    with pytest.raises(aiohttp.ClientConnectionError):
        await task


# --- stream shaping -----------------------------------------------------------------------------


async def test_pause_before_event_lets_earlier_events_through(session) -> None:
    gate = asyncio.Event()
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.pause_before_event = {1: gate}
        body = {**HELLO, "stream": True}
        async with session.post(up.base_url + "/chat/completions", json=body, headers=auth()) as r:
            parser = SSEParser()
            first: list[SSEEvent] = []
            while not first:
                first = parser.feed(await r.content.readany())
            assert len(first) == 1 and up.last_request.events_sent == 1
            pending = asyncio.ensure_future(r.content.readany())
            await asyncio.sleep(0.1)
            assert not pending.done()  # event 1 is held upstream
            gate.set()
            rest = parser.feed(await pending) + parser.feed(await r.content.read())
    assert [e.data for e in rest][-1] == "[DONE]"
    assert up.last_request.completed


async def test_client_hangup_during_pause_is_recorded(session) -> None:
    gate = asyncio.Event()
    async with FakeUpstream("deepseek", KEY) as up:
        up.scenario.pause_before_event = {2: gate}
        body = {**HELLO, "stream": True}
        async with session.post(up.base_url + "/chat/completions", json=body, headers=auth()) as r:
            await r.content.readany()
            r.close()
        for _ in range(50):
            if up.last_request.disconnected:
                break
            await asyncio.sleep(0.01)
    rec = up.last_request
    assert rec.disconnected and not rec.completed and rec.events_sent == 2


async def test_break_after_events_drops_connection_without_done(session) -> None:
    async with FakeUpstream("deepseek", KEY) as up:
        up.scenario.break_after_events = 2
        body = {**HELLO, "stream": True}
        parser = SSEParser()
        events: list[SSEEvent] = []
        with pytest.raises(aiohttp.ClientPayloadError):
            async with session.post(
                up.base_url + "/chat/completions", json=body, headers=auth()
            ) as r:
                async for chunk in r.content.iter_any():
                    events.extend(parser.feed(chunk))
    data = [e.data for e in events if e.data is not None]
    assert len(data) == 2 and "[DONE]" not in data
    assert up.last_request.events_sent == 2 and not up.last_request.completed


async def test_stream_chunks_are_sent_as_given_and_recorded(session) -> None:
    chunks = [{"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0}]}}]},
              {"id": "c1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]
    async with FakeUpstream("deepseek", KEY) as up:
        up.scenario.stream_chunks = chunks
        events, _ = await stream(session, up)
    data = [e.data for e in events if e.data is not None]
    assert payloads(events) == chunks  # instead of the generated answer
    assert [d.encode() for d in data] == up.last_request.events  # what was sent, byte for byte
    assert up.last_request.events_sent == 3


async def test_recorded_events_stop_where_the_stream_broke(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.break_after_events = 2
        with pytest.raises(aiohttp.ClientPayloadError):
            await stream(session, up)
    assert len(up.last_request.events) == 2 and b"[DONE]" not in up.last_request.events


def _without_ids(events: list[SSEEvent]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in json.loads(e.data).items() if k not in ("id", "created")}
        for e in events
        if e.data and e.data != "[DONE]"
    ]


@pytest.mark.parametrize("crlf", [False, True])
async def test_split_writes_give_same_events(session, crlf) -> None:
    async with FakeUpstream("zhipu", KEY) as up:
        up.scenario.content = ["你好", "世界"]
        whole, _ = await stream(session, up)
        up.scenario.split_writes = True
        up.scenario.split_delay_s = 0.001  # let the pieces reach the client as separate reads
        up.scenario.crlf = crlf
        body = {**HELLO, "stream": True}
        parser = SSEParser()
        split: list[SSEEvent] = []
        reads: list[bytes] = []
        async with session.post(up.base_url + "/chat/completions", json=body, headers=auth()) as r:
            async for chunk in r.content.iter_any():
                reads.append(chunk)
                split.extend(parser.feed(chunk))
    assert len(reads) > 10
    assert (b"\r\n" in b"".join(reads)) == crlf
    assert _without_ids(split) == _without_ids(whole)


async def test_crlf_line_endings_on_the_wire(session) -> None:
    async with FakeUpstream("deepseek", KEY) as up:
        up.scenario.crlf = True
        events, raw = await stream(session, up)
    assert raw.count(b"\r\n\r\n") == len(events)
    assert b": keep-alive\r\n\r\n" in raw
    assert events[-1].data == "[DONE]"


async def test_event_delay(session) -> None:
    async with FakeUpstream("openai", KEY) as up:
        up.scenario.event_delay_s = 0.02
        started = time.monotonic()
        await stream(session, up)
    assert time.monotonic() - started >= 0.02 * 6


@pytest.mark.parametrize("kind", ["openai", "deepseek"])
async def test_big_stream_is_generated_on_the_fly(session, kind) -> None:
    size = 8 * 1024 * 1024
    async with FakeUpstream(kind, KEY) as up:
        up.scenario.stream_bytes = size
        body = {**HELLO, "stream": True, "stream_options": {"include_usage": True}}
        parser = SSEParser()
        total = 0
        count = 0
        last: list[SSEEvent] = []
        async with session.post(up.base_url + "/chat/completions", json=body, headers=auth()) as r:
            async for chunk in r.content.iter_chunked(64 * 1024):
                total += len(chunk)
                events = parser.feed(chunk)
                count += len(events)
                last = (last + events)[-3:]
    assert total >= size
    assert last[-1].data == "[DONE]"
    usage = json.loads(last[-2].data or "")["usage"]
    assert usage["completion_tokens"] > size // 8
    assert up.last_request.completed and up.last_request.events_sent == count


# --- the official SDK ---------------------------------------------------------------------------


async def test_openai_sdk_against_the_fake() -> None:
    async with FakeUpstream("dashscope", KEY) as up:
        async with openai.AsyncOpenAI(api_key=KEY, base_url=up.base_url, max_retries=0) as client:
            done = await client.chat.completions.create(
                model="qwen-plus", messages=[{"role": "user", "content": "hi"}]
            )
            assert done.choices[0].message.content == "Hello there!"
            assert done.usage is not None and done.usage.total_tokens == 15

            pieces: list[str] = []
            usage = None
            response = await client.chat.completions.create(
                model="qwen-plus",
                messages=[{"role": "user", "content": "hi"}],
                stream=True,
                stream_options={"include_usage": True},
            )
            async for chunk in response:
                if chunk.choices:
                    pieces.append(chunk.choices[0].delta.content or "")
                if chunk.usage is not None:
                    usage = chunk.usage
            assert "".join(pieces) == "Hello there!"
            assert usage is not None and usage.completion_tokens == 3

            emb = await client.embeddings.create(model="text-embedding-v4", input=["a", "b"])
            assert len(emb.data) == 2 and len(emb.data[0].embedding) == 8

            models = await client.models.list()
            assert [m.id async for m in models] == ["qwen-plus", "text-embedding-v4"]

        assert up.requests[1].json["stream_options"] == {"include_usage": True}


async def test_openai_sdk_sees_deepseek_reasoning_and_errors() -> None:
    async with FakeUpstream("deepseek", KEY) as up:
        async with openai.AsyncOpenAI(api_key=KEY, base_url=up.base_url, max_retries=0) as client:
            response = await client.chat.completions.create(
                model="deepseek-flash", messages=[{"role": "user", "content": "hi"}], stream=True
            )
            reasoning = []
            usage = None
            async for chunk in response:
                extra = chunk.choices[0].delta.model_extra or {}
                if extra.get("reasoning_content"):
                    reasoning.append(extra["reasoning_content"])
                usage = chunk.usage or usage
            assert reasoning and usage is not None and usage.prompt_tokens == 12

            up.scenario.fail_with = "balance"
            with pytest.raises(openai.APIStatusError) as caught:
                await client.chat.completions.create(
                    model="deepseek-flash", messages=[{"role": "user", "content": "hi"}]
                )
            assert caught.value.status_code == 402

        async with openai.AsyncOpenAI(api_key="bad", base_url=up.base_url, max_retries=0) as bad:
            with pytest.raises(openai.AuthenticationError):
                await bad.models.list()


# --- billing: max_tokens, usage as the provider reports it ----------------------------------------

LONG = ["x"] * 500  # one token per piece: far longer than a small max_tokens


def _stream_text(chunks: list[dict[str, Any]], field: str = "content") -> str:
    return "".join(c["choices"][0]["delta"].get(field) or "" for c in chunks if c["choices"])


def _finish(chunks: list[dict[str, Any]]) -> str | None:
    reasons = [c["choices"][0].get("finish_reason") for c in chunks if c["choices"]]
    return [r for r in reasons if r][-1]


@pytest.mark.parametrize("limit", ["max_tokens", "max_completion_tokens"])
async def test_max_tokens_cuts_the_answer(session, limit) -> None:
    async with FakeUpstream("openai", KEY, scenario=Scenario(content=LONG)) as up:
        status, body = await post(session, up, {**HELLO, limit: 7})
        events, _ = await stream(session, up, {limit: 7,
                                               "stream_options": {"include_usage": True}})
    assert status == 200
    assert body["choices"][0]["message"]["content"] == "x" * 7
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 7
    chunks = payloads(events)
    assert _stream_text(chunks) == "x" * 7 and _finish(chunks) == "length"
    assert chunks[-1]["usage"]["completion_tokens"] == 7


async def test_the_smaller_limit_wins_and_reasoning_counts(session) -> None:
    """DeepSeek's reasoning pieces come first and count as completion tokens."""
    scenario = Scenario(content=LONG, reasoning=["think", "ing"])
    async with FakeUpstream("deepseek", KEY, scenario=scenario) as up:
        _, body = await post(session, up, {**HELLO, "max_tokens": 5})
        events, _ = await stream(session, up, {"max_tokens": 5})
    message = body["choices"][0]["message"]
    assert (message["reasoning_content"], message["content"]) == ("thinking", "xxx")
    assert body["usage"]["completion_tokens"] == 5
    assert body["usage"]["completion_tokens_details"]["reasoning_tokens"] == 2
    chunks = payloads(events)
    assert _stream_text(chunks, "reasoning_content") == "thinking"
    assert _stream_text(chunks) == "xxx" and _finish(chunks) == "length"
    assert chunks[-1]["usage"]["completion_tokens"] == 5
    async with FakeUpstream("openai", KEY, scenario=Scenario(content=LONG)) as up:
        _, both = await post(session, up, {**HELLO, "max_tokens": 9, "max_completion_tokens": 4})
    assert both["usage"]["completion_tokens"] == 4


async def test_a_limit_above_the_answer_changes_nothing(session) -> None:
    async with FakeUpstream("zhipu", KEY) as up:
        _, body = await post(session, up, {**HELLO, "max_tokens": 3})
        events, _ = await stream(session, up, {"max_tokens": 3})
    assert body["choices"][0]["message"]["content"] == "Hello there!"
    assert body["choices"][0]["finish_reason"] == "stop"
    chunks = payloads(events)
    assert _finish(chunks) == "stop" and chunks[-1]["usage"]["completion_tokens"] == 3


async def test_scripted_completion_tokens_are_capped_too(session) -> None:
    async with FakeUpstream("openai", KEY, scenario=Scenario(completion_tokens=2000)) as up:
        _, body = await post(session, up, {**HELLO, "max_tokens": 5})
    assert body["usage"]["completion_tokens"] == 5
    assert body["choices"][0]["finish_reason"] == "length"


@pytest.mark.parametrize("kind", ["openai", "deepseek"])
async def test_a_provider_that_ignores_max_tokens(session, kind) -> None:
    scenario = Scenario(content=LONG, reasoning=[], honour_max_tokens=False)
    async with FakeUpstream(kind, KEY, scenario=scenario) as up:
        _, body = await post(session, up, {**HELLO, "max_tokens": 7})
        events, _ = await stream(session, up, {"max_tokens": 7,
                                               "stream_options": {"include_usage": True}})
    assert body["choices"][0]["message"]["content"] == "x" * 500
    assert body["usage"]["completion_tokens"] == 500
    chunks = payloads(events)
    assert _stream_text(chunks) == "x" * 500 and _finish(chunks) == "stop"
    assert chunks[-1]["usage"]["completion_tokens"] == 500


USAGE_OVERRIDES = [
    {"prompt_tokens": -5, "completion_tokens": 3, "total_tokens": -2},
    {"prompt_tokens": 1.5, "completion_tokens": "7", "total_tokens": None},
    {"prompt_tokens": 10**15, "completion_tokens": 10**15, "total_tokens": 2 * 10**15},
    {},
]


@pytest.mark.parametrize("usage", USAGE_OVERRIDES)
@pytest.mark.parametrize("kind", ["openai", "deepseek", "zhipu"])
async def test_usage_override_is_reported_exactly(session, kind, usage) -> None:
    async with FakeUpstream(kind, KEY, scenario=Scenario(usage_override=usage)) as up:
        _, body = await post(session, up, HELLO)
        events, _ = await stream(session, up, {"stream_options": {"include_usage": True}})
        emb_body = {"model": "e", "input": "a"}
        async with session.post(up.base_url + "/embeddings", json=emb_body, headers=auth()) as r:
            embedded = await r.json()
    assert body["usage"] == usage
    assert payloads(events)[-1]["usage"] == usage
    assert embedded["usage"] == usage


@pytest.mark.parametrize("kind", ["openai", "deepseek"])
async def test_over_report_factor_multiplies_prompt_and_completion(session, kind) -> None:
    scenario = Scenario(over_report_factor=3, reasoning=[])
    async with FakeUpstream(kind, KEY, scenario=scenario) as up:
        _, body = await post(session, up, HELLO)
        events, _ = await stream(session, up, {"stream_options": {"include_usage": True}})
        async with session.post(up.base_url + "/embeddings", json={"model": "e", "input": "a"},
                                headers=auth()) as r:
            embedded = await r.json()
    for usage in (body["usage"], payloads(events)[-1]["usage"]):
        assert (usage["prompt_tokens"], usage["completion_tokens"]) == (36, 9)
        assert usage["total_tokens"] == 45
    assert embedded["usage"] == {"prompt_tokens": 36, "total_tokens": 36}
    assert body["choices"][0]["message"]["content"] == "Hello there!"  # the answer is unchanged


async def test_long_answers_stream_one_event_per_piece(session) -> None:
    async with FakeUpstream("openai", KEY, scenario=Scenario(content=["ab"] * 20_000)) as up:
        events, _ = await stream(session, up, {"stream_options": {"include_usage": True}})
    chunks = payloads(events)
    assert len(_stream_text(chunks)) == 40_000
    assert chunks[-1]["usage"]["completion_tokens"] == 20_000
