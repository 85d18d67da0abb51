"""app.db: SQLite really runs with WAL, foreign keys and a busy timeout; PostgreSQL by URL."""

import os
import sqlite3
import threading

import pytest
from peewee import IntegrityError, PostgresqlDatabase, SqliteDatabase

from app import config, runtime
from app import db as db_mod
from app.db import database
from app.errors import ServiceError
from app.models import ApiKey


def pragma(name: str):
    return database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def test_sqlite_pragmas_are_applied(sqlite_db):
    assert isinstance(database.obj, SqliteDatabase)
    assert database.obj.database == str(sqlite_db.sqlite_path)
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 10_000
    assert pragma("synchronous") == 1  # NORMAL
    assert not db_mod.is_postgres()


def test_pragmas_apply_to_every_thread_connection(sqlite_db):
    seen = {}

    def worker():
        try:
            seen["fk"], seen["busy"] = pragma("foreign_keys"), pragma("busy_timeout")
        finally:
            database.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)
    assert seen == {"fk": 1, "busy": 10_000}


def test_foreign_keys_are_enforced(sqlite_db):
    with pytest.raises(IntegrityError):
        ApiKey.create(user=424242, key_hash="0" * 64, prefix="sk-…0000")
    assert ApiKey.select().count() == 0


def test_wal_file_is_used(sqlite_db):
    ApiKey.select().count()
    database.execute_sql("CREATE TABLE t (x INTEGER)")
    assert sqlite_db.sqlite_path.with_name("relaydesk.sqlite3-wal").exists()


def test_postgres_by_url(tmp_path, postgres_url):
    cfg = config.resolve(tmp_path / "d", {"DATABASE_URL": postgres_url})
    opened = db_mod.open_database(cfg)
    assert isinstance(opened, PostgresqlDatabase)
    assert database.obj is opened
    assert db_mod.is_postgres()
    assert database.execute_sql("SELECT 41 + 1").fetchone() == (42,)
    assert not (tmp_path / "d" / "relaydesk.sqlite3").exists()


def test_postgres_scheme_alias_is_accepted(tmp_path, postgres_url):
    assert postgres_url.startswith("postgresql://")
    alias = "postgres://" + postgres_url[len("postgresql://"):]
    cfg = config.resolve(tmp_path / "d", {"DATABASE_URL": alias})
    assert isinstance(db_mod.open_database(cfg), PostgresqlDatabase)
    assert database.execute_sql("SELECT current_database()").fetchone()[0] == \
        postgres_url.rsplit("/", 1)[1]


def test_other_database_urls_are_refused(tmp_path):
    cfg = config.resolve(tmp_path / "d", {"DATABASE_URL": "mysql://u@localhost/relay"})
    with pytest.raises((ValueError, ServiceError), match="postgresql://"):
        db_mod.open_database(cfg)


def test_close_database_is_idempotent(sqlite_db):
    db_mod.close_database()
    assert database.is_closed()
    db_mod.close_database()


def _mode(path) -> int:  # type: ignore[no-untyped-def]
    return os.stat(path).st_mode & 0o777


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_database_and_wal_files_are_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask, which made them 0644
    try:
        cfg = runtime.start(tmp_path / "data", environ={})
        ApiKey.select().count()
        database.execute_sql("CREATE TABLE t (x)")  # a write: the WAL and SHM files exist now
        path = cfg.sqlite_path
        assert [_mode(f"{path}{s}") for s in ("", "-wal", "-shm")] == [0o600] * 3
    finally:
        os.umask(old)
        db_mod.close_database()


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_files_created_readable_by_others_are_made_owner_only_at_open(tmp_path):
    cfg = runtime.start(tmp_path / "data", environ={})
    database.execute_sql("CREATE TABLE t (x)")
    path = cfg.sqlite_path
    for suffix in ("", "-wal", "-shm"):
        os.chmod(f"{path}{suffix}", 0o644)  # as an earlier version left them
    other = sqlite3.connect(str(path))  # keeps the WAL in place while the app reopens
    try:
        db_mod.close_database()
        runtime.start(tmp_path / "data", environ={})
        assert [_mode(f"{path}{s}") for s in ("", "-wal", "-shm")] == [0o600] * 3
    finally:
        other.close()
        db_mod.close_database()


def test_a_damaged_file_is_named_with_the_restore_command(tmp_path):
    cfg = runtime.start(tmp_path / "data", environ={})
    db_mod.close_database()
    with open(cfg.sqlite_path, "r+b") as handle:
        handle.write(b"\x00not sqlite" * 100)
    with pytest.raises(db_mod.DatabaseDamaged) as info:
        runtime.start(tmp_path / "data", environ={})
    assert info.value.message == (
        f"the database {cfg.sqlite_path} is damaged (file is not a database); restore a backup "
        "with: relaydesk restore FILE --yes  (relaydesk backup list shows them)")
    db_mod.close_database()


def test_other_database_errors_are_not_called_damage(sqlite_db):
    with pytest.raises(Exception) as info:
        database.execute_sql("SELECT * FROM no_such_table")
    assert db_mod.damage_reason(info.value) is None
    assert db_mod.as_damage(sqlite_db, info.value) is None
