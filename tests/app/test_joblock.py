"""A job's lock (app/joblock.py) against a real PostgreSQL server: one holder at a time, each on a
connection of its own, freed when released or when the holding session ends; on SQLite always
held, with no connection."""

import socket
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from peewee import PostgresqlDatabase

from app import config, db, joblock, runtime
from app.joblock import JobLock, lock_key


@pytest.fixture
def pg(postgres_url: str, tmp_path: Path) -> Iterator[config.Config]:
    cfg = runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    yield cfg
    db.close_database()


@pytest.fixture
def locks() -> Iterator[list[JobLock]]:
    """Locks made by a test, released at its end whatever happened."""
    made: list[JobLock] = []
    yield made
    for lock in made:
        lock.release()


def test_the_key_is_stable_and_differs_between_jobs() -> None:
    # The same number in every process and release: a changed derivation would let an old and
    # a new relay run the same job side by side during an upgrade.
    assert lock_key("retention") == 1897038327503401791
    assert lock_key("mail") == -915711576370390683
    names = ["retention", "payments-confirm", "mail", "notify", "portal-sweep"]
    keys = {lock_key(name) for name in names}
    assert len(keys) == len(names)
    assert all(-(2**63) <= key < 2**63 for key in keys)


@pytest.mark.postgres
@pytest.mark.parametrize("name", ["retention", "mail"])  # a positive and a negative key
def test_two_holders_on_separate_connections_only_one_gets_it(
        pg: config.Config, locks: list[JobLock], name: str) -> None:
    first, second = JobLock(name), JobLock(name)
    locks += [first, second]
    assert first.shared and second.shared
    assert first.acquire() is True
    assert second.acquire() is False
    assert first.held and not second.held
    assert first.backend_pid is not None and second.backend_pid is None
    # its own connection, not the thread's peewee one
    own = db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    assert first.backend_pid != own
    assert joblock.holder_pid(name) == first.backend_pid
    assert first.is_alive()

    first.release()
    assert not first.held and joblock.holder_pid(name) is None
    assert second.acquire() is True
    assert joblock.holder_pid(name) == second.backend_pid
    assert first.acquire() is False


@pytest.mark.postgres
def test_different_jobs_do_not_exclude_each_other(pg: config.Config,
                                                  locks: list[JobLock]) -> None:
    mail, notify = JobLock("mail"), JobLock("notify")
    locks += [mail, notify]
    assert mail.acquire() and notify.acquire()
    assert joblock.holder_pid("retention") is None


@pytest.mark.postgres
def test_acquiring_again_while_held_keeps_the_same_session(pg: config.Config,
                                                          locks: list[JobLock]) -> None:
    lock = JobLock("notify")
    locks.append(lock)
    assert lock.acquire()
    pid = lock.backend_pid
    assert lock.acquire() and lock.backend_pid == pid


@pytest.mark.postgres
def test_a_holder_whose_session_ends_loses_the_lock_to_the_next(
        pg: config.Config, locks: list[JobLock]) -> None:
    holder, waiting = JobLock("retention"), JobLock("retention")
    locks += [holder, waiting]
    assert holder.acquire() and not waiting.acquire()
    pid = holder.backend_pid
    assert pid is not None
    assert joblock.end_session(pid)  # as when the holding process or its connection dies

    assert holder.is_alive() is False
    assert not holder.held and holder.backend_pid is None
    assert waiting.acquire() is True
    assert joblock.holder_pid("retention") == waiting.backend_pid
    holder.release()  # releasing a lock already lost is harmless
    assert waiting.is_alive()


@pytest.mark.postgres
def test_release_frees_the_lock_for_a_connection_outside_relaydesk(
        pg: config.Config, postgres_url: str, locks: list[JobLock]) -> None:
    lock = JobLock("payments-confirm")
    locks.append(lock)
    assert lock.acquire()
    other = psycopg2.connect(postgres_url)
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", (lock.key,))
            assert cursor.fetchone() == (False,)
            lock.release()
            cursor.execute("SELECT pg_try_advisory_lock(%s)", (lock.key,))
            assert cursor.fetchone() == (True,)
            # and now that outsider holds it: we are refused
            assert lock.acquire() is False
    finally:
        other.close()
    assert lock.acquire() is True  # its session ended with its connection


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_server_raises_and_holds_nothing() -> None:
    gone = PostgresqlDatabase("nowhere", host="127.0.0.1", port=_closed_port(),
                              user="relaydesk")
    lock = JobLock("mail", database=gone)
    assert lock.shared
    with pytest.raises(psycopg2.OperationalError):
        lock.acquire()
    assert not lock.held and lock.is_alive() is False


def test_on_sqlite_the_lock_is_always_held_without_a_connection(
        sqlite_db: config.Config) -> None:
    first, second = JobLock("retention"), JobLock("retention")
    assert not first.shared
    assert first.acquire() and second.acquire()  # one process serves: nothing to share
    assert first.is_alive() and first.backend_pid is None
    assert joblock.holder_pid("retention") is None
    first.release()
    assert not first.held and first.is_alive() is False
