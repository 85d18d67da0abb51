"""app.migrations: fresh databases are stamped; pending migrations run in order, each atomically;
the SQLite file is backed up first; a second run changes nothing."""

import sqlite3
import stat
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from app import accounts, config
from app import db as db_mod
from app.errors import Conflict
from app.migrations import (
    MIGRATIONS,
    Migration,
    current_version,
    latest_version,
    migrate,
)
from app.models import ALL_MODELS, SchemaVersion, User

INITIAL = MIGRATIONS[0]


def tables(db) -> set[str]:
    return set(db.get_tables())


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_db(request, tmp_path):
    """An empty database (no schema yet) bound to the proxy."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    cfg = config.resolve(tmp_path / "data", {"DATABASE_URL": url} if url else {})
    database = db_mod.open_database(cfg)
    yield database
    db_mod.close_database()


def stamp(version: int) -> None:
    """Pretend the bound database is at ``version`` (tests supply their own later steps)."""
    SchemaVersion.update(version=version).execute()


@pytest.fixture
def migrated(any_db):
    """An existing database stamped version 1, with a user in it."""
    accounts.add_user("keepme", "keep@example.com")
    stamp(1)
    return db_mod.database.obj


def add_column_v2(log: list):
    def apply(database):
        log.append(("v2", current_version(database)))
        database.execute_sql("CREATE TABLE extra_v2 (id INTEGER PRIMARY KEY, note TEXT)")
    return Migration(2, "add extra_v2", apply)


def add_table_v3(log: list):
    def apply(database):
        log.append(("v3", current_version(database)))
        database.execute_sql("CREATE TABLE extra_v3 (id INTEGER PRIMARY KEY)")
    return Migration(3, "add extra_v3", apply)


def broken_v3(log: list):
    def apply(database):
        log.append(("broken v3", current_version(database)))
        database.execute_sql("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        database.execute_sql("INSERT INTO half_done (id) VALUES (1)")
        raise RuntimeError("migration 3 failed half way")
    return Migration(3, "broken", apply)


def test_shipped_migrations_are_numbered_from_one():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert latest_version() == len(MIGRATIONS)


def test_fresh_database_gets_schema_and_latest_stamp(fresh_db, tmp_path):
    assert current_version(fresh_db) is None
    log: list = []
    steps = [INITIAL, add_column_v2(log), add_table_v3(log)]
    assert migrate(fresh_db, tmp_path / "backups", migrations=steps) == 3
    assert current_version(fresh_db) == 3
    assert [row.version for row in SchemaVersion.select()] == [3]
    assert {m._meta.table_name for m in ALL_MODELS} <= tables(fresh_db)
    assert log == []  # a fresh database is created at the current schema, not replayed
    assert not (tmp_path / "backups").exists()  # nothing to back up


def test_default_migrations_stamp_latest(fresh_db):
    assert migrate(fresh_db) == latest_version()
    assert migrate(fresh_db) == latest_version()
    assert SchemaVersion.select().count() == 1


def test_a_newer_relaydesks_database_is_refused_untouched(fresh_db):
    """An older RelayDesk (a relay not yet upgraded, a downgraded app) must not write rows of
    a schema it does not know."""
    migrate(fresh_db)
    SchemaVersion.update(version=latest_version() + 1).execute()
    with pytest.raises(Conflict) as refused:
        migrate(fresh_db)
    assert "newer RelayDesk" in refused.value.message
    assert [row.version for row in SchemaVersion.select()] == [latest_version() + 1]


def test_pending_migrations_run_in_order(migrated, tmp_path):
    log: list = []
    steps = [add_table_v3(log), INITIAL, add_column_v2(log)]  # unsorted on purpose
    assert migrate(migrated, tmp_path / "backups", migrations=steps) == 3
    # each ran once, in version order, and saw the previous one's stamp committed
    assert log == [("v2", 1), ("v3", 2)]
    assert current_version(migrated) == 3
    assert {"extra_v2", "extra_v3"} <= tables(migrated)
    assert User.get(User.username == "keepme")  # data kept


def test_failing_migration_leaves_its_version_and_schema_untouched(migrated, tmp_path):
    log: list = []
    with pytest.raises(RuntimeError, match="half way"):
        migrate(migrated, tmp_path / "backups", migrations=[INITIAL, add_column_v2(log),
                                                           broken_v3(log)])
    assert log == [("v2", 1), ("broken v3", 2)]
    assert current_version(migrated) == 2  # v2 committed on its own
    assert "extra_v2" in tables(migrated)
    assert "half_done" not in tables(migrated)  # v3's DDL and data rolled back
    assert [row.version for row in SchemaVersion.select()] == [2]
    # fixed and re-run: only v3 is applied
    log.clear()
    assert migrate(migrated, tmp_path / "backups",
                   migrations=[INITIAL, add_column_v2(log), add_table_v3(log)]) == 3
    assert log == [("v3", 2)]


def test_failing_first_pending_migration_changes_nothing(migrated, tmp_path):
    before = tables(migrated)
    with pytest.raises(RuntimeError):
        migrate(migrated, tmp_path / "b", migrations=[INITIAL, Migration(2, "x", _boom)])
    assert current_version(migrated) == 1
    assert tables(migrated) == before


def _boom(database):
    database.execute_sql("CREATE TABLE never (id INTEGER)")
    raise RuntimeError("boom")


def test_second_run_is_a_no_op(migrated, tmp_path, fake_clock):
    log: list = []
    steps = [INITIAL, add_column_v2(log)]
    backups = tmp_path / "backups"
    assert migrate(migrated, backups, migrations=steps) == 2
    fake_clock.advance(minutes=5)  # a second backup would get a new name
    copies = sorted(backups.glob("*")) if backups.exists() else []
    assert migrate(migrated, backups, migrations=steps) == 2
    assert log == [("v2", 1)]
    assert (sorted(backups.glob("*")) if backups.exists() else []) == copies
    assert [row.version for row in SchemaVersion.select()] == [2]


def test_sqlite_is_backed_up_before_migrating(sqlite_db, tmp_path, fake_clock):
    accounts.add_user("keepme", "keep@example.com")  # lives in the WAL, not yet checkpointed
    stamp(1)
    database = db_mod.database.obj
    assert isinstance(database, SqliteDatabase)
    backups = tmp_path / "backups"
    seen: list[list[Path]] = []

    def v2(db):
        seen.append(sorted(backups.glob("*")))  # the copy exists before the change
        db.execute_sql("CREATE TABLE extra_v2 (id INTEGER PRIMARY KEY)")

    migrate(database, backups, migrations=[INITIAL, Migration(2, "v2", v2)])
    copies = sorted(backups.glob("*"))
    assert seen == [copies]
    assert [p.name for p in copies] == ["pre-migration-v1-20260601-120000.sqlite3"]
    copy = copies[0]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
        assert conn.execute("SELECT username FROM user").fetchall() == [("keepme",)]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "extra_v2" not in names  # the pre-migration state


def test_no_backup_without_backup_dir(sqlite_db, tmp_path):
    stamp(1)
    migrate(db_mod.database.obj, None, migrations=[INITIAL, Migration(2, "noop", lambda d: None)])
    assert current_version(db_mod.database.obj) == 2
    assert list(sqlite_db.data_dir.rglob("*.sqlite3")) == [sqlite_db.sqlite_path]
