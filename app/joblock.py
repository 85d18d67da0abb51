"""Which RelayDesk process runs a background job that must run once (retention, mail, payment
polling...) when several relays share one PostgreSQL database.

A job's lock is a session-level advisory lock held on a connection of its own, opened here and
kept for as long as the job runs there: not one of peewee's per-thread connections, which other
work shares and may close or reopen. When the holding process dies (kill -9 included) its
connection closes and PostgreSQL frees the lock, so another relay can take the job. On SQLite one
process serves, so the lock is always held and no connection is opened.

Every method blocks on the network: call them off the event loop, one thread per lock.
"""

import hashlib
import logging
from typing import Any

from peewee import Database, PostgresqlDatabase

from app import db

log = logging.getLogger(__name__)

APPLICATION_PREFIX = "relaydesk-job:"  # application_name, so pg_stat_activity shows holders
CONNECT_TIMEOUT = 3  # seconds (libpq takes whole seconds)
CHECK_TIMEOUT_MS = 2000  # a liveness check that takes longer than this counts as lost
# A silent peer (pulled cable, failed-over host) must not keep us believing we hold the lock:
# keepalives notice an idle dead link, tcp_user_timeout a write nobody acknowledges.
SOCKET_OPTIONS = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
                  "keepalives_count": 3, "tcp_user_timeout": 10_000}
# The same on the server's side of the session: a holder whose machine vanished (no FIN ever
# comes) must not keep the lock for the operating system's default two hours of keepalive.
SERVER_KEEPALIVES = (("tcp_keepalives_idle", 5), ("tcp_keepalives_interval", 2),
                     ("tcp_keepalives_count", 3))


def lock_key(name: str) -> int:
    """The job's advisory lock key: a signed 64-bit number derived from its name, the same in
    every process and Python version (unlike ``hash``)."""
    digest = hashlib.sha256(f"relaydesk-job:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _connect_params(database: Database | None) -> dict[str, Any] | None:
    target = db.database.obj if database is None else database
    if not isinstance(target, PostgresqlDatabase):
        return None
    return {"dbname": target.database, **target.connect_params}


class JobLock:
    """The lock of one named job, for one holder. ``acquire`` (try once), ``is_alive`` while
    held, ``release`` when the job stops here. Not thread-safe: use it from one thread."""

    def __init__(self, name: str, database: Database | None = None) -> None:
        self.name = name
        self.key = lock_key(name)
        self._params = _connect_params(database)
        self._conn: Any = None
        self._held_locally = False  # SQLite: held from acquire to release

    @property
    def shared(self) -> bool:
        """True on PostgreSQL, where other processes compete for the job."""
        return self._params is not None

    @property
    def held(self) -> bool:
        return self._held_locally or self._conn is not None

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend of the lock's connection while held (pg_stat_activity)."""
        conn = self._conn
        return None if conn is None else int(conn.get_backend_pid())

    def acquire(self) -> bool:
        """Take the lock if no other holder has it; True if held now. Raises psycopg2's errors
        when PostgreSQL cannot be reached."""
        if self.held:
            return True
        if self._params is None:
            self._held_locally = True
            return True
        import psycopg2  # type: ignore[import-untyped]

        conn = psycopg2.connect(**{**SOCKET_OPTIONS, "connect_timeout": CONNECT_TIMEOUT,
                                   **self._params,
                                   "application_name": (APPLICATION_PREFIX + self.name)[:63]})
        try:
            conn.autocommit = True  # no transaction left open for as long as the job runs
            with conn.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", (CHECK_TIMEOUT_MS,))
                for setting, value in SERVER_KEEPALIVES:  # names from the constant above
                    cursor.execute(f"SET {setting} = %s", (value,))
                cursor.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                (got,) = cursor.fetchone()
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def is_alive(self) -> bool:
        """Whether the lock is still ours: its connection answers. A connection that fails is
        closed (whatever PostgreSQL still thinks, it frees the lock with the session)."""
        if self._params is None:
            return self._held_locally
        conn = self._conn
        if conn is None:
            return False
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as exc:  # noqa: BLE001 - any failure means the session may be gone
            log.debug("job lock %s: connection lost (%s)", self.name, exc)
            self._close()
            return False
        return True

    def release(self) -> None:
        """Give the lock up (the job stopped here); safe to call when not held."""
        self._held_locally = False
        conn = self._conn
        if conn is None:
            return
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        except Exception:  # noqa: BLE001 - closing the session below frees it anyway
            pass
        finally:
            self._close()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - already broken: nothing left to free
                pass


def holder_pid(name: str) -> int | None:
    """The PostgreSQL backend pid holding job ``name``'s lock in this database, or None (also
    on SQLite). Runs on the calling thread's connection."""
    if not db.is_postgres():
        return None
    key = lock_key(name)
    # A bigint advisory key shows in pg_locks as its high and low 32 bits, objsubid 1.
    cursor = db.database.execute_sql(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
        "AND classid = %s AND objid = %s AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())",
        ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF))
    row = cursor.fetchone()
    return None if row is None else int(row[0])


def end_session(pid: int) -> bool:
    """Terminate backend ``pid`` (an operator freeing a stuck holder's jobs; tests simulating a
    lost connection). True if it was terminated."""
    cursor = db.database.execute_sql("SELECT pg_terminate_backend(%s)", (pid,))
    row = cursor.fetchone()
    return bool(row and row[0])
