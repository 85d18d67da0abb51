"""A lone UTF-16 surrogate, escaped in valid JSON (``"\\ud83d"``), on the translated routes.

Claude Code and Codex CLI are JavaScript/Rust clients whose tool outputs are cut at a length
limit; a JS ``slice`` can split an emoji's surrogate pair, and JSON.stringify then writes the
half as ``\\ud83d``. /v1/chat/completions passes such a body on (relay/proxy.py keeps the
escape); the new routes must not answer 500, or the conversation is stuck for good: every
retry sends the same history."""

import json
from typing import Any

import aiohttp
import pytest

from tests.relay.protocols.conftest import MODEL, Rig

CUT_EMOJI = "build log: done \ud83d"  # the tool output cut inside "🎉"
VERSION = {"anthropic-version": "2023-06-01"}


async def post_raw(r: Rig, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
    data = json.dumps(body).encode()  # ensure_ascii: the half pair travels as \ud83d
    assert b"\\ud83d" in data
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}{path}", data=data, headers=r.headers(
                **VERSION, **{"content-type": "application/json"})) as resp:
            return resp.status, await resp.read()


MESSAGES = {"model": MODEL, "max_tokens": 50, "messages": [
    {"role": "user", "content": "Run the build."},
    {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "bash",
                                       "input": {"command": "make"}}]},
    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                  "content": CUT_EMOJI}]}],
    "tools": [{"name": "bash", "input_schema": {"type": "object"}}]}
RESPONSES = {"model": MODEL, "max_output_tokens": 50, "input": [
    {"role": "user", "content": "Run the build."},
    {"type": "function_call", "call_id": "call_1", "name": "shell", "arguments": "{}"},
    {"type": "function_call_output", "call_id": "call_1", "output": CUT_EMOJI}],
    "tools": [{"type": "function", "name": "shell", "parameters": {"type": "object"}}]}


@pytest.mark.parametrize("native", [False, True])
async def test_messages_with_a_cut_surrogate_pair_is_served(rig, native: bool) -> None:
    r = await rig(native=native, chat=not native)
    if r.native is not None:
        r.native.scenario.strict = False
    status, answer = await post_raw(r, "/messages", MESSAGES)
    assert status == 200, answer


@pytest.mark.parametrize("native", [False, True])
async def test_responses_with_a_cut_surrogate_pair_is_served(rig, native: bool) -> None:
    r = await rig(responses=native, chat=not native)
    if r.responses is not None:
        r.responses.scenario.strict = False
    status, answer = await post_raw(r, "/responses", RESPONSES)
    assert status == 200, answer


async def test_chat_completions_with_a_cut_surrogate_pair_is_served(rig) -> None:
    """The control: the OpenAI route already takes such a body."""
    r = await rig()
    body = {"model": MODEL, "max_tokens": 50,
            "messages": [{"role": "user", "content": CUT_EMOJI}]}
    status, answer = await post_raw(r, "/chat/completions", body)
    assert status == 200, answer
