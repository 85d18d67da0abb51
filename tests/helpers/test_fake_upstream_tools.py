"""The chat fake's scripted tool turn: tool-call deltas as the official SDK assembles them, then
a text answer once a tool result follows the user's message (what agent-loop tests need)."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from tests.helpers.fake_upstream import FakeUpstream, Scenario
from tests.helpers.upstream_client import KEY, payloads, stream

CALL = {"name": "exec_command", "arguments": {"cmd": "echo hi"}}
ASK = [{"role": "user", "content": "say hi"}]


def answered(call_id: str, arguments: str) -> list[dict[str, Any]]:
    return [*ASK, {"role": "assistant", "content": None, "tool_calls": [
        {"id": call_id, "type": "function",
         "function": {"name": "exec_command", "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": call_id, "content": "hi\n"}]


@pytest.mark.parametrize("kind", ["openai", "deepseek", "zhipu", "dashscope"])
async def test_streamed_tool_call_then_text(kind: str) -> None:
    sc = Scenario(tool_calls=[CALL], content=["It said", " hi."], reasoning=[])
    async with FakeUpstream(kind, KEY, scenario=sc) as up, openai.AsyncOpenAI(
            api_key=KEY, base_url=up.base_url, max_retries=0) as client:
        first = await client.chat.completions.create(
            model="m", messages=ASK, stream=True,  # type: ignore[arg-type]
            stream_options={"include_usage": True} if kind != "zhipu" else None)
        calls: dict[int, dict[str, str]] = {}
        finish, usage = None, None
        async for chunk in first:
            usage = chunk.usage or usage
            for choice in chunk.choices:
                finish = choice.finish_reason or finish
                for delta in choice.delta.tool_calls or []:
                    call = calls.setdefault(delta.index, {"id": "", "name": "", "arguments": ""})
                    call["id"] += delta.id or ""
                    call["name"] += (delta.function and delta.function.name) or ""
                    call["arguments"] += (delta.function and delta.function.arguments) or ""
        assert finish == "tool_calls" and list(calls) == [0]
        assert calls[0]["name"] == "exec_command"
        assert json.loads(calls[0]["arguments"]) == {"cmd": "echo hi"}
        assert usage is not None and usage.completion_tokens == 3  # arguments in three pieces
        second = await client.chat.completions.create(
            model="m", messages=answered(calls[0]["id"], calls[0]["arguments"]))  # type: ignore[arg-type]
    assert second.choices[0].message.content == "It said hi."
    assert second.choices[0].finish_reason == "stop"


async def test_non_streamed_tool_call_and_the_thinking_before_it() -> None:
    sc = Scenario(tool_calls=[CALL, {"name": "write_stdin", "arguments": "{}"}])
    async with FakeUpstream("deepseek", KEY, scenario=sc) as up, openai.AsyncOpenAI(
            api_key=KEY, base_url=up.base_url, max_retries=0) as client:
        reply = await client.chat.completions.create(model="m", messages=ASK)  # type: ignore[arg-type]
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    calls = choice.message.tool_calls or []
    assert [c.function.name for c in calls] == ["exec_command", "write_stdin"]  # type: ignore[union-attr]
    assert [c.function.arguments for c in calls] == ['{"cmd": "echo hi"}', "{}"]  # type: ignore[union-attr]
    assert len({c.id for c in calls}) == 2
    # DeepSeek's default two reasoning pieces, then each call's arguments in up to three pieces
    assert reply.usage is not None and reply.usage.completion_tokens == 2 + 3 + 2


async def test_raw_tool_deltas_and_a_new_user_turn_asks_again(session) -> None:
    sc = Scenario(tool_calls=[CALL], completion_tokens=9)
    async with FakeUpstream("openai", KEY, scenario=sc) as up:
        events, _ = await stream(session, up, {"messages": ASK})
        chunks = payloads(events)
        deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
        heads = [d["tool_calls"][0] for d in deltas if d.get("tool_calls")]
        assert heads[0]["id"].startswith("call_") and heads[0]["type"] == "function"
        assert heads[0]["function"] == {"name": "exec_command", "arguments": ""}
        assert all(set(h) == {"index", "function"} for h in heads[1:])
        later = [*answered(heads[0]["id"], "{}"), {"role": "user", "content": "again"}]
        events, _ = await stream(session, up, {"messages": later})
    again = payloads(events)
    assert any(c["choices"] and c["choices"][0]["delta"].get("tool_calls") for c in again)
    assert again[-1]["choices"][0]["finish_reason"] == "tool_calls"
