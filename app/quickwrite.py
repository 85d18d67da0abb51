"""Short SQLite writes done in place, with no trip to a database thread.

A hold must be committed before its request is forwarded. Handing it to a database thread
and back costs two thread wake-ups, more than the write itself (bench/README.md).
``QuickWriter`` keeps a second connection to the same SQLite file that never waits:

- Its transactions start with ``BEGIN IMMEDIATE`` under ``busy_timeout = 0``. If any other
  connection holds the write lock, :class:`Busy` is raised at once and the caller takes the
  usual road (the database thread, which waits its turn).
- It never checkpoints (``wal_autocheckpoint = 0``; relay/checkpoint.py does that on a thread
  of its own). With WAL and ``synchronous = NORMAL`` a commit is a few page writes into the OS
  cache, durable across a crash of the process.

The service functions run unchanged: while a quick transaction is open, app/sql.py sends
their statements to this connection and app/db.py's transaction helpers join it. Only the
relay's hand-written statements (app/sql.py) may run inside; a peewee query would go to the
thread's own connection instead, so :meth:`QuickWriter.run` is for those functions alone.
SQLite only: on PostgreSQL every statement is a network round trip and stays off the loop.
"""

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from peewee import SqliteDatabase

from app import db

P = ParamSpec("P")
T = TypeVar("T")

_PRAGMAS = (
    "PRAGMA busy_timeout = 0",
    "PRAGMA foreign_keys = 1",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA wal_autocheckpoint = 0",
)


class Busy(Exception):
    """Another connection holds the write lock (or the file is being recovered): write the
    slow way instead."""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class QuickWriter:
    """One SQLite connection for non-waiting write transactions, used from one thread."""

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(str(path), isolation_level=None, cached_statements=256)
        try:
            for pragma in _PRAGMAS:
                self._conn.execute(pragma)
            mode = self._conn.execute("PRAGMA journal_mode").fetchone()[0]
        except BaseException:
            self._conn.close()
            raise
        if str(mode).lower() != "wal":  # a rollback journal would block readers while we write
            self._conn.close()
            raise ValueError(f"quick writes need a WAL database, not journal_mode={mode}")

    @classmethod
    def for_bound_database(cls) -> "QuickWriter | None":
        """A writer on the bound SQLite file; ``None`` for PostgreSQL or an in-memory file."""
        target = db.database.obj
        if not isinstance(target, SqliteDatabase) or target.database in ("", ":memory:"):
            return None
        return cls(target.database)

    def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in one transaction on this connection, committed before
        returning; rolled back if it raises. :class:`Busy` when the lock is taken."""
        conn = self._conn
        token = db.direct.set(conn)
        try:
            if conn.in_transaction:  # a ROLLBACK that failed earlier: never keep the lock
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error as exc:
                    raise Busy(f"left in a transaction: {exc}") from None
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise Busy(str(exc)) from None
                raise
            try:
                result = fn(*args, **kwargs)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result
        finally:
            db.direct.reset(token)

    def close(self) -> None:
        self._conn.close()
