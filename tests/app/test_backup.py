"""app.backup: checked owner-only backups, rotation, the schedule's due(), and restore."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from app import accounts, backup, db, settings
from app.errors import NotFound, ServiceError, ValidationError
from app.models import AuditEvent


def _names(path) -> set[str]:
    conn = sqlite3.connect(str(path))
    try:
        return {row[0] for row in conn.execute("SELECT username FROM user")}
    finally:
        conn.close()


def _integrity(path) -> str:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# --- backup_now / list_backups --------------------------------------------------------------


def test_a_backup_rotated_away_while_listing_is_left_out(sqlite_db, fake_clock, monkeypatch):
    """The scheduler may rotate a backup out between the folder listing and its stat (the GUI
    lists backups while the relay's job runs): the listing leaves it out instead of failing."""
    first = backup.backup_now(sqlite_db, keep=3).path
    fake_clock.advance(hours=1)
    second = backup.backup_now(sqlite_db, keep=3).path
    real_glob = type(first).glob

    def glob_then_rotate(self, pattern):  # type: ignore[no-untyped-def]
        found = list(real_glob(self, pattern))
        first.unlink()
        return iter(found)

    monkeypatch.setattr(type(first), "glob", glob_then_rotate)
    assert [b.path for b in backup.list_backups(sqlite_db)] == [second]


def test_backup_now_is_checked_owner_only_and_keeps_the_newest(sqlite_db, fake_clock):
    accounts.add_user("alice", "alice@example.com")
    written = []
    for _ in range(4):
        written.append(backup.backup_now(sqlite_db, keep=3).path)
        fake_clock.advance(hours=1)
    kept = backup.list_backups(sqlite_db)
    assert [b.path for b in kept] == written[:0:-1]  # newest first, the oldest rotated out
    assert not written[0].exists()
    folder = sqlite_db.data_dir / "backups"
    assert folder.stat().st_mode & 0o777 == 0o700
    for info in kept:
        assert info.path.stat().st_mode & 0o777 == 0o600
        assert _integrity(info.path) == "ok"
        assert _names(info.path) == {"alice"}
        assert info.size == info.path.stat().st_size
    assert AuditEvent.select().where(AuditEvent.action == "backup.create").count() == 4


def test_safety_copies_rotate_so_deleted_users_do_not_live_on(sqlite_db, fake_clock):
    """before-restore and pre-migration copies keep the newest two of each kind; other files in
    the folder are left alone."""
    folder = backup.backup_dir(sqlite_db)
    names = ["before-restore-20260101-000000-000000.sqlite3",
             "before-restore-20260301-000000-000000.sqlite3",
             "before-restore-20260201-000000-000000.sqlite3",
             "pre-migration-v9-20260101-000000.sqlite3",
             "pre-migration-v10-20260102-000000.sqlite3",
             "pre-migration-v11-20260103-000000.sqlite3",
             "notes.txt"]
    for name in names:
        (folder / name).write_bytes(b"x")
    backup.backup_now(sqlite_db)
    left = sorted(p.name for p in folder.iterdir() if not p.name.startswith("relaydesk-"))
    assert left == ["before-restore-20260201-000000-000000.sqlite3",
                    "before-restore-20260301-000000-000000.sqlite3",
                    "notes.txt",
                    "pre-migration-v10-20260102-000000.sqlite3",
                    "pre-migration-v11-20260103-000000.sqlite3"]


def test_backup_keeps_at_least_one(sqlite_db):
    with pytest.raises(ValidationError):
        backup.backup_now(sqlite_db, keep=0)
    assert backup.list_backups(sqlite_db) == []


@pytest.mark.parametrize("any_db", ["postgres"], indirect=True)
def test_postgres_is_told_to_use_pg_dump(any_db, tmp_path):
    assert not any_db.is_sqlite
    for call in (lambda: backup.backup_now(any_db),
                 lambda: backup.restore(any_db, tmp_path / "x.sqlite3"),
                 lambda: backup.restore_and_reopen(any_db, tmp_path / "x.sqlite3")):
        with pytest.raises(backup.BackupUnsupported) as caught:
            call()
        assert "pg_dump" in caught.value.message
    assert backup.list_backups(any_db) == []
    assert backup.due(any_db) is False
    assert not (any_db.data_dir / "backups").exists() or not any(
        (any_db.data_dir / "backups").iterdir())


# --- due ------------------------------------------------------------------------------------


def test_due_follows_the_newest_backup_and_the_interval(sqlite_db, fake_clock):
    assert backup.due(sqlite_db)  # never backed up
    backup.backup_now(sqlite_db)
    assert not backup.due(sqlite_db)
    fake_clock.advance(hours=23, minutes=59)
    assert not backup.due(sqlite_db)
    fake_clock.advance(minutes=1)
    assert backup.due(sqlite_db)
    assert not backup.due(sqlite_db, now=fake_clock.current - timedelta(hours=1))
    aware = (fake_clock.current - timedelta(minutes=1)).replace(tzinfo=UTC)
    assert not backup.due(sqlite_db, now=aware)  # aware times are read as UTC
    settings.set("backup_interval_hours", 48)
    assert not backup.due(sqlite_db)
    settings.set("backup_interval_hours", 1)
    assert backup.due(sqlite_db)
    settings.set("backup_interval_hours", 0)  # off
    assert not backup.due(sqlite_db)


def test_due_ignores_other_backup_files(sqlite_db, fake_clock):
    backup.backup_now(sqlite_db)
    fake_clock.advance(hours=25)
    (sqlite_db.data_dir / "backups" / "before-restore-20990101-000000-000000.sqlite3").touch()
    (sqlite_db.data_dir / "backups" / "pre-migration-v1-20990101-000000.sqlite3").touch()
    assert backup.due(sqlite_db)


def test_backup_settings_validate(sqlite_db):
    assert (settings.get("backup_interval_hours"), settings.get("backup_keep")) == (24, 7)
    with pytest.raises(ValidationError):
        settings.set("backup_interval_hours", -1)
    with pytest.raises(ValidationError):
        settings.set("backup_keep", 0)


# --- restore --------------------------------------------------------------------------------


def test_restore_brings_back_the_backup_and_keeps_the_current_database_aside(
        sqlite_db, fake_clock):
    accounts.add_user("alice", "alice@example.com")
    taken = backup.backup_now(sqlite_db).path
    fake_clock.advance(minutes=5)
    accounts.add_user("bob", "bob@example.com")  # written after the backup
    db.close_database()

    aside = backup.restore(sqlite_db, taken)

    live = sqlite_db.sqlite_path
    assert _names(live) == {"alice"}  # bob is gone
    assert _names(aside) == {"alice", "bob"}  # ... and kept aside
    assert aside.parent == sqlite_db.data_dir / "backups"
    assert aside.name == "before-restore-20260601-120500-000000.sqlite3"
    assert aside.stat().st_mode & 0o777 == 0o600
    assert live.stat().st_mode & 0o777 == 0o600
    assert _integrity(live) == _integrity(aside) == "ok"
    assert not list(sqlite_db.data_dir.glob(".restore-*"))  # no temporary file left
    assert [b.path for b in backup.list_backups(sqlite_db)] == [taken]  # aside is not rotated
    db.open_database(sqlite_db)
    (event,) = AuditEvent.select().where(AuditEvent.action == "backup.restore")
    assert (event.target, event.detail) == (taken.name, {"kept_aside": aside.name})
    assert [u.username for u in accounts.list_users()] == ["alice"]
    # The database runs in WAL mode again once opened the normal way.
    assert db.database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_restore_by_name_and_undo_with_the_aside_copy(sqlite_db, fake_clock):
    accounts.add_user("alice", "alice@example.com")
    taken = backup.backup_now(sqlite_db).path
    accounts.add_user("bob", "bob@example.com")
    db.close_database()
    aside = backup.restore_and_reopen(sqlite_db, taken.name)  # a name in the backups folder
    assert [u.username for u in accounts.list_users()] == ["alice"]  # reopened, restored
    fake_clock.advance(seconds=1)
    backup.restore_and_reopen(sqlite_db, aside)  # undo
    assert {u.username for u in accounts.list_users()} == {"alice", "bob"}


def test_restore_removes_stale_wal_and_shm(sqlite_db):
    accounts.add_user("alice", "alice@example.com")
    taken = backup.backup_now(sqlite_db).path
    accounts.add_user("bob", "bob@example.com")
    db.close_database()
    live = sqlite_db.sqlite_path
    garbage = b"stale" * 1000
    for suffix in ("-wal", "-shm", "-journal"):
        (live.parent / f"{live.name}{suffix}").write_bytes(garbage)
    backup.restore(sqlite_db, taken)
    for suffix in ("-wal", "-shm", "-journal"):
        assert not (live.parent / f"{live.name}{suffix}").exists()
    assert _names(live) == {"alice"} and _integrity(live) == "ok"


def test_restore_refuses_while_the_database_is_open_elsewhere(sqlite_db):
    accounts.add_user("alice", "alice@example.com")
    taken = backup.backup_now(sqlite_db).path
    accounts.add_user("bob", "bob@example.com")
    db.close_database()
    other = sqlite3.connect(str(sqlite_db.sqlite_path))  # e.g. a running relay, idle
    other.execute("SELECT count(*) FROM user").fetchone()
    try:
        with pytest.raises(backup.DatabaseInUse):
            backup.restore(sqlite_db, taken)
    finally:
        other.close()
    assert _names(sqlite_db.sqlite_path) == {"alice", "bob"}
    assert not list((sqlite_db.data_dir / "backups").glob("before-restore-*"))
    assert not list(sqlite_db.data_dir.glob(".restore-*"))


def test_restore_refuses_while_this_process_still_has_it_open(sqlite_db):
    accounts.add_user("alice", "alice@example.com")
    taken = backup.backup_now(sqlite_db).path
    with pytest.raises(backup.DatabaseInUse):
        backup.restore(sqlite_db, taken)  # the caller forgot to close: refused, not corrupted
    assert [u.username for u in accounts.list_users()] == ["alice"]


def test_restore_refuses_a_damaged_or_foreign_file(sqlite_db, tmp_path):
    accounts.add_user("alice", "alice@example.com")
    taken = backup.backup_now(sqlite_db).path
    db.close_database()
    before = sqlite_db.sqlite_path.read_bytes()

    damaged = tmp_path / "damaged.sqlite3"
    with sqlite3.connect(str(taken)) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'user'").fetchone()[0]
    conn.close()
    data = bytearray(taken.read_bytes())
    start = (root - 1) * page  # scribble over the user table's b-tree page
    data[start + 100: start + page] = b"\xff" * (page - 100)
    damaged.write_bytes(bytes(data))
    with pytest.raises(ServiceError) as caught:
        backup.restore(sqlite_db, damaged)
    assert "integrity" in caught.value.message or "not a readable" in caught.value.message

    garbage = tmp_path / "notes.sqlite3"
    garbage.write_bytes(b"not a database at all" * 300)
    with pytest.raises(ValidationError):
        backup.restore(sqlite_db, garbage)

    foreign = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(str(foreign))
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ValidationError, match="not a RelayDesk database"):
        backup.restore(sqlite_db, foreign)

    with pytest.raises(NotFound):
        backup.restore(sqlite_db, tmp_path / "missing.sqlite3")
    with pytest.raises(ValidationError, match="live database"):
        backup.restore(sqlite_db, sqlite_db.sqlite_path)

    assert sqlite_db.sqlite_path.read_bytes() == before
    assert not list((sqlite_db.data_dir / "backups").glob("before-restore-*"))
    assert not list(sqlite_db.data_dir.glob(".restore-*"))


def test_backup_stamp_reads_back_as_utc(sqlite_db, fake_clock):
    info = backup.backup_now(sqlite_db)
    assert backup.taken_at(info) == datetime(2026, 6, 1, 12, 0, 0)
