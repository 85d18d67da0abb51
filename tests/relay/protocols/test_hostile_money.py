"""Hostile money checks on the new routes: what a provider bills for a request the relay passed
on must stay within the hold the relay took for it (a write-off is the operator's loss).

The providers are the repo's fakes, scripted to report what the real APIs report for such a
request (their documented accounting, cited per test)."""

from typing import Any

import aiohttp

from tests.relay.protocols.conftest import MODEL, Rig, price

VERSION = {"anthropic-version": "2023-06-01"}
HI = [{"role": "user", "content": "What changed in Python 3.13? Search the web."}]


async def post(r: Rig, path: str, body: dict[str, Any], **headers: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}{path}", json=body,
                                headers=r.headers(**headers)) as resp:
            return resp.status, await resp.read()


async def assert_within_hold(r: Rig) -> Any:
    row = await r.last_log()
    assert row.written_off_micros == 0, (
        f"billed {row.prompt_tokens}+{row.completion_tokens} tokens, "
        f"{row.written_off_micros} micros written off")
    r.h.assert_ledger_consistent()
    return row


# ---- hosted / server tools on native providers ------------------------------------------------
# Anthropic: "Web search usage is charged in addition to token usage ... search results
# retrieved throughout a conversation are counted as input tokens" (web search tool docs), and
# usage carries server_tool_use.web_search_requests. OpenAI's Responses web_search likewise adds
# the search content to input tokens and a per-call fee. So hosted tools never reach a native
# provider (their results would be billed as input no hold covers), as the translation never
# sends them either.


async def test_native_messages_never_sends_a_hosted_web_search(rig) -> None:
    r = await rig(native=True, chat=False)
    assert r.native is not None
    body = {"model": MODEL, "max_tokens": 200, "messages": HI,
            "tools": [{"type": "web_search_20250305", "name": "web_search", "max_uses": 5}]}
    status, answer = await post(r, "/messages", body, **VERSION)
    assert status == 200, answer
    assert "tools" not in r.native.last_request.json
    await assert_within_hold(r)


async def test_native_responses_never_sends_a_hosted_web_search(rig) -> None:
    r = await rig(responses=True, chat=False)
    assert r.responses is not None
    body = {"model": MODEL, "max_output_tokens": 200, "input": HI[0]["content"],
            "tools": [{"type": "web_search"}], "service_tier": "priority"}
    status, answer = await post(r, "/responses", body)
    assert status == 200, answer
    sent = r.responses.last_request.json
    assert "tools" not in sent and "service_tier" not in sent and sent["store"] is False
    await assert_within_hold(r)


# ---- /v1/completions best_of ------------------------------------------------------------------
# OpenAI's legacy completions: "best_of: generates best_of completions server-side and returns
# the best one ... results cannot be streamed ... this parameter can quickly consume your token
# quota" (API reference). The hold counts n (1 here), the provider bills best_of.


async def test_completions_best_of_is_held_for_or_refused(rig) -> None:
    r = await rig()
    assert r.chat is not None
    body = {"model": MODEL, "prompt": "def fib(n):", "max_tokens": 100, "best_of": 20}
    # every candidate ran to max_tokens; OpenAI's usage counts them all
    r.chat.scenario.usage_override = {"prompt_tokens": 12, "completion_tokens": 2000,
                                      "total_tokens": 2012}
    status, answer = await post(r, "/completions", body)
    if status != 200:
        assert 400 <= status < 500, answer
        return
    assert r.chat.last_request.json["best_of"] == 20  # forwarded as sent
    row = await assert_within_hold(r)
    assert row.cost_micros == price(row.prompt_tokens, 0, 2000)


# ---- an Anthropic document's context -----------------------------------------------------------
# A document block's ``context`` (and ``title``) reach the model: "Document context is provided
# to the model but not used towards cited content" (citations docs). metering.body_upper_bound
# holds any block typed "document" at MEDIA_TOKENS_MAX whatever text it carries, and the
# translation (whose bound is the other half of the hold) drops the context.

CONTEXT_WORDS = 150_000  # ~150k tokens of context, inside a 200k window


async def test_native_document_context_is_held_for(rig) -> None:
    r = await rig(native=True, chat=False)
    assert r.native is not None
    r.native.scenario.strict = False
    r.native.scenario.input_tokens = CONTEXT_WORDS + 50
    document = {"type": "document", "title": "notes",
                "source": {"type": "text", "media_type": "text/plain", "data": "See context."},
                "context": "word " * CONTEXT_WORDS}
    body = {"model": MODEL, "max_tokens": 100, "messages": [{"role": "user", "content": [
        document, {"type": "text", "text": "Summarise the notes."}]}]}
    status, answer = await post(r, "/messages", body, **VERSION)
    assert status == 200, answer
    row = await assert_within_hold(r)
    assert row.prompt_tokens == CONTEXT_WORDS + 50


# ---- Anthropic's hidden tool-use system prompt ---------------------------------------------------
# "When you use tools, we also automatically include a special system prompt for the model
# which enables tool use" - 159 to 530 tokens by model and tool_choice, on top of the tool
# definitions (tool use pricing docs; Anthropic-defined tools add more: bash 245, text editor
# 700, computer use 735 plus its own system prompt). metering.body_upper_bound adds
# BOUND_PER_ITEM (24) per object: a small tool costs far more than its bytes.

TOOL_SYSTEM_PROMPT = 530  # Claude 3 Opus, tool_choice auto (the docs' largest)


async def test_native_tool_use_system_prompt_is_held_for(rig) -> None:
    r = await rig(native=True, chat=False)
    assert r.native is not None
    body = {"model": MODEL, "max_tokens": 1, "messages": [{"role": "user", "content": "hi"}],
            "tools": [{"name": "t", "input_schema": {"type": "object"}}]}
    r.native.scenario.input_tokens = TOOL_SYSTEM_PROMPT + 20  # + the tool and the message
    r.native.scenario.text = ["Hi"]
    status, answer = await post(r, "/messages", body, **VERSION)
    assert status == 200, answer
    await assert_within_hold(r)


# ---- /v1/completions suffix (fill-in-the-middle) -------------------------------------------------
# DeepSeek's FIM completion reads ``prompt`` and ``suffix`` and bills both as prompt tokens;
# metering.prompt_upper_bound and estimate_prompt_tokens count ``prompt`` only.

SUFFIX_WORDS = 50_000


async def test_completions_suffix_is_held_for(rig) -> None:
    r = await rig()
    assert r.chat is not None
    body = {"model": MODEL, "prompt": "def fib(n):\n", "max_tokens": 16,
            "suffix": "\nprint(fib(10))\n" + "x = 1\n" * SUFFIX_WORDS}
    r.chat.scenario.usage_override = {"prompt_tokens": 4 * SUFFIX_WORDS,
                                      "completion_tokens": 16,
                                      "total_tokens": 4 * SUFFIX_WORDS + 16}
    status, answer = await post(r, "/completions", body)
    assert status == 200, answer
    assert r.chat.last_request.json["suffix"] == body["suffix"]  # the provider reads it
    await assert_within_hold(r)


# ---- /v1/completions with a list of prompts ------------------------------------------------------
# "prompt: The prompt(s) to generate completions for, encoded as a string, array of strings,
# array of tokens, or array of token arrays" (OpenAI legacy completions; vLLM alike): each
# prompt gets its own n completions, each up to max_tokens. The hold counts n alone.

PROMPTS = 20


async def test_completions_batched_prompts_are_held_for_or_refused(rig) -> None:
    r = await rig()
    assert r.chat is not None
    body = {"model": MODEL, "prompt": [f"def f{i}(x):" for i in range(PROMPTS)],
            "max_tokens": 100}
    r.chat.scenario.usage_override = {"prompt_tokens": 5 * PROMPTS,
                                      "completion_tokens": 100 * PROMPTS,
                                      "total_tokens": 105 * PROMPTS}
    status, answer = await post(r, "/completions", body)
    if status != 200:
        assert 400 <= status < 500, answer
        return
    assert r.chat.last_request.json["prompt"] == body["prompt"]
    await assert_within_hold(r)
