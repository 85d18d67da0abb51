"""The real Claude Code CLI (`claude -p`) through the relay's /v1/messages: translated to a
chat-only provider, and passed through to an Anthropic-native one (the strict fake), each with
one Bash tool round trip, logged and billed exactly at the provider's usage; and Claude Code's
own default model name served through a wildcard alias."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app import pricing, providers
from tests.relay.agents.conftest import AgentClis, CliRun, base_env, reported_usage, run_cli
from tests.relay.agents.tap import Tap
from tests.relay.protocols.conftest import MODEL, price

TOOL_OUTPUT = "relay-tool-ok"
BASH = {"command": f"echo {TOOL_OUTPUT}", "description": "Print a word"}
FINAL = ["The", " command", " printed", " relay-tool-ok", " as", " asked."]
PROMPT = "Print relay-tool-ok with Bash, then say what it printed."


async def claude(clis: AgentClis, tmp_path: Path, root_url: str, key: str,
                 model: str | None = MODEL) -> CliRun:
    """`claude -p` with a private HOME, allowed to run Bash without asking (it refuses
    --dangerously-skip-permissions as root, which CI is)."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = base_env(home) | {"ANTHROPIC_BASE_URL": root_url, "ANTHROPIC_API_KEY": key,
                            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
                            "DISABLE_AUTOUPDATER": "1"}
    if model is not None:
        env |= {"ANTHROPIC_MODEL": model, "ANTHROPIC_SMALL_FAST_MODEL": model}
    return await run_cli([str(clis.claude), "-p", PROMPT, "--allowedTools", "Bash"], env, work)


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for message in body["messages"] if message["role"] == "user"
            and isinstance(message["content"], list)
            for block in message["content"] if block.get("type") == "tool_result"]


async def test_claude_code_translated_to_a_chat_provider(rig, agent_clis: AgentClis,
                                                         tmp_path: Path) -> None:
    r = await rig(chat=True)
    chat = r.chat
    chat.scenario.tool_calls = [{"name": "Bash", "arguments": BASH}]
    chat.scenario.content = FINAL
    chat.scenario.prompt_tokens = 3456
    chat.scenario.cached_tokens = 2048
    before = r.h.balance()

    run = await claude(agent_clis, tmp_path, r.root, r.h.key)

    assert run.returncode == 0, run.explain()
    assert "".join(FINAL) in run.stdout, run.explain()
    first, second = chat.requests
    assert (first.status, second.status) == (200, 200)
    assert "Bash" in [t["function"]["name"] for t in first.json["tools"]]
    (tool_message,) = [m for m in second.json["messages"] if m["role"] == "tool"]
    assert TOOL_OUTPUT in json.dumps(tool_message["content"])
    calls = [c for m in second.json["messages"] for c in m.get("tool_calls") or []]
    assert [c["id"] for c in calls] == [tool_message["tool_call_id"]]
    assert json.loads(calls[0]["function"]["arguments"]) == BASH

    await r.h.settle()
    logs = r.h.logs()
    assert [(log.endpoint, log.status, log.stream) for log in logs] == [
        ("/v1/messages", 200, True)] * 2
    for log, rec in zip(logs, chat.requests, strict=True):
        usage = reported_usage(rec)
        cached = usage["prompt_tokens_details"]["cached_tokens"]
        assert (log.prompt_tokens, log.cached_tokens, log.completion_tokens) == (
            usage["prompt_tokens"], cached, usage["completion_tokens"])
        assert not log.estimated
        assert log.cost_micros == price(usage["prompt_tokens"], cached,
                                        usage["completion_tokens"])
    assert before - r.h.balance() == sum(log.cost_micros for log in logs) > 0
    r.h.assert_ledger_consistent()


async def test_claude_code_passed_through_to_an_anthropic_provider(
        rig, agent_clis: AgentClis, tmp_path: Path) -> None:
    r = await rig(chat=False, native=True, upstream_model="deepseek-v4-pro")
    native = r.native
    native.scenario.tool_use = {"name": "Bash", "input": BASH}
    native.scenario.text = FINAL
    native.scenario.input_tokens = 40
    native.scenario.cache_read_input_tokens = 3000
    native.scenario.cache_creation_input_tokens = 500
    before = r.h.balance()

    async with Tap(r.root) as tap:
        run = await claude(agent_clis, tmp_path, tap.url, r.h.key)

    assert run.returncode == 0, run.explain()
    assert "".join(FINAL) in run.stdout, run.explain()
    sent = [t for t in tap.seen if t.path_qs.split("?")[0] == "/v1/messages"]
    received = [rec for rec in native.requests if rec.path == "/anthropic/v1/messages"]
    assert [t.status for t in sent] == [200, 200]
    assert [rec.status for rec in received] == [200, 200]
    assert not tool_results(received[0].json)
    (result,) = tool_results(received[1].json)
    assert TOOL_OUTPUT in json.dumps(result["content"])
    for client, rec in zip(sent, received, strict=True):
        # the client's body with only the model mapped; its anthropic-* headers kept
        assert json.loads(client.body)["model"] == MODEL
        assert rec.json == json.loads(client.body) | {"model": "deepseek-v4-pro"}
        for name in ("anthropic-version", "anthropic-beta"):
            assert rec.headers[name] == client.headers[name]
        # the provider's key, never the user's
        assert client.headers["x-api-key"] == r.h.key
        assert rec.headers["x-api-key"] == native.api_key
        assert "Authorization" not in rec.headers
        assert r.h.key not in str(dict(rec.headers)) + rec.body.decode()

    await r.h.settle()
    logs = r.h.logs()
    assert [(log.endpoint, log.provider, log.status) for log in logs] == [
        ("/v1/messages", "native-1", 200)] * 2
    # Anthropic's input_tokens exclude the cache: all three are the prompt, reads are cached
    output = [3, len(FINAL)]  # the tool input's JSON in three pieces; one per text piece
    assert [(log.prompt_tokens, log.cached_tokens, log.completion_tokens) for log in logs] == [
        (3540, 3000, n) for n in output]
    assert [log.cost_micros for log in logs] == [price(3540, 3000, n) for n in output]
    assert before - r.h.balance() == sum(log.cost_micros for log in logs)
    r.h.assert_ledger_consistent()


async def test_claude_codes_default_model_through_a_wildcard_alias(
        rig, agent_clis: AgentClis, tmp_path: Path) -> None:
    r = await rig(chat=True)
    providers.update_provider("chat-1", model_map={"claude-*": "deepseek-v4-pro"})
    pricing.set_price("deepseek-v4-pro", "2", "8", "0.5")
    r.chat.scenario.content = FINAL

    run = await claude(agent_clis, tmp_path, r.root, r.h.key, model=None)

    assert run.returncode == 0, run.explain()
    assert "".join(FINAL) in run.stdout, run.explain()
    assert r.chat.requests and all(rec.status == 200 for rec in r.chat.requests)
    assert {rec.json["model"] for rec in r.chat.requests} == {"deepseek-v4-pro"}
    await r.h.settle()
    logs = r.h.logs()
    assert logs and all(log.status == 200 for log in logs)
    assert all(log.model.startswith("claude-") for log in logs), [log.model for log in logs]
    assert {log.upstream_model for log in logs} == {"deepseek-v4-pro"}
    assert all(log.cost_micros == price(log.prompt_tokens, log.cached_tokens,
                                        log.completion_tokens) > 0 for log in logs)
