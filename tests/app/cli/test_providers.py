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


def test_add_says_where_a_key_from_the_environment_comes_from(cli, monkeypatch):
    monkeypatch.setenv("RELAYDESK_PROVIDER_KEY_DS", "sk-env")
    out = cli.ok("provider", "add", "ds", "--kind", "deepseek", "--models", "m").out
    assert "no key stored yet" not in out and "its key comes from RELAYDESK_PROVIDER_KEY_DS" in out
    assert "sk-env" not in out
    assert cli.json("provider", "list")[0]["has_key"] is True


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
      "ftp://x"], "Base URL"),
    (["provider", "add", "new", "--kind", "deepseek", "--models", "m", "--map", "nomap"],
     "Model mapping"),
    (["provider", "add", "new", "--kind", "deepseek", "--models", "m", "--weight", "0"],
     "Weight"),
    (["provider", "add", "bad name", "--kind", "deepseek", "--models", "m"], "Name must be"),
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
    # prices show all six decimals; "-": the default max output
    assert lines[1].split() == ["deepseek-chat", "2.000000", "0.500000", "8.000000", "-"]
    cli.ok("price", "set", "glm-4", "--input", "0.1", "--output", "0.1", "--max-output", "8192")
    assert [r["max_output_tokens"] for r in cli.json("price", "list")] == [None, 8192]
    assert "8192" in cli.ok("price", "list").out.splitlines()[2].split()
    assert "Max output tokens" in cli.fails("price", "set", "glm-4", "--input", "0.1",
                                            "--output", "0.1", "--max-output", "0")
    assert cli.ok("price", "remove", "glm-4").out == "removed price of glm-4\n"
    assert [r["model"] for r in cli.json("price", "list")] == ["deepseek-chat"]


@pytest.mark.parametrize(("argv", "needle"), [
    (["price", "set", "m", "--input", "1.1234567", "--output", "1"], "6 decimal"),
    (["price", "set", "m", "--input", "abc", "--output", "1"], "not a number"),
    (["price", "set", "m", "--input", "-5", "--output", "1"], "Input price cannot be negative"),
    (["price", "set", "m", "--input", "1", "--output", "1", "--cached-input", "NaN"], "finite"),
    (["price", "set", "bad model", "--input", "1", "--output", "1"], "model"),
    (["price", "remove", "ghost"], "ghost"),
])
def test_refused_price_commands(cli, argv, needle):
    cli.ok("price", "set", "m", "--input", "1", "--output", "2")
    assert needle in cli.fails(*argv)


# -- proxy, extra headers, CA bundle (issue 14) ------------------------------------------------

def test_proxy_headers_and_ca_bundle(cli, tmp_path):
    from app import tls
    cert, _ = tls.ensure_self_signed(tmp_path / "ca", [], [])
    added = cli.json("provider", "add", "ds", "--kind", "deepseek", "--models", "m",
                     "--proxy", "socks5h://127.0.0.1:7890", "--header",
                     "OpenAI-Organization: org-1", "--header", "X-Title: RelayDesk",
                     "--ca-bundle", str(cert))
    assert (added["proxy"], added["proxy_auth"], added["ca_bundle"]) == (
        "socks5h://127.0.0.1:7890", False, str(cert))
    assert added["extra_headers"] == {"OpenAI-Organization": "org-1", "X-Title": "RelayDesk"}
    assert cli.json("provider", "list")[0]["proxy"] == "socks5h://127.0.0.1:7890"
    lines = cli.ok("provider", "list").out.splitlines()
    assert "PROXY" in lines[0] and "socks5h://127.0.0.1:7890" in lines[1]
    shown = cli.ok("provider", "show", "ds").out
    assert "OpenAI-Organization=org-1" in shown and str(cert) in shown
    # "update" is "edit"; options left out keep their values
    updated = cli.json("provider", "update", "ds", "--proxy", "system", "--header", "X-A: 1")
    assert (updated["proxy"], updated["extra_headers"], updated["ca_bundle"]) == (
        "system", {"X-A": "1"}, str(cert))
    updated = cli.json("provider", "update", "ds", "--proxy", "none", "--clear-headers",
                       "--ca-bundle", "none")
    assert (updated["proxy"], updated["extra_headers"], updated["ca_bundle"]) == (None, {},
                                                                                  None)
    assert cli.json("provider", "edit", "ds", "--proxy", "http://proxy.corp")["proxy"] == \
        "http://proxy.corp:80"


@pytest.mark.parametrize(("argv", "needle"), [
    (["--proxy", "ftp://h:1"], "Proxy must be"),
    (["--proxy", "127.0.0.1:7890"], "Proxy must be"),
    (["--header", "Authorization: Bearer sk-x"], "API key has its own field"),
    (["--header", "no colon"], "Name: value"),
    (["--ca-bundle", "/nonexistent/ca.pem"], "is not a file"),
    (["--proxy", "http://alice:proxy-secret-9@h:3128"], "keyring"),
    (["--proxy-stdin", "--key-stdin"], "both read stdin"),
])
def test_refused_network_options(cli, argv, needle):
    cli.ok("provider", "add", "ds", "--kind", "deepseek", "--models", "m")
    before = cli.dump()
    message = cli.fails("provider", "add", "new", "--kind", "deepseek", "--models", "m", *argv,
                        stdin="http://h:1\nsk-x\n")
    assert needle in message and "proxy-secret-9" not in message
    assert needle in cli.fails("provider", "update", "ds", *argv, stdin="http://h:1\nsk-x\n")
    assert cli.dump() == before


def test_clear_headers_with_header_is_refused(cli):
    cli.ok("provider", "add", "ds", "--kind", "deepseek", "--models", "m", "--header", "X-A: 1")
    assert "contradict" in cli.fails("provider", "update", "ds", "--clear-headers", "--header",
                                     "X-B: 2")
    assert cli.json("provider", "show", "ds")["extra_headers"] == {"X-A": "1"}


@pytest.mark.keyring
def test_proxy_password_is_never_shown(cli, real_keyring):
    name = f"ds-{uuid.uuid4().hex[:8]}"
    password = f"pp-{uuid.uuid4().hex}"
    cli.ok("provider", "add", name, "--kind", "deepseek", "--models", "m", "--proxy-stdin",
           stdin=f"http://alice:{password}@127.0.0.1:3128\n")
    try:
        with cli.bound():
            assert providers.proxy_url(name) == f"http://alice:{password}@127.0.0.1:3128"
        for argv in (["provider", "list"], ["provider", "show", name],
                     ["--json", "provider", "list"], ["--json", "provider", "show", name]):
            out = cli.ok(*argv).out
            assert "alice:***@127.0.0.1:3128" in out and password not in out
        assert cli.json("provider", "show", name)["proxy_auth"] is True
        assert password not in repr(cli.dump())
        if cli.backend == "sqlite":
            assert files_containing(cli.data_dir, password.encode()) == []
        # the masked form typed back keeps the password
        cli.ok("provider", "update", name, "--proxy", "http://alice:***@127.0.0.1:3129")
        with cli.bound():
            assert providers.proxy_url(name) == f"http://alice:{password}@127.0.0.1:3129"
    finally:
        cli.ok("provider", "remove", name)
    assert keystore.get_secret(providers.PROXY_SECRET_KIND, name) is None
