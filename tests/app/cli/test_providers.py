"""`relaydesk provider ...` and `relaydesk price ...` on SQLite and PostgreSQL."""

import uuid

import keyring
import pytest

from app import keystore, providers
from tests.app.support import assert_money_is_micros, files_containing


def test_add_fills_base_url_from_kind(cli):
    out = cli.ok("provider", "add", "ds", "--kind", "deepseek", "--models",
                 "deepseek-chat,deepseek-reasoner").out
    assert out.startswith("added provider ds (deepseek, https://api.deepseek.com/v1)")
    assert "no key stored yet" in out and "RELAYDESK_PROVIDER_KEY_" in out
    (row,) = cli.json("provider", "list")
    assert row["base_url"] == "https://api.deepseek.com/v1"
    assert row["models"] == ["deepseek-chat", "deepseek-reasoner"]
    assert (row["priority"], row["weight"], row["enabled"], row["has_key"]) == (0, 1, True, False)


def test_add_with_everything(cli):
    added = cli.json("provider", "add", "qwen", "--kind", "dashscope", "--base-url",
                     "https://proxy.example/v1/", "--models", "qwen-max,qwen-plus", "--map",
                     "qwen-max=qwen-max-latest", "--map", "qwen-plus=qwen-plus-2025",
                     "--priority", "5", "--weight", "3", "--disabled")
    assert added["base_url"] == "https://proxy.example/v1"
    assert added["model_map"] == {"qwen-max": "qwen-max-latest", "qwen-plus": "qwen-plus-2025"}
    assert (added["priority"], added["weight"], added["enabled"]) == (5, 3, False)


def test_list_shows_health_in_priority_order(cli):
    cli.ok("provider", "add", "low", "--kind", "zhipu", "--models", "glm-4")
    cli.ok("provider", "add", "high", "--kind", "openai", "--models", "gpt-4o", "--priority",
           "9")
    with cli.bound():
        providers.record_health(providers.get_provider("low").id, healthy=False, failures=4,
                                error="HTTP 503 from upstream")
    rows = cli.json("provider", "list")
    assert [(r["name"], r["health"]) for r in rows] == [("high", "unknown"), ("low", "cooling")]
    assert rows[1]["consecutive_failures"] == 4
    assert rows[1]["last_error"] == "HTTP 503 from upstream"
    lines = cli.ok("provider", "list").out.splitlines()
    assert "HEALTH" in lines[0]
    assert lines[1].startswith("high") and "unknown" in lines[1]
    assert lines[2].startswith("low") and "cooling" in lines[2]


def test_edit_and_remove(cli):
    cli.ok("provider", "add", "ds", "--kind", "deepseek", "--models", "a")
    edited = cli.json("provider", "edit", "ds", "--models", "b,c", "--weight", "7", "--disable")
    assert (edited["models"], edited["weight"], edited["enabled"]) == (["b", "c"], 7, False)
    assert cli.json("provider", "edit", "ds", "--enable")["enabled"] is True
    assert cli.ok("provider", "remove", "ds").out == "removed provider ds\n"
    assert cli.ok("provider", "list").out == "(no providers)\n"


def test_env_var_key_shows_as_present(cli, monkeypatch):
    cli.ok("provider", "add", "ds-main.1", "--kind", "deepseek", "--models", "m")
    monkeypatch.setenv("RELAYDESK_PROVIDER_KEY_DS_MAIN_1", "sk-env")
    assert cli.json("provider", "list")[0]["has_key"] is True


def test_key_without_keyring_is_refused_and_nothing_added(cli):
    message = cli.fails("provider", "add", "ds", "--kind", "deepseek", "--models", "m",
                        "--key-stdin", stdin="sk-secret\n")
    assert "RELAYDESK_PROVIDER_KEY_DS" in message
    assert cli.dump()["provider"] == []


@pytest.mark.keyring
def test_key_from_stdin_goes_to_the_real_keyring(cli, real_keyring):
    name = f"ds-{uuid.uuid4().hex[:8]}"
    secret = f"sk-{uuid.uuid4().hex}"
    added = cli.json("provider", "add", name, "--kind", "deepseek", "--models", "m",
                     "--key-stdin", stdin=secret + "\n")
    try:
        assert added["has_key"] is True
        assert keyring.get_password("RelayDesk", f"provider:{name}") == secret
        assert cli.json("provider", "list")[0]["has_key"] is True
        assert secret not in repr(cli.dump())
        if cli.backend == "sqlite":
            assert files_containing(cli.data_dir, secret.encode()) == []
            assert files_containing(cli.data_dir, name.encode()) != []  # control
        cli.ok("provider", "edit", name, "--key-stdin", stdin="sk-rotated\n")
        assert keystore.get_secret("provider", name) == "sk-rotated"
    finally:
        cli.ok("provider", "remove", name)
    assert keystore.get_secret("provider", name) is None


@pytest.mark.parametrize(("argv", "needle"), [
    (["provider", "add", "ds", "--kind", "openai", "--models", "m"], "already exists"),
    (["provider", "add", "new", "--kind", "deepseek", "--models", " , "], "models"),
    (["provider", "add", "new", "--kind", "deepseek", "--models", "m", "--base-url",
      "ftp://x"], "base URL"),
    (["provider", "add", "new", "--kind", "deepseek", "--models", "m", "--map", "nomap"],
     "alias=upstream"),
    (["provider", "add", "new", "--kind", "deepseek", "--models", "m", "--weight", "0"],
     "weight"),
    (["provider", "add", "bad name", "--kind", "deepseek", "--models", "m"], "provider name"),
    (["provider", "add", "new", "--kind", "deepseek", "--models", "m", "--key-stdin"],
     "no provider key on standard input"),
    (["provider", "edit", "ghost", "--weight", "2"], "ghost"),
    (["provider", "remove", "ghost"], "ghost"),
])
def test_refused_provider_commands(cli, argv, needle):
    cli.ok("provider", "add", "ds", "--kind", "deepseek", "--models", "m")
    assert needle in cli.fails(*argv)


def test_unknown_kind_is_a_usage_error(cli):
    result = cli("provider", "add", "x", "--kind", "anthropic", "--models", "m")
    assert result.code == 2 and "invalid choice" in result.err


def test_price_set_and_list(cli):
    price = cli.json("price", "set", "deepseek-chat", "--input", "2", "--output", "8",
                     "--cached-input", "0.5")
    assert (price["input_micros"], price["cached_input_micros"], price["output_micros"]) == (
        2_000_000, 500_000, 8_000_000)
    assert price["unit"] == "per 1M tokens"
    cli.ok("price", "set", "glm-4", "--input", "0.1", "--output", "0.1")
    rows = cli.json("price", "list")
    assert [(r["model"], r["cached_input_micros"]) for r in rows] == [
        ("deepseek-chat", 500_000), ("glm-4", 100_000)]
    assert_money_is_micros(rows)
    lines = cli.ok("price", "list").out.splitlines()
    assert lines[1].split() == ["deepseek-chat", "2.00", "0.50", "8.00", "-"]  # "-": default
    cli.ok("price", "set", "glm-4", "--input", "0.1", "--output", "0.1", "--max-output", "8192")
    assert [r["max_output_tokens"] for r in cli.json("price", "list")] == [None, 8192]
    assert "8192" in cli.ok("price", "list").out.splitlines()[2].split()
    assert "max output tokens" in cli.fails("price", "set", "glm-4", "--input", "0.1",
                                            "--output", "0.1", "--max-output", "0")
    assert cli.ok("price", "remove", "glm-4").out == "removed price of glm-4\n"
    assert [r["model"] for r in cli.json("price", "list")] == ["deepseek-chat"]


@pytest.mark.parametrize(("argv", "needle"), [
    (["price", "set", "m", "--input", "1.1234567", "--output", "1"], "6 decimal"),
    (["price", "set", "m", "--input", "abc", "--output", "1"], "not a number"),
    (["price", "set", "m", "--input", "-5", "--output", "1"], "positive"),
    (["price", "set", "m", "--input", "1", "--output", "1", "--cached-input", "NaN"], "finite"),
    (["price", "set", "bad model", "--input", "1", "--output", "1"], "model"),
    (["price", "remove", "ghost"], "ghost"),
])
def test_refused_price_commands(cli, argv, needle):
    cli.ok("price", "set", "m", "--input", "1", "--output", "2")
    assert needle in cli.fails(*argv)
