"""`relaydesk key ...` on SQLite and PostgreSQL."""

import re

import pytest

from app import apikeys
from tests.app.support import files_containing


@pytest.fixture
def alice(cli, fake_clock):
    cli.ok("user", "add", "alice", "--email", "alice@example.com")
    return cli


def test_create_prints_the_key_once(alice):
    created = alice.json("key", "create", "alice", "--name", "laptop")
    assert isinstance(created["id"], int)
    assert re.fullmatch(r"sk-rd-[A-Za-z0-9_\-]{43}", created["key"])
    assert created["prefix"] == "sk-…" + created["key"][-4:]
    assert (created["username"], created["name"], created["status"]) == (
        "alice", "laptop", "active")
    listed = alice.json("key", "list")
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0]
    assert created["key"] not in alice.ok("key", "list").out
    with alice.bound():
        info = apikeys.lookup(created["key"])
    assert (info.key_id, info.username) == (created["id"], "alice")
    if alice.backend == "sqlite":
        assert files_containing(alice.data_dir, created["key"][6:].encode()) == []


def test_create_text_output(alice):
    out = alice.ok("key", "create", "alice").out
    key = out.splitlines()[0]
    assert key.startswith("sk-rd-")
    assert "Key 1 for alice" in out and "not shown again" in out


def test_restrictions(alice):
    created = alice.json("key", "create", "alice", "--models", "deepseek-chat, glm-4",
                         "--allow-ip", "10.0.0.0/8", "--allow-ip", "192.168.1.7",
                         "--expires", "2026-12-31")
    assert created["allowed_models"] == ["deepseek-chat", "glm-4"]
    assert created["allowed_cidrs"] == ["10.0.0.0/8", "192.168.1.7/32"]
    assert created["expires_at"] == "2027-01-01T00:00:00Z"  # works through Dec 31 (UTC)
    with alice.bound():
        info = apikeys.lookup(created["key"])
    assert info.allows_model("glm-4") and not info.allows_model("gpt-4o")
    assert info.allows_ip("10.2.3.4") and not info.allows_ip("192.168.1.8")
    table = alice.ok("key", "list", "alice").out
    assert "deepseek-chat,glm-4" in table and "10.0.0.0/8,192.168.1.7/32" in table


def test_list_by_user_and_revoke(alice):
    alice.ok("user", "add", "bob", "--email", "bob@example.com")
    a = alice.json("key", "create", "alice")["id"]
    b = alice.json("key", "create", "bob")["id"]
    assert [k["id"] for k in alice.json("key", "list", "bob")] == [b]
    assert alice.ok("key", "revoke", str(a)).out.startswith(f"key {a} (sk-…")
    statuses = {k["id"]: k["status"] for k in alice.json("key", "list")}
    assert statuses == {a: "revoked", b: "active"}
    assert "revoked" in alice.ok("key", "list", "alice").out
    assert "revoked" not in alice.ok("key", "list", "bob").out


def test_empty_list(alice):
    assert alice.ok("key", "list").out == "(no keys)\n"
    assert alice.json("key", "list") == []


@pytest.mark.parametrize(("argv", "needle"), [
    (["key", "create", "ghost"], "ghost"),
    (["key", "create", "alice", "--allow-ip", "10.0.0.0/33"], "not an IP address or network"),
    (["key", "create", "alice", "--allow-ip", "not-an-ip"], "not an IP address or network"),
    (["key", "create", "alice", "--expires", "2026-02-30"], "YYYY-MM-DD"),
    (["key", "create", "alice", "--expires", "31/12/2026"], "YYYY-MM-DD"),
    (["key", "create", "alice", "--expires", "2020-01-01"], "past"),
    (["key", "create", "alice", "--name", "n" * 65], "Name must be 1-64"),
    (["key", "revoke", "999"], "999"),
    (["key", "list", "ghost"], "ghost"),
])
def test_refused_key_commands(alice, argv, needle):
    alice.ok("key", "create", "alice")
    assert needle in alice.fails(*argv)


def test_non_numeric_id_is_a_usage_error(alice):
    before = alice.dump()
    result = alice("key", "revoke", "abc")
    assert result.code == 2 and "invalid int value" in result.err
    assert alice.dump() == before


def test_rate_limits_on_create_update_and_list(alice):
    plain = alice.json("key", "create", "alice", "--name", "plain")
    assert (plain["rpm_limit"], plain["tpm_limit"], plain["concurrency_limit"]) == (
        None, None, None)
    created = alice.json("key", "create", "alice", "--rpm", "60", "--tpm", "100000",
                         "--concurrency", "0")
    assert (created["rpm_limit"], created["tpm_limit"], created["concurrency_limit"]) == (
        60, 100_000, 0)
    with alice.bound():
        info = apikeys.lookup(created["key"])
    assert (info.rpm_limit, info.tpm_limit, info.concurrency_limit) == (60, 100_000, 0)
    table = alice.ok("key", "list").out
    header, first, second = table.splitlines()
    assert "RPM" in header and "TPM" in header and "CONCURRENT" in header
    assert first.count("default") == 3
    assert " 60 " in second and " 100000 " in second and " unlimited " in second
    key_id = str(created["id"])
    out = alice.ok("key", "update", key_id, "--rpm", "default", "--concurrency", "4").out
    assert out == (f"key {key_id} ({created['prefix']}): default requests per minute, "
                   "100000 tokens per minute, 4 concurrent requests\n")
    updated = alice.json("key", "update", key_id, "--tpm", "DEFAULT")
    assert (updated["rpm_limit"], updated["tpm_limit"], updated["concurrency_limit"]) == (
        None, None, 4)
    listed = {k["id"]: k for k in alice.json("key", "list")}
    assert listed[created["id"]]["concurrency_limit"] == 4
    assert listed[plain["id"]]["rpm_limit"] is None


@pytest.mark.parametrize(("argv", "needle"), [
    (["key", "create", "alice", "--rpm", "-1"], "between 0"),
    (["key", "create", "alice", "--tpm", "lots"], "whole number"),
    (["key", "create", "alice", "--concurrency", "10001"], "10000"),
    (["key", "update", "1", "--rpm", "1000001"], "between 0"),
    (["key", "update", "999", "--rpm", "5"], "999"),
])
def test_refused_rate_limits(alice, argv, needle):
    alice.ok("key", "create", "alice")
    assert needle in alice.fails(*argv)
