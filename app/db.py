"""The database handle: a peewee proxy bound at start-up to SQLite (WAL) or PostgreSQL."""

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, cast

from peewee import BaseQuery, Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url

from app.config import Config
from app.errors import ServiceError, ValidationError

log = logging.getLogger(__name__)

database = DatabaseProxy()
# While app/quickwrite.py has a transaction open on its own SQLite connection, app/sql.py runs
# statements there and the transaction helpers below join that transaction.
direct: ContextVar[sqlite3.Connection | None] = ContextVar("relaydesk_direct", default=None)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    # WAL + NORMAL is durable across application crashes (kill -9); only an OS crash may lose
    # the last commits. Balances are also kept consistent by transactions either way.
    "synchronous": "normal",
    "cache_size": -16_000,
    # Checkpoints copy the log back into the file. The relay does that every second on a thread
    # of its own (relay/checkpoint.py); committing connections only step in past ~40 MB of log,
    # so the pages every hold rewrites are copied once per checkpoint, not once per commit batch.
    "wal_autocheckpoint": 10_000,
}


SIDE_FILES = ("-wal", "-shm", "-journal")


class DatabaseDamaged(ServiceError):
    """The SQLite file cannot be read as a database; the message says how to restore one."""

    code = "database_damaged"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__("the database {path} is damaged ({reason}); restore a backup with: "
                         "relaydesk restore FILE --yes  (relaydesk backup list shows them)",
                         path=str(path), reason=reason)
        self.path = path
        self.reason = reason


def damage_reason(exc: BaseException) -> str | None:
    """SQLite's words if ``exc`` (or what it wraps) says the file is corrupt or not a database;
    ``None`` for every other error (locked, constraint, I/O...), which restoring would not fix."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, sqlite3.DatabaseError):
            name = getattr(item, "sqlite_errorname", "") or ""
            if name == "SQLITE_NOTADB" or name.startswith("SQLITE_CORRUPT"):
                return str(item)
        todo.extend((item.__cause__, item.__context__, *item.args[:1]))
    return None


def as_damage(config: Config, exc: BaseException) -> DatabaseDamaged | None:
    """``exc`` as :class:`DatabaseDamaged` when it means the SQLite file is damaged."""
    if isinstance(exc, DatabaseDamaged):
        return exc
    reason = damage_reason(exc) if config.is_sqlite else None
    return None if reason is None else DatabaseDamaged(config.sqlite_path, reason)


def owner_only(path: Path) -> None:
    """Make the database file and its WAL/SHM/journal files readable by the owner only.

    SQLite gives the side files the main file's mode, so creating that 0600 covers new ones;
    the chmod fixes files created by earlier versions (0644 under the usual umask).
    """
    if os.name == "nt":  # no POSIX modes; the data folder's ACL is the guard there
        return
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for name in ("", *SIDE_FILES):
        try:
            os.chmod(f"{path}{name}", 0o600)
        except FileNotFoundError:
            continue


def open_sqlite(path: Path) -> SqliteDatabase:
    """Open (creating, owner-only) the SQLite file with the pragmas RelayDesk relies on."""
    owner_only(path)
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def open_database(config: Config) -> Database:
    """Create the concrete database for ``config`` and bind the proxy to it."""
    if config.is_sqlite:
        db: Database = open_sqlite(config.sqlite_path)
    else:
        assert config.database_url is not None
        url = config.database_url
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if not url.startswith("postgresql://"):
            raise ValidationError("DATABASE_URL must be a postgresql:// URL (or unset for the "
                                  "SQLite file in the data folder)", param="DATABASE_URL")
        db = connect_url(url)
    database.initialize(db)
    from app import changefeed  # imports this module

    changefeed.install(db)  # PostgreSQL: emits reach the other processes; SQLite: removed
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:
        damaged = as_damage(config, exc)
        if damaged is None:
            raise
        db.close()
        raise damaged from None
    return db


def close_database() -> None:
    """Close the bound database's connection for this thread, if any."""
    if database.obj is not None and not database.is_closed():
        database.close()


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def write_transaction() -> AbstractContextManager[object]:
    """A transaction that takes the write lock up front.

    On SQLite a deferred transaction that reads before it writes fails with SQLITE_BUSY (no
    retry) when another connection committed meanwhile; ``BEGIN IMMEDIATE`` waits its turn via
    busy_timeout instead. Nested calls become savepoints.
    """
    if direct.get() is not None:
        return contextlib.nullcontext()  # app/quickwrite.py's transaction is already open
    if isinstance(database.obj, SqliteDatabase):
        return database.atomic("IMMEDIATE")
    return database.atomic()


def joined_transaction() -> AbstractContextManager[object]:
    """Join the caller's transaction, or start one: no SAVEPOINT round trips on hot paths.

    Only for steps that either fully succeed or raise before writing anything, so a failure
    never needs a partial rollback inside the caller's transaction.
    """
    if direct.get() is not None or database.in_transaction():
        return contextlib.nullcontext()
    return write_transaction()


def tuples(query: BaseQuery) -> Iterator[tuple[Any, ...]]:
    """``query``'s rows as tuples. peewee's stubs type ``.tuples()`` as the model query itself,
    whose rows would be model instances."""
    return cast(Iterator[tuple[Any, ...]], iter(query.tuples()))


def checkpoint() -> tuple[int, int]:
    """A PASSIVE SQLite checkpoint (waits for no one, blocks no one); returns (frames in the
    log, frames copied back). A no-op ``(0, 0)`` on PostgreSQL."""
    if is_postgres():
        return 0, 0
    _busy, log_frames, copied = database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(log_frames), int(copied)


def ping() -> None:
    """Raise if the database cannot answer (the relay's /healthz)."""
    database.execute_sql("SELECT 1")
