"""The Anthropic-native fake must speak the Messages API as the official SDK parses it, accept
what Claude Code sends, and refuse what the real API refuses, or pass-through tests prove
nothing."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import anthropic
import pytest

from tests.helpers.fake_anthropic import AnthropicScenario, FakeAnthropic

KEY = "sk-ant-fake-1"
BASH = {"name": "Bash", "description": "Run a command",
        "input_schema": {"type": "object", "properties": {"command": {"type": "string"}},
                         "required": ["command"]}}
HI = [{"role": "user", "content": "hi"}]


def client(up: FakeAnthropic, key: str = KEY) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=up.base_url, api_key=key, max_retries=0,
                                    timeout=10.0)


async def post(session: aiohttp.ClientSession, up: FakeAnthropic, body: Any,
               headers: dict[str, str] | None = None,
               path: str = "/v1/messages") -> tuple[int, Any]:
    sent = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
    sent.update(headers or {})
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with session.post(up.base_url + path, data=data,
                            headers={"Content-Type": "application/json", **sent}) as resp:
        return resp.status, await resp.json(content_type=None)


def events(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    """(event name, payload) of each SSE event in a response body."""
    found = []
    for block in raw.decode().split("\n\n"):
        if block.strip():
            lines = dict(line.split(": ", 1) for line in block.split("\n"))
            found.append((lines["event"], json.loads(lines["data"])))
    return found


async def test_message_with_usage_and_recorded_request() -> None:
    sc = AnthropicScenario(input_tokens=30, cache_read_input_tokens=7,
                           cache_creation_input_tokens=4)
    async with FakeAnthropic(KEY, scenario=sc) as up, client(up) as c:
        message = await c.messages.create(model="claude-x", max_tokens=50, messages=HI)
    assert message.content[0].type == "text" and message.content[0].text == "Hello there!"
    assert message.stop_reason == "end_turn" and message.model == "claude-x"
    usage = message.usage
    assert (usage.input_tokens, usage.cache_read_input_tokens,
            usage.cache_creation_input_tokens, usage.output_tokens) == (30, 7, 4, 3)
    rec = up.last_request
    assert rec.path == "/anthropic/v1/messages" and rec.status == 200 and rec.completed
    assert json.loads(rec.body) == rec.json and rec.json["messages"] == HI
    assert rec.headers["Authorization"] == f"Bearer {KEY}"  # how this SDK version sends a key
    assert rec.headers["anthropic-version"]


async def test_stream_is_the_real_event_sequence(session: aiohttp.ClientSession) -> None:
    sc = AnthropicScenario(input_tokens=9, cache_read_input_tokens=2,
                           cache_creation_input_tokens=1)
    async with FakeAnthropic(KEY, scenario=sc) as up:
        body = {"model": "m", "max_tokens": 50, "messages": HI, "stream": True}
        async with session.post(up.base_url + "/v1/messages", json=body,
                                headers={"x-api-key": KEY,
                                         "anthropic-version": "2023-06-01"}) as resp:
            assert resp.headers["Content-Type"].startswith("text/event-stream")
            stream = events(await resp.read())
    names = [name for name, _ in stream]
    assert names == ["message_start", "content_block_start", "ping", "content_block_delta",
                     "content_block_delta", "content_block_delta", "content_block_stop",
                     "message_delta", "message_stop"]
    assert all(payload["type"] == name for name, payload in stream)
    start = stream[0][1]["message"]
    assert start["usage"]["input_tokens"] == 9
    assert start["usage"]["cache_read_input_tokens"] == 2
    assert start["usage"]["cache_creation_input_tokens"] == 1
    assert start["content"] == [] and start["stop_reason"] is None
    text = "".join(p["delta"]["text"] for n, p in stream if n == "content_block_delta")
    assert text == "Hello there!"
    assert stream[-2][1]["delta"]["stop_reason"] == "end_turn"
    assert stream[-2][1]["usage"] == {"output_tokens": 3}
    assert up.last_request.events_sent == len(stream) and up.last_request.completed


async def test_tool_use_turn_then_text_once_the_result_is_back() -> None:
    sc = AnthropicScenario(tool_use={"name": "Bash", "input": {"command": "echo hi"}},
                           tool_preamble=["Let me run it."], text=["It said", " hi."])
    async with FakeAnthropic(KEY, scenario=sc) as up, client(up) as c:
        async with c.messages.stream(model="m", max_tokens=100, messages=HI,
                                     tools=[BASH]) as stream:  # type: ignore[list-item]
            first = await stream.get_final_message()
        assert first.stop_reason == "tool_use"
        assert [b.type for b in first.content] == ["text", "tool_use"]
        call = first.content[1]
        assert call.type == "tool_use" and call.name == "Bash"
        assert call.input == {"command": "echo hi"}
        assert first.usage.output_tokens == 1 + 3  # preamble piece + the JSON in three pieces
        turn = [*HI, {"role": "assistant", "content": [b.model_dump(exclude_none=True)
                                                       for b in first.content]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id,
                                              "content": "hi\n"}]}]
        async with c.messages.stream(model="m", max_tokens=100, messages=turn,  # type: ignore[arg-type]
                                     tools=[BASH]) as stream:  # type: ignore[list-item]
            assert await stream.get_final_text() == "It said hi."
        assert len(up.requests) == 2 and all(r.status == 200 for r in up.requests)


async def test_count_tokens_and_max_tokens_cut() -> None:
    sc = AnthropicScenario(input_tokens=10, cache_read_input_tokens=5, text=["a", "b", "c"])
    async with FakeAnthropic(KEY, scenario=sc) as up, client(up) as c:
        counted = await c.messages.count_tokens(model="m", messages=HI)
        assert counted.input_tokens == 15
        up.scenario.count_tokens = 4
        assert (await c.messages.count_tokens(model="m", messages=HI)).input_tokens == 4
        cut = await c.messages.create(model="m", max_tokens=2, messages=HI)
    assert cut.stop_reason == "max_tokens" and cut.usage.output_tokens == 2
    assert cut.content[0].type == "text" and cut.content[0].text == "ab"
    assert up.requests[0].path == "/anthropic/v1/messages/count_tokens"


async def test_key_is_checked_in_x_api_key_or_bearer(session: aiohttp.ClientSession) -> None:
    async with FakeAnthropic(KEY) as up:
        ok = {"model": "m", "max_tokens": 5, "messages": HI}
        status, body = await post(session, up, ok, {"x-api-key": "sk-wrong"})
        assert status == 401
        assert body["type"] == "error" and body["error"]["type"] == "authentication_error"
        async with session.post(up.base_url + "/v1/messages", json=ok,
                                headers={"anthropic-version": "2023-06-01"}) as resp:
            assert resp.status == 401
            assert (await resp.json())["error"]["type"] == "authentication_error"
        async with session.post(up.base_url + "/v1/messages", json=ok,
                                headers={"Authorization": f"Bearer {KEY}",
                                         "anthropic-version": "2023-06-01"}) as resp:
            assert resp.status == 200
        async with client(up, "sk-other") as c:
            with pytest.raises(anthropic.AuthenticationError):
                await c.messages.create(model="m", max_tokens=5, messages=HI)


async def test_anthropic_version_is_required(session: aiohttp.ClientSession) -> None:
    async with FakeAnthropic(KEY) as up:
        async with session.post(up.base_url + "/v1/messages",
                                json={"model": "m", "max_tokens": 5, "messages": HI},
                                headers={"x-api-key": KEY}) as resp:
            assert resp.status == 400
            error = (await resp.json())["error"]
    assert error["type"] == "invalid_request_error" and "anthropic-version" in error["message"]


TOOL_TURN = {"role": "assistant", "content": [
    {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}]}
BAD_BODIES: dict[str, Any] = {
    "not json": b"{nope",
    "no max_tokens": {"model": "m", "messages": HI},
    "zero max_tokens": {"model": "m", "max_tokens": 0, "messages": HI},
    "no model": {"max_tokens": 5, "messages": HI},
    "empty messages": {"model": "m", "max_tokens": 5, "messages": []},
    "bad role": {"model": "m", "max_tokens": 5, "messages": [{"role": "tool", "content": "x"}]},
    "system turn without beta": {"model": "m", "max_tokens": 5,
                                 "messages": [*HI, {"role": "system", "content": "x"}]},
    "unknown block": {"model": "m", "max_tokens": 5,
                      "messages": [{"role": "user", "content": [{"type": "img"}]}]},
    "text block without text": {"model": "m", "max_tokens": 5,
                                "messages": [{"role": "user", "content": [{"type": "text"}]}]},
    "tool_use from the user": {"model": "m", "max_tokens": 5,
                               "messages": [{"role": "user", "content": TOOL_TURN["content"]}]},
    "tool_use without result": {"model": "m", "max_tokens": 5,
                                "messages": [*HI, TOOL_TURN, {"role": "user", "content": "go"}]},
    "result without tool_use": {"model": "m", "max_tokens": 5, "messages": [
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_9"}]}]},
    "tool without schema": {"model": "m", "max_tokens": 5, "messages": HI,
                            "tools": [{"name": "Bash"}]},
    "thinking budget too small": {"model": "m", "max_tokens": 5000, "messages": HI,
                                  "thinking": {"type": "enabled", "budget_tokens": 100}},
    "system not text": {"model": "m", "max_tokens": 5, "messages": HI,
                        "system": [{"type": "image"}]},
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
async def test_malformed_requests_are_refused(session: aiohttp.ClientSession, name: str) -> None:
    async with FakeAnthropic(KEY) as up:
        status, body = await post(session, up, BAD_BODIES[name])
    assert status == 400, body
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert up.last_request.rejected == body["error"]["message"]


async def test_a_claude_code_shaped_turn_is_accepted(session: aiohttp.ClientSession) -> None:
    """What Claude Code 2.1 sends: system blocks with cache_control, a mid-conversation system
    turn under its beta, adaptive thinking, context_management, output_config, metadata, tool
    schemas with $schema, and a tool round trip whose result carries cache_control."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **BASH["input_schema"],
              "additionalProperties": False}
    body = {
        "model": "deepseek-v4-pro",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "<reminder>"},
                                         {"type": "text", "text": "list the files here",
                                          "cache_control": {"type": "ephemeral"}}]},
            {"role": "system", "content": [{"type": "text", "text": "# Environment"}]},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "", "signature": "sig"},
                {"type": "tool_use", "id": "toolu_1", "name": "Bash",
                 "input": {"command": "ls", "description": "List files"}}]},
            {"role": "user", "content": [{"tool_use_id": "toolu_1", "type": "tool_result",
                                          "content": "a.txt", "is_error": False,
                                          "cache_control": {"type": "ephemeral"}}]},
        ],
        "system": [{"type": "text", "text": "x-anthropic-billing-header"},
                   {"type": "text", "text": "You are Claude Code",
                    "cache_control": {"type": "ephemeral"}}],
        "tools": [{"name": "Bash", "description": "Run", "input_schema": schema}],
        "metadata": {"user_id": "user_abc"}, "max_tokens": 32000,
        "thinking": {"type": "adaptive", "display": "omitted"},
        "context_management": {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]},
        "output_config": {"effort": "high"}, "stream": True,
    }
    beta = "claude-code-20250219,interleaved-thinking-2025-05-14,mid-conversation-system-2026-04-07"
    async with FakeAnthropic(KEY) as up:
        async with session.post(up.base_url + "/v1/messages?beta=true", json=body,
                                headers={"x-api-key": KEY, "anthropic-version": "2023-06-01",
                                         "anthropic-beta": beta}) as resp:
            assert resp.status == 200, await resp.text()
            stream = events(await resp.read())
    assert stream[-1][0] == "message_stop"
    assert up.last_request.query == "beta=true" and up.last_request.rejected is None


@pytest.mark.parametrize(("failure", "status", "kind", "error"), [
    ("rate_limit", 429, "rate_limit_error", anthropic.RateLimitError),
    ("overloaded", 529, "overloaded_error", anthropic.OverloadedError),
    ("api_error", 500, "api_error", anthropic.InternalServerError),
    ("auth", 401, "authentication_error", anthropic.AuthenticationError),
])
async def test_scripted_failures_then_recovery(failure: str, status: int, kind: str,
                                               error: type[Exception]) -> None:
    sc = AnthropicScenario(fail_with=failure, fail_times=1)  # type: ignore[arg-type]
    async with FakeAnthropic(KEY, scenario=sc) as up, client(up) as c:
        with pytest.raises(error) as raised:
            await c.messages.create(model="m", max_tokens=5, messages=HI)
        assert isinstance(raised.value, anthropic.APIStatusError)
        assert raised.value.status_code == status
        assert raised.value.body["error"]["type"] == kind  # type: ignore[index]
        ok = await c.messages.create(model="m", max_tokens=5, messages=HI)
    assert ok.stop_reason == "end_turn" and [r.status for r in up.requests] == [status, 200]


async def test_rate_limit_says_when_to_retry(session: aiohttp.ClientSession) -> None:
    async with FakeAnthropic(KEY, scenario=AnthropicScenario(fail_with="rate_limit")) as up:
        async with session.post(up.base_url + "/v1/messages",
                                json={"model": "m", "max_tokens": 5, "messages": HI},
                                headers={"x-api-key": KEY,
                                         "anthropic-version": "2023-06-01"}) as resp:
            assert resp.status == 429 and resp.headers["retry-after"] == "1"


async def test_full_delta_usage_and_a_broken_stream(session: aiohttp.ClientSession) -> None:
    sc = AnthropicScenario(full_delta_usage=True, input_tokens=8, cache_read_input_tokens=3)
    body = {"model": "m", "max_tokens": 5, "messages": HI, "stream": True}
    headers = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
    async with FakeAnthropic(KEY, scenario=sc) as up:
        async with session.post(up.base_url + "/v1/messages", json=body,
                                headers=headers) as resp:
            stream = events(await resp.read())
        delta = next(p for n, p in stream if n == "message_delta")
        assert delta["usage"] == {"input_tokens": 8, "cache_creation_input_tokens": 0,
                                  "cache_read_input_tokens": 3, "output_tokens": 3}
        up.scenario.break_after_events = 2
        async with session.post(up.base_url + "/v1/messages", json=body,
                                headers=headers) as resp:
            with pytest.raises(aiohttp.ClientPayloadError):
                await resp.read()
    assert up.last_request.events_sent == 2 and not up.last_request.completed


async def test_unknown_path_and_model_list(session: aiohttp.ClientSession) -> None:
    async with FakeAnthropic(KEY, models=["claude-a"]) as up:
        status, body = await post(session, up, {"model": "m", "max_tokens": 5, "messages": HI},
                                  path="/v1/complete")
        assert status == 404 and body["error"]["type"] == "not_found_error"
        status, body = await post(session, up, {"model": "m", "max_tokens": 5, "messages": HI})
        assert status == 404 and body["error"]["message"] == "model: m"
        status, _ = await post(session, up, {"model": "claude-a", "max_tokens": 5,
                                             "messages": HI})
        assert status == 200


async def test_an_error_event_mid_stream(session: aiohttp.ClientSession) -> None:
    sc = AnthropicScenario(error_in_stream="overloaded_error")
    async with FakeAnthropic(KEY, scenario=sc) as up:
        async with session.post(up.base_url + "/v1/messages",
                                json={"model": "m", "max_tokens": 5, "messages": HI,
                                      "stream": True},
                                headers={"x-api-key": KEY,
                                         "anthropic-version": "2023-06-01"}) as resp:
            assert resp.status == 200
            stream = events(await resp.read())
        assert [n for n, _ in stream] == ["message_start", "ping", "error"]
        assert stream[-1][1]["error"]["type"] == "overloaded_error"
        async with client(up) as c:
            with pytest.raises(anthropic.APIStatusError, match="Overloaded"):
                async with c.messages.stream(model="m", max_tokens=5, messages=HI) as s:
                    await s.get_final_message()
