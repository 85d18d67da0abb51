"""`relaydesk backup [now|list]` and `relaydesk restore FILE --yes`; PostgreSQL is told to use
pg_dump."""

import sqlite3
from pathlib import Path

import pytest

from app import accounts

sqlite_only = pytest.mark.parametrize("cli", ["sqlite"], indirect=True)


def _usernames(path: Path) -> set[str]:
    conn = sqlite3.connect(str(path))
    try:
        return {row[0] for row in conn.execute("SELECT username FROM user")}
    finally:
        conn.close()


@sqlite_only
def test_backup_prints_the_path_of_an_owner_only_copy(cli, fake_clock):
    cli.ok("user", "add", "alice", "--email", "alice@example.com")
    out = cli.ok("backup").out
    path = Path(out.strip())
    assert out == f"{path}\n"  # only the path: `cp "$(relaydesk backup)" ...` works
    assert path.parent == cli.data_dir / "backups" and path.is_file()
    assert path.stat().st_mode & 0o777 == 0o600
    assert _usernames(path) == {"alice"}
    fake_clock.advance(hours=1)
    doc = cli.json("backup", "now")
    assert Path(doc["path"]).is_file() and doc["size_bytes"] == Path(doc["path"]).stat().st_size
    assert doc["taken_at"] == "2026-06-01 13:00:00"


@sqlite_only
def test_backup_list_newest_first_and_keep(cli, fake_clock):
    assert cli.ok("backup", "list").out == "(no backups yet)\n"
    paths = []
    for _ in range(3):
        paths.append(cli.json("backup")["path"])
        fake_clock.advance(hours=1)
    listed = cli.json("backup", "list")
    assert [row["path"] for row in listed] == paths[::-1]
    text = cli.ok("backup", "list").out.splitlines()
    assert text[0].split() == ["NAME", "BYTES", "TAKEN", "(UTC)"]
    assert text[1].startswith(Path(paths[-1]).name)
    cli.ok("settings", "set", "backup_keep", "2")
    newest = cli.json("backup")["path"]  # the setting decides how many stay
    assert [row["path"] for row in cli.json("backup", "list")] == [newest, paths[-1]]
    fake_clock.advance(hours=1)
    only = cli.json("backup", "--keep", "1")["path"]
    assert [row["path"] for row in cli.json("backup", "list")] == [only]
    assert "at least one" in cli.fails("backup", "--keep", "0")


def test_postgres_is_told_to_use_pg_dump(cli, tmp_path):
    if cli.backend == "sqlite":
        assert cli.ok("backup").out.strip().endswith(".sqlite3")
        return
    for argv in (("backup",), ("backup", "now"), ("backup", "list"),
                 ("restore", str(tmp_path / "x.sqlite3"), "--yes")):
        message = cli.fails(*argv)
        assert "pg_dump" in message, argv
    assert not (cli.data_dir / "backups").exists() or not any(
        (cli.data_dir / "backups").iterdir())


def test_usage_errors(cli):
    assert cli("backup", "later").code == 2
    assert cli("restore").code == 2


@sqlite_only
def test_restore_needs_yes_then_restores_and_keeps_the_current_database_aside(cli, fake_clock):
    cli.ok("user", "add", "alice", "--email", "alice@example.com")
    taken = Path(cli.json("backup")["path"])
    fake_clock.advance(minutes=10)
    cli.ok("user", "add", "bob", "--email", "bob@example.com")

    message = cli.fails("restore", taken.name)
    assert "--yes" in message and taken.name in message

    result = cli.ok("restore", taken.name, "--yes")
    aside = cli.data_dir / "backups" / "before-restore-20260601-121000-000000.sqlite3"
    assert result.out.startswith(f"restored {taken.name} into ")
    assert str(aside) in result.out
    assert [u["username"] for u in cli.json("user", "list")] == ["alice"]
    assert _usernames(aside) == {"alice", "bob"}
    assert aside.stat().st_mode & 0o777 == 0o600
    with cli.bound():
        from app.models import AuditEvent
        (event,) = AuditEvent.select().where(AuditEvent.action == "backup.restore")
        assert (event.actor, event.target) == ("cli", taken.name)
        assert accounts.get_user("alice").email == "alice@example.com"

    fake_clock.advance(minutes=1)
    doc = cli.json("restore", str(aside), "--yes")  # undo, by path
    assert doc["restored_from"] == str(aside) and doc["database"].endswith("relaydesk.sqlite3")
    assert {u["username"] for u in cli.json("user", "list")} == {"alice", "bob"}


@sqlite_only
def test_restore_refuses_while_the_database_is_open_elsewhere(cli):
    cli.ok("user", "add", "alice", "--email", "alice@example.com")
    taken = cli.json("backup")["path"]
    cli.ok("user", "add", "bob", "--email", "bob@example.com")
    relay = sqlite3.connect(str(cli.data_dir / "relaydesk.sqlite3"))  # a running relay, idle
    relay.execute("SELECT count(*) FROM user").fetchone()
    try:
        message = cli.fails("restore", taken, "--yes")
    finally:
        relay.close()
    assert "still open" in message
    assert not list((cli.data_dir / "backups").glob("before-restore-*"))


@sqlite_only
def test_restore_refuses_while_the_desktop_app_holds_the_data_folder(cli):
    from PySide6.QtCore import QLockFile

    taken = cli.json("backup")["path"]
    lock = QLockFile(str(cli.data_dir / "relaydesk.lock"))  # as gui.main.instance_lock does
    assert lock.tryLock(200)
    try:
        assert "window is open" in cli.fails("restore", taken, "--yes")
    finally:
        lock.unlock()
    stale = cli.data_dir / "relaydesk.lock"
    stale.write_text("999999\nrelaydesk\nelsewhere\n")  # left by a crash: not held
    cli.ok("restore", taken, "--yes")


@sqlite_only
def test_restore_refuses_a_missing_or_foreign_file(cli, tmp_path):
    assert "no backup file" in cli.fails("restore", "nope.sqlite3", "--yes")
    foreign = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(str(foreign))
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert "not a RelayDesk database" in cli.fails("restore", str(foreign), "--yes")
