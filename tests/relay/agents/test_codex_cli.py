"""The real Codex CLI (`codex exec`) through the relay's /v1/responses: translated to a
chat-only provider (the scripted FakeUpstream) and passed through to a Responses-native one (the
strict fake), each turn with a shell tool round trip, logged and billed exactly at the provider's
usage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.relay.agents.conftest import AgentClis, CliRun, base_env, reported_usage, run_cli
from tests.relay.protocols.conftest import MODEL, price

TOOL_OUTPUT = "relay-tool-ok"
FINAL = ["The", " command", " printed", " relay-tool-ok", " as", " asked."]


def codex_home(tmp_path: Path, base_url: str) -> Path:
    """A private CODEX_HOME whose config sends every turn to the relay."""
    home = tmp_path / "codex-home"
    home.mkdir()
    # Full access: bubblewrap needs user namespaces that containers (CI) often lack, and the
    # only command run is the fake's scripted echo, in a temporary folder.
    (home / "config.toml").write_text(
        f'model = "{MODEL}"\n'
        f'model_provider = "relay"\n'
        f'approval_policy = "never"\n'
        f'sandbox_mode = "danger-full-access"\n'
        f"\n[model_providers.relay]\n"
        f'name = "RelayDesk"\n'
        f"base_url = {json.dumps(base_url)}\n"
        f'env_key = "RELAYDESK_KEY"\n'
        f'wire_api = "responses"\n')
    return home


async def codex(clis: AgentClis, tmp_path: Path, base_url: str, key: str) -> CliRun:
    """`codex exec` in an empty folder, its key in the provider's env_key variable."""
    home, work = codex_home(tmp_path, base_url), tmp_path / "work"
    work.mkdir()
    env = base_env(tmp_path / "home") | {"CODEX_HOME": str(home), "RELAYDESK_KEY": key}
    return await run_cli([str(clis.codex), "exec", "--skip-git-repo-check",
                          "Print relay-tool-ok with the shell, then say what it printed."],
                         env, work)


def tool_names(rec_json: Any) -> list[str]:
    return [t["function"]["name"] for t in rec_json.get("tools", [])
            if t.get("type") == "function"]


async def test_codex_exec_runs_a_tool_through_the_relay(rig, agent_clis: AgentClis,
                                                        tmp_path: Path) -> None:
    r = await rig(chat=True)
    chat = r.chat
    chat.scenario.tool_calls = [{"name": "exec_command",
                                 "arguments": {"cmd": f"echo {TOOL_OUTPUT}"}}]
    chat.scenario.content = FINAL
    chat.scenario.prompt_tokens = 2345
    chat.scenario.cached_tokens = 1024
    before = r.h.balance()

    run = await codex(agent_clis, tmp_path, r.h.base_url, r.h.key)

    assert run.returncode == 0, run.explain()
    assert "".join(FINAL) in run.stdout, run.explain()
    first, second = chat.requests  # exactly two chat requests, both answered
    assert (first.status, second.status) == (200, 200)
    assert "exec_command" in tool_names(first.json)  # Codex's shell tool, offered as a function
    tool_messages = [m for m in second.json["messages"] if m["role"] == "tool"]
    assert len(tool_messages) == 1 and TOOL_OUTPUT in json.dumps(tool_messages[0]["content"])
    call_id = tool_messages[0]["tool_call_id"]
    calls = [c for m in second.json["messages"] for c in m.get("tool_calls") or []]
    assert [c["id"] for c in calls] == [call_id]
    assert json.loads(calls[0]["function"]["arguments"]) == {"cmd": f"echo {TOOL_OUTPUT}"}

    await r.h.settle()
    logs = r.h.logs()
    assert [(log.endpoint, log.status, log.stream) for log in logs] == [
        ("/v1/responses", 200, True), ("/v1/responses", 200, True)]
    expected = 0
    for log, rec in zip(logs, chat.requests, strict=True):
        usage = reported_usage(rec)
        cached = usage["prompt_tokens_details"]["cached_tokens"]
        assert (log.prompt_tokens, log.cached_tokens, log.completion_tokens) == (
            usage["prompt_tokens"], cached, usage["completion_tokens"])
        assert not log.estimated and log.cost_micros == price(
            usage["prompt_tokens"], cached, usage["completion_tokens"])
        expected += log.cost_micros
    assert logs[0].completion_tokens != logs[1].completion_tokens  # each turn its own usage
    assert before - r.h.balance() == expected > 0
    r.h.assert_ledger_consistent()


async def test_codex_exec_passed_through_to_a_responses_native_provider(
        rig, agent_clis: AgentClis, tmp_path: Path) -> None:
    r = await rig(chat=False, responses=True, upstream_model="gpt-native")
    native = r.responses
    native.scenario.function_call = {"name": "exec_command",
                                     "arguments": {"cmd": f"echo {TOOL_OUTPUT}"}}
    native.scenario.text = FINAL
    native.scenario.input_tokens = 5000
    native.scenario.cached_tokens = 4096
    before = r.h.balance()

    run = await codex(agent_clis, tmp_path, r.h.base_url, r.h.key)

    assert run.returncode == 0, run.explain()
    assert "".join(FINAL) in run.stdout, run.explain()
    first, second = native.requests
    assert (first.status, second.status) == (200, 200)
    assert first.json["model"] == second.json["model"] == "gpt-native"
    assert first.headers["Authorization"] == f"Bearer {native.api_key}"
    assert r.h.key not in str(dict(second.headers)) + second.body.decode()
    (output,) = [i for i in second.json["input"] if i.get("type") == "function_call_output"]
    assert TOOL_OUTPUT in json.dumps(output["output"])

    await r.h.settle()
    logs = r.h.logs()
    assert [(log.endpoint, log.provider, log.status) for log in logs] == [
        ("/v1/responses", "responses-1", 200)] * 2
    output_tokens = [3, len(FINAL)]  # the call's arguments in three pieces; one per text piece
    assert [(log.prompt_tokens, log.cached_tokens, log.completion_tokens) for log in logs] == [
        (5000, 4096, n) for n in output_tokens]
    assert [log.cost_micros for log in logs] == [price(5000, 4096, n) for n in output_tokens]
    assert before - r.h.balance() == sum(log.cost_micros for log in logs)
    r.h.assert_ledger_consistent()
