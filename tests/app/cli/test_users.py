"""`relaydesk user ...` on SQLite and PostgreSQL."""

import pytest

from app import passwords
from app.models import User
from tests.app.support import assert_money_is_micros


def test_add_and_show(cli):
    result = cli.ok("user", "add", "alice", "--email", "alice@example.com", "--phone",
                    "+86 13800000000")
    assert result.out == "created user alice (id 1)\n"
    shown = cli.json("user", "show", "alice")
    assert {k: shown[k] for k in ("id", "username", "email", "phone", "status", "role")} == {
        "id": 1, "username": "alice", "email": "alice@example.com",
        "phone": "+86 13800000000", "status": "active", "role": "user"}
    assert shown["balance_micros"] == 0
    assert shown["has_password"] is False
    assert "password_hash" not in shown
    assert_money_is_micros(shown)
    text = cli.ok("user", "show", "alice").out
    assert "\nbalance          0.00\n" in text and "_micros" not in text  # units, plainly labelled


def test_add_json(cli):
    created = cli.json("user", "add", "bob", "--email", "bob@example.com")
    assert (created["username"], created["balance_micros"]) == ("bob", 0)
    assert created["created_at"].endswith("Z")


def test_password_from_stdin(cli):
    cli.ok("user", "add", "alice", "--email", "a@example.com", "--password-stdin",
           stdin="s3cret pass\nignored second line\n")
    assert cli.json("user", "show", "alice")["has_password"] is True
    with cli.bound():
        hashed = User.get(User.username == "alice").password_hash
    assert hashed.startswith("$2b$")
    assert passwords.verify_password("s3cret pass", hashed)


def test_password_over_72_bytes_is_refused(cli):
    message = cli.fails("user", "add", "alice", "--email", "a@example.com", "--password-stdin",
                        stdin="ü" * 40 + "\n")
    assert "72" in message


def test_missing_password_on_stdin(cli):
    message = cli.fails("user", "add", "alice", "--email", "a@example.com", "--password-stdin",
                        stdin="")
    assert "no password on standard input" in message


def test_list_and_search(cli):
    cli.ok("user", "add", "zoe", "--email", "zoe@corp.example")
    cli.ok("user", "add", "adam", "--email", "adam@home.example")
    rows = cli.json("user", "list")
    assert [r["username"] for r in rows] == ["adam", "zoe"]
    assert_money_is_micros(rows)
    assert [r["username"] for r in cli.json("user", "list", "--search", "corp")] == ["zoe"]
    lines = cli.ok("user", "list").out.splitlines()
    assert lines[0].split() == ["ID", "USERNAME", "EMAIL", "PHONE", "GROUP", "STATUS",
                                "BALANCE", "CREATED"]
    assert [line.split()[1] for line in lines[1:]] == ["adam", "zoe"]
    assert cli.ok("user", "list", "--search", "nobody").out == "(no users)\n"


def test_edit(cli):
    cli.ok("user", "add", "alice", "--email", "a@example.com", "--phone", "+8613800000")
    cli.ok("user", "edit", "alice", "--email", "new@example.com")
    shown = cli.json("user", "show", "alice")
    assert (shown["email"], shown["phone"]) == ("new@example.com", "+8613800000")
    cli.ok("user", "edit", "alice", "--phone", "")
    assert cli.json("user", "show", "alice")["phone"] is None


def test_edit_password(cli):
    cli.ok("user", "add", "alice", "--email", "a@example.com")
    cli.ok("user", "edit", "alice", "--password-stdin", stdin="second pass 42\n")
    with cli.bound():
        assert passwords.verify_password("second pass 42",
                                         User.get(User.username == "alice").password_hash)


def test_disable_enable(cli):
    cli.ok("user", "add", "alice", "--email", "a@example.com")
    assert cli.ok("user", "disable", "alice").out == "user alice is now disabled\n"
    assert cli.json("user", "show", "alice")["status"] == "disabled"
    assert cli.json("user", "enable", "alice")["status"] == "active"


@pytest.mark.parametrize("argv", [
    ["user", "show", "ghost"],
    ["user", "edit", "ghost", "--email", "g@example.com"],
    ["user", "disable", "ghost"],
    ["user", "enable", "ghost"],
])
def test_unknown_user(cli, argv):
    cli.ok("user", "add", "alice", "--email", "a@example.com")
    assert "ghost" in cli.fails(*argv)


@pytest.mark.parametrize(("argv", "needle"), [
    (["user", "add", "alice", "--email", "other@example.com"], "already exists"),
    (["user", "add", "x", "--email", "x@example.com"], "Username must be"),
    (["user", "add", "bad name", "--email", "x@example.com"], "Username must be"),
    (["user", "add", "bob", "--email", "not-an-email"], "email"),
    (["user", "add", "bob", "--email", "b@example.com", "--phone", "abc"], "phone"),
    (["user", "edit", "alice", "--email", "broken"], "email"),
])
def test_refused_user_commands(cli, argv, needle):
    cli.ok("user", "add", "alice", "--email", "a@example.com")
    assert needle in cli.fails(*argv)


def test_usage_errors_exit_2(cli):
    result = cli("user", "add", "alice")  # --email is required
    assert result.code == 2
    assert "--email" in result.err
    assert cli("user").code == 2
    assert cli.dump()["user"] == []
