"""The coding-agent snippets work as pasted: bash sets exactly the values given (hostile ones
included, nothing else runs) and the Codex config parses to the same values as TOML."""

import tomllib
from pathlib import Path

from app import snippets
from tests.helpers.pasted import run_pasted

HOSTILE_KEY = "sk-rd-x'; touch pwned-key; echo '"
HOSTILE_MODEL = 'm$(touch pwned-model)`touch pwned-tick`"\\\n\x7f\t\x01 模型'
HOSTILE_BASE = "http://10.0.0.2:8765/'$(touch pwned-base)\"x/v1"
CLAUDE_VARS = ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL",
               "ANTHROPIC_DEFAULT_HAIKU_MODEL", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
               "NODE_EXTRA_CA_CERTS")
CODEX_VARS = ("RELAYDESK_API_KEY", "CODEX_CA_CERTIFICATE", "SSL_CERT_FILE")


def test_claude_code_gets_the_relay_root_key_and_model(tmp_path: Path) -> None:
    text = snippets.claude_code("http://10.0.0.2:8765/v1", "sk-rd-abc", "deepseek-chat")
    assert run_pasted(tmp_path, text, "claude", CLAUDE_VARS) == {
        "ANTHROPIC_BASE_URL": "http://10.0.0.2:8765", "ANTHROPIC_AUTH_TOKEN": "sk-rd-abc",
        "ANTHROPIC_MODEL": "deepseek-chat", "ANTHROPIC_DEFAULT_HAIKU_MODEL": "deepseek-chat",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "NODE_EXTRA_CA_CERTS": None}
    assert text.rstrip().endswith("\nclaude")


def test_claude_code_without_a_known_model_leaves_the_choice_to_claude(tmp_path: Path) -> None:
    found = run_pasted(tmp_path, snippets.claude_code("http://h:1/v1", "k"), "claude",
                       CLAUDE_VARS)
    assert found["ANTHROPIC_MODEL"] is None and found["ANTHROPIC_DEFAULT_HAIKU_MODEL"] is None
    assert found["ANTHROPIC_BASE_URL"] == "http://h:1"


def test_hostile_values_reach_claude_code_verbatim_and_run_nothing(tmp_path: Path) -> None:
    cert = str(tmp_path / "my certs" / "relay's cert.pem")
    text = snippets.claude_code(HOSTILE_BASE, HOSTILE_KEY, HOSTILE_MODEL, cert)
    found = run_pasted(tmp_path, text, "claude", CLAUDE_VARS)
    assert found["ANTHROPIC_BASE_URL"] == HOSTILE_BASE.removesuffix("/v1")
    assert found["ANTHROPIC_AUTH_TOKEN"] == HOSTILE_KEY
    assert found["ANTHROPIC_MODEL"] == HOSTILE_MODEL
    assert found["NODE_EXTRA_CA_CERTS"] == cert
    assert not list(tmp_path.glob("pwned*"))


def test_the_codex_config_is_toml_naming_the_relay_with_the_responses_api() -> None:
    config = tomllib.loads(snippets.codex_config("https://10.0.0.2:8765/v1", "gpt-5-codex"))
    assert config == {
        "model": "gpt-5-codex", "model_provider": "relaydesk",
        "model_providers": {"relaydesk": {
            "name": "RelayDesk", "base_url": "https://10.0.0.2:8765/v1",
            "env_key": "RELAYDESK_API_KEY", "wire_api": "responses"}}}


def test_hostile_values_in_the_codex_config_stay_inside_their_strings() -> None:
    config = tomllib.loads(snippets.codex_config(HOSTILE_BASE, HOSTILE_MODEL))
    assert config["model"] == HOSTILE_MODEL
    assert config["model_providers"]["relaydesk"]["base_url"] == HOSTILE_BASE
    assert config["model_providers"]["relaydesk"]["wire_api"] == "responses"
    assert set(config) == {"model", "model_provider", "model_providers"}


def test_the_codex_config_without_a_model_keeps_codex_s_default() -> None:
    text = snippets.codex_config("http://h:1/v1/")
    assert "model" not in tomllib.loads(text)
    assert tomllib.loads(text)["model_providers"]["relaydesk"]["base_url"] == "http://h:1/v1"


def test_codex_gets_the_key_and_over_https_the_certificate(tmp_path: Path) -> None:
    cert = str(tmp_path / "relay cert.pem")
    found = run_pasted(tmp_path, snippets.codex_env(HOSTILE_KEY, cert), "codex", CODEX_VARS)
    assert found == {"RELAYDESK_API_KEY": HOSTILE_KEY, "CODEX_CA_CERTIFICATE": cert,
                     "SSL_CERT_FILE": cert}
    assert not list(tmp_path.glob("pwned*"))
    plain = run_pasted(tmp_path, snippets.codex_env("sk-rd-abc"), "codex", CODEX_VARS)
    assert plain == {"RELAYDESK_API_KEY": "sk-rd-abc", "CODEX_CA_CERTIFICATE": None,
                     "SSL_CERT_FILE": None}


def test_agent_snippets_names_all_three_texts() -> None:
    texts = snippets.agent_snippets("http://h:1/v1", "k", "m", snippets.CERT_PLACEHOLDER)
    assert texts == {"claude_code": snippets.claude_code("http://h:1/v1", "k", "m",
                                                         snippets.CERT_PLACEHOLDER),
                     "codex_config": snippets.codex_config("http://h:1/v1", "m"),
                     "codex_env": snippets.codex_env("k", snippets.CERT_PLACEHOLDER)}
    assert f"NODE_EXTRA_CA_CERTS={snippets.CERT_PLACEHOLDER} " in texts["claude_code"]
