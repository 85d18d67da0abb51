"""The database handle: a peewee proxy bound at start-up to SQLite (WAL) or PostgreSQL."""

import contextlib
import logging
import sqlite3
from contextvars import ContextVar
from pathlib import Path

from peewee import Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url

from app.config import Config
from app.errors import ValidationError

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


def open_sqlite(path: Path) -> SqliteDatabase:
    """Open (creating) the SQLite file with the pragmas RelayDesk relies on."""
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
    db.connect(reuse_if_open=True)
    return db


def close_database() -> None:
    """Close the bound database's connection for this thread, if any."""
    if database.obj is not None and not database.is_closed():
        database.close()


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def write_transaction():  # type: ignore[no-untyped-def]
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


def joined_transaction():  # type: ignore[no-untyped-def]
    """Join the caller's transaction, or start one: no SAVEPOINT round trips on hot paths.

    Only for steps that either fully succeed or raise before writing anything, so a failure
    never needs a partial rollback inside the caller's transaction.
    """
    if direct.get() is not None or database.in_transaction():
        return contextlib.nullcontext()
    return write_transaction()


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
