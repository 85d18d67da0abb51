"""app.quickwrite: holds committed on a second SQLite connection that never waits for the write
lock, visible to the app's own connection, rolled back on error, and refused with Busy at once
when another connection is writing."""

import contextlib
import sqlite3
import time
from collections.abc import Iterator

import pytest

from app import accounts, billing, db, ledger, sql
from app.billing import Hold
from app.errors import InsufficientBalance
from app.ledger import Kind
from app.models import LedgerEntry, Reservation, User
from app.quickwrite import Busy, QuickWriter


@pytest.fixture
def alice(sqlite_db, fake_clock) -> User:
    user = accounts.add_user("alice", "alice@example.com")
    ledger.post(user.id, Kind.RECHARGE, 10_000)
    return user


@pytest.fixture
def writer(sqlite_db) -> Iterator[QuickWriter]:
    quick = QuickWriter.for_bound_database()
    assert quick is not None
    yield quick
    quick.close()


@contextlib.contextmanager
def write_lock(sqlite_db) -> Iterator[sqlite3.Connection]:  # type: ignore[no-untyped-def]
    """Another connection (a settlement batch, the GUI) holding SQLite's write lock."""
    other = sqlite3.connect(str(sqlite_db.sqlite_path), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield other
        other.execute("ROLLBACK")
    finally:
        other.close()


def lock_is_free(sqlite_db) -> bool:  # type: ignore[no-untyped-def]
    """Whether another connection can take SQLite's write lock at once: the writer left no
    transaction open."""
    other = sqlite3.connect(str(sqlite_db.sqlite_path), isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def pragma(writer: QuickWriter, name: str) -> list[tuple[object, ...]]:
    """``PRAGMA name`` read on the writer's own connection (statements inside ``run`` go there)."""
    return writer.run(lambda: [tuple(row) for row in sql.execute(f"PRAGMA {name}").fetchall()])


def balance(user: User) -> int:
    return User.get_by_id(user.id).balance_micros


def hold(user: User, request_id: str, amount: int) -> Hold:
    return Hold(user.id, None, request_id, "m1", amount)


def holds_written() -> list[tuple[str, int]]:
    return [(r.request_id, r.amount_micros)
            for r in Reservation.select().order_by(Reservation.request_id)]


def kinds() -> list[str]:
    return [e.kind for e in LedgerEntry.select().order_by(LedgerEntry.id)]


def test_writer_is_for_the_bound_sqlite_file(sqlite_db, writer) -> None:
    [(mode,)] = pragma(writer, "journal_mode")
    [path] = [row[2] for row in pragma(writer, "database_list") if row[1] == "main"]
    assert mode == "wal" and path == str(sqlite_db.sqlite_path.resolve())
    assert pragma(writer, "busy_timeout") == [(0,)]


def test_not_for_a_rollback_journal_file(tmp_path) -> None:
    path = tmp_path / "plain.sqlite"
    sqlite3.connect(path).close()
    with pytest.raises(ValueError, match="WAL"):
        QuickWriter(path)


def test_reserve_many_commits_visibly(alice, writer) -> None:
    results = writer.run(billing.reserve_many, [hold(alice, "r1", 3_000),
                                                hold(alice, "r2", 1_000)], 60)
    assert results == [None, None]
    assert db.direct.get() is None  # statements go back to the app's own connection
    # read through peewee's connection: committed, not merely written on the quick one
    assert balance(alice) == 6_000
    assert holds_written() == [("r1", 3_000), ("r2", 1_000)]
    assert kinds() == ["recharge", "hold", "hold"]
    assert ledger.mismatched_users() == []
    assert billing.held_total(alice.id) == 4_000


def test_inside_run_statements_and_transactions_use_the_quick_connection(alice, writer) -> None:
    seen = {}

    def fn() -> None:
        seen["direct"] = isinstance(db.direct.get(), sqlite3.Connection)
        seen["joined"] = isinstance(db.write_transaction(), contextlib.nullcontext)
        seen["joined2"] = isinstance(db.joined_transaction(), contextlib.nullcontext)
        billing.reserve_many([hold(alice, "r1", 500)], 60)
        seen["own view"] = sql.one('SELECT balance_micros FROM "user" WHERE id = ?', (alice.id,))
        seen["others' view"] = balance(alice)  # peewee's connection: not committed yet

    writer.run(fn)
    assert seen == {"direct": True, "joined": True, "joined2": True, "own view": (9_500,),
                    "others' view": 10_000}
    assert balance(alice) == 9_500


def test_an_error_rolls_back_everything(sqlite_db, alice, writer) -> None:
    def fn() -> None:
        billing.reserve_many([hold(alice, "r1", 3_000)], 60)
        sql.execute('UPDATE "user" SET email = ? WHERE id = ?', ("x@example.com", alice.id))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        writer.run(fn)
    assert balance(alice) == 10_000 and holds_written() == [] and kinds() == ["recharge"]
    assert User.get_by_id(alice.id).email == "alice@example.com"
    assert db.direct.get() is None and lock_is_free(sqlite_db)
    # and the writer is still usable
    assert writer.run(billing.reserve_many, [hold(alice, "r2", 1)], 60) == [None]
    assert holds_written() == [("r2", 1)]


def test_busy_at_once_while_another_connection_writes(sqlite_db, alice, writer) -> None:
    called = []

    def fn() -> None:
        called.append(True)
        billing.reserve_many([hold(alice, "r1", 3_000)], 60)

    with write_lock(sqlite_db):
        started = time.monotonic()
        with pytest.raises(Busy):
            writer.run(fn)
        # no waiting on busy_timeout (the app's connection would wait 10 s)
        assert time.monotonic() - started < 1.0
        assert called == [] and db.direct.get() is None
    assert lock_is_free(sqlite_db)  # the refused writer holds nothing either
    assert balance(alice) == 10_000 and holds_written() == [] and kinds() == ["recharge"]
    # the lock is free again: the same writer works
    assert writer.run(billing.reserve_many, [hold(alice, "r1", 3_000)], 60) == [None]
    assert balance(alice) == 7_000 and holds_written() == [("r1", 3_000)]


def test_refused_holds_come_back_as_results(sqlite_db, alice, writer) -> None:
    bob = accounts.add_user("bob", "bob@example.com")
    ledger.post(bob.id, Kind.RECHARGE, 100)
    results = writer.run(billing.reserve_many, [
        hold(alice, "a1", 6_000),
        hold(bob, "b1", 500),  # more than bob has
        hold(alice, "a2", 6_000),  # alice's sum does not fit: taken one by one, this one fails
        hold(alice, "a3", 4_000),
        hold(bob, "b2", 100),
    ], 60)
    assert [type(r) for r in results] == [type(None), InsufficientBalance, InsufficientBalance,
                                          type(None), type(None)]
    assert holds_written() == [("a1", 6_000), ("a3", 4_000), ("b2", 100)]
    assert balance(alice) == 0 and balance(bob) == 0
    assert ledger.mismatched_users() == []


def test_database_errors_propagate_and_roll_back(sqlite_db, alice, writer) -> None:
    writer.run(billing.reserve_many, [hold(alice, "r1", 1)], 60)
    with pytest.raises(sqlite3.IntegrityError):  # the request id is unique
        writer.run(billing.reserve_many, [hold(alice, "r1", 2)], 60)
    assert balance(alice) == 9_999 and holds_written() == [("r1", 1)]
    assert lock_is_free(sqlite_db)


def test_a_transaction_left_open_is_rolled_back_before_the_next(alice, writer) -> None:
    """If a ROLLBACK ever failed, the writer must not keep SQLite's write lock forever."""
    conn = writer.run(db.direct.get)  # the connection ``run`` sends statements to
    assert isinstance(conn, sqlite3.Connection)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute('UPDATE "user" SET balance_micros = 0 WHERE id = ?', (alice.id,))
    results = writer.run(billing.reserve_many,
                         [Hold(alice.id, None, "req_after", "m", 1_000)], 60)
    assert results == [None]
    assert User.get_by_id(alice.id).balance_micros == 9_000  # the stray UPDATE was undone
