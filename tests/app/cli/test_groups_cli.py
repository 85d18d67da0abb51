"""`relaydesk group ...` and `relaydesk user --group` on SQLite and PostgreSQL."""

from tests.app.support import assert_money_is_micros


def test_group_add_list_update_remove(cli):
    result = cli.ok("group", "add", "staff", "--multiplier", "0.8", "--models", "m1, m2",
                    "--description", "the lab")
    assert result.out == "created group staff (multiplier 0.8)\n"
    cli.ok("user", "add", "alice", "--email", "alice@example.com", "--group", "staff")
    rows = cli.json("group", "list")
    assert_money_is_micros(rows)
    assert [(r["name"], r["multiplier"], r["multiplier_ppm"], r["models"], r["user_count"],
             r["description"]) for r in rows] == [
        ("default", "1", 1_000_000, None, 0, None),
        ("staff", "0.8", 800_000, ["m1", "m2"], 1, "the lab")]
    text = cli.ok("group", "list").out.splitlines()
    assert text[0].split() == ["NAME", "MULTIPLIER", "MODELS", "USERS", "DESCRIPTION"]
    assert text[2].split() == ["staff", "0.8", "m1,m2", "1", "the", "lab"]

    updated = cli.json("group", "update", "staff", "--multiplier", "1.333333", "--models", "",
                       "--description", "", "--rename", "team")
    assert (updated["name"], updated["multiplier_ppm"], updated["models"],
            updated["description"], updated["user_count"]) == ("team", 1_333_333, None, None, 1)
    assert "still has 1 user" in cli.fails("group", "remove", "team")
    cli.ok("user", "update", "alice", "--group", "default")
    assert cli.ok("group", "remove", "team").out == "removed group team\n"
    assert [r["name"] for r in cli.json("group", "list")] == ["default"]


def test_refused_group_commands(cli):
    cli.ok("group", "add", "staff")
    assert "6 decimal places" in cli.fails("group", "add", "x", "--multiplier", "0.1234567")
    assert "negative" in cli.fails("group", "add", "x", "--multiplier", "-1")
    assert "at most 100" in cli.fails("group", "update", "staff", "--multiplier", "1000")
    assert "not a number" in cli.fails("group", "add", "x", "--multiplier", "1e3")
    assert "already exists" in cli.fails("group", "add", "staff")
    assert "cannot be removed" in cli.fails("group", "remove", "default")
    assert "cannot be renamed" in cli.fails("group", "update", "default", "--rename", "all")
    assert "no group named" in cli.fails("group", "remove", "nope")
    assert "no group named" in cli.fails("user", "add", "bob", "--email", "bob@example.com",
                                         "--group", "nope")


def test_users_show_and_change_their_group(cli):
    cli.ok("group", "add", "staff", "--multiplier", "1.25")
    cli.ok("user", "add", "alice", "--email", "alice@example.com")
    cli.ok("user", "add", "bob", "--email", "bob@example.com", "--group", "staff")
    assert cli.json("user", "show", "alice")["group"] == "default"
    rows = cli.json("user", "list")
    assert [(r["username"], r["group"]) for r in rows] == [("alice", "default"),
                                                           ("bob", "staff")]
    header, first, _ = cli.ok("user", "list").out.splitlines()
    assert "GROUP" in header.split() and "default" in first.split()
    edited = cli.json("user", "edit", "alice", "--group", "staff")
    assert edited["group"] == "staff"
