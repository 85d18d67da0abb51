"""`relaydesk logs` and `relaydesk settings` on SQLite and PostgreSQL."""

from datetime import datetime

import pytest

from app import accounts, requestlog
from tests.app.support import assert_money_is_micros


@pytest.fixture
def logged(cli, fake_clock):
    """Three logged requests: alice/glm-4 (May 30), alice/deepseek (Jun 1), bob/deepseek."""
    with cli.bound():
        alice = accounts.add_user("alice", "alice@example.com")
        bob = accounts.add_user("bob", "bob@example.com")
        requestlog.insert_many([
            {"request_id": "r1", "user": alice.id, "username": "alice", "model": "glm-4",
             "provider": "zhipu", "prompt_tokens": 10, "completion_tokens": 5,
             "cost_micros": 1_500, "created_at": datetime(2026, 5, 30, 8)},
            {"request_id": "r2", "user": alice.id, "username": "alice",
             "model": "deepseek-chat", "provider": "ds", "prompt_tokens": 1000,
             "cached_tokens": 200, "completion_tokens": 500, "cost_micros": 5_700,
             "created_at": datetime(2026, 6, 1, 9)},
            {"request_id": "r3", "user": bob.id, "username": "bob", "model": "deepseek-chat",
             "status": 502, "error_code": "upstream_error", "cost_micros": 0,
             "created_at": datetime(2026, 6, 1, 10)},
        ])
    return cli


def ids(rows):
    return [r["request_id"] for r in rows]


def test_logs_newest_first(logged):
    rows = logged.json("logs")
    assert ids(rows) == ["r3", "r2", "r1"]
    assert rows[1]["cost_micros"] == 5_700
    assert (rows[1]["prompt_tokens"], rows[1]["cached_tokens"]) == (1000, 200)
    assert_money_is_micros(rows)
    lines = logged.ok("logs").out.splitlines()
    assert lines[0].split()[:4] == ["ID", "TIME", "USER", "MODEL"]
    assert "0.0057" in lines[2]  # cost shown as money


def test_logs_filters(logged):
    assert ids(logged.json("logs", "--user", "alice")) == ["r2", "r1"]
    assert ids(logged.json("logs", "--model", "deepseek-chat")) == ["r3", "r2"]
    assert ids(logged.json("logs", "--since", "2026-06-01")) == ["r3", "r2"]
    assert ids(logged.json("logs", "--since", "2026-06-01T09:30:00Z")) == ["r3"]
    assert ids(logged.json("logs", "--limit", "1")) == ["r3"]
    assert ids(logged.json("logs", "--user", "alice", "--model", "glm-4")) == ["r1"]
    assert logged.json("logs", "--user", "nobody") == []
    assert logged.ok("logs", "--user", "nobody").out == "(no requests logged)\n"


@pytest.mark.parametrize(("argv", "needle"), [
    (["logs", "--since", "yesterday"], "since"),
    (["logs", "--since", "2026-13-01"], "since"),
    (["logs", "--limit", "0"], "limit"),
    (["logs", "--limit", "100001"], "limit"),
])
def test_refused_log_queries(logged, argv, needle):
    assert needle in logged.fails(*argv)


def test_settings_list_defaults(cli):
    values = cli.json("settings", "list")
    assert values["log_retention_days"] == 90
    assert values["payment_retention_days"] == 365
    assert values["currency"] == "CNY"
    text = cli.ok("settings", "list").out
    assert text.splitlines()[0].split() == ["KEY", "VALUE", "DESCRIPTION"]
    assert any(line.split()[:2] == ["log_retention_days", "90"] for line in text.splitlines())


def test_settings_set(cli):
    assert cli.ok("settings", "set", "log_retention_days", "30").out == (
        "log_retention_days = 30\n")
    assert cli.json("settings", "set", "currency", "usd") == {"currency": "USD"}
    assert cli.json("settings", "set", "admin_ip_whitelist", "10.0.0.1,::1") == {
        "admin_ip_whitelist": ["10.0.0.1/32", "::1/128"]}
    values = cli.json("settings", "list")
    assert (values["log_retention_days"], values["currency"]) == (30, "USD")


@pytest.mark.parametrize(("argv", "needle"), [
    (["settings", "set", "log_retention_days", "0"], "between 1 and 3650"),
    (["settings", "set", "log_retention_days", "ninety"], "whole number"),
    (["settings", "set", "relay_port", "70000"], "Relay port must be between 0 and 65535"),
    (["settings", "set", "language", "fr"], "one of"),
    (["settings", "set", "admin_ip_whitelist", "10.0.0.0/33"],
     "Admin IP allow-list: '10.0.0.0/33' is not an IP address or network"),
])
def test_refused_settings(cli, argv, needle):
    cli.ok("settings", "set", "log_retention_days", "45")
    assert needle in cli.fails(*argv)


def test_unknown_setting_is_a_usage_error(cli):
    result = cli("settings", "set", "nope", "1")
    assert result.code == 2 and "invalid choice" in result.err
    assert cli.dump()["setting"] == []
