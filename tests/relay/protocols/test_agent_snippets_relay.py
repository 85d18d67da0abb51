"""The key-created settings for Claude Code and Codex CLI, taken as pasted, reach the running
relay: the official SDKs (what the agents are built on) configured only from them get an
answer on /v1/messages and /v1/responses, logged under those routes."""

import tomllib
from pathlib import Path

import anthropic
import openai
import pytest

from app import snippets
from tests.helpers.pasted import run_pasted
from tests.relay.protocols.conftest import MODEL

CLAUDE_VARS = ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL")


async def test_claude_code_settings_reach_v1_messages(
        rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    r = await rig()
    r.chat.scenario.reasoning = []
    text = snippets.claude_code(r.h.base_url, r.h.key, MODEL)
    for name, value in run_pasted(tmp_path, text, "claude", CLAUDE_VARS).items():
        assert value is not None, name
        monkeypatch.setenv(name, value)
    # Everything from the environment, as Claude Code reads it: the key as a Bearer token.
    async with anthropic.AsyncAnthropic(max_retries=0, timeout=20.0) as client:
        message = await client.messages.create(
            model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "Hi"}])
    assert message.content[0].type == "text" and message.content[0].text == "Hello there!"
    row = await r.last_log()
    assert (row.endpoint, row.status) == ("/v1/messages", 200)


async def test_codex_settings_reach_v1_responses(rig, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = await rig()
    r.chat.scenario.reasoning = []
    config = tomllib.loads(snippets.codex_config(r.h.base_url, MODEL))
    provider = config["model_providers"][config["model_provider"]]
    assert provider["wire_api"] == "responses"
    env = run_pasted(tmp_path, snippets.codex_env(r.h.key), "codex", (provider["env_key"],))
    async with openai.AsyncOpenAI(base_url=provider["base_url"], api_key=env[provider["env_key"]],
                                  max_retries=0, timeout=20.0) as client:
        response = await client.responses.create(model=config["model"], input="Hi")
    assert response.output_text == "Hello there!"
    row = await r.last_log()
    assert (row.endpoint, row.status) == ("/v1/responses", 200)
