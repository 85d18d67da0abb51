"""The change feed's publishing side, against a real PostgreSQL: what ``events.emit`` sends, when
PostgreSQL delivers it (on commit, never after a rollback), and when nothing is sent at all."""

import json
import logging
import select
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app import changefeed, db, events, runtime
from app.db import write_transaction

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    yield postgres_url
    db.close_database()


@pytest.fixture
def listening(pg: str) -> Iterator[Any]:
    """A connection of its own listening on the feed, as another process's would."""
    params = changefeed.listen_params()
    assert params is not None
    conn = changefeed.open_listening(params)
    yield conn
    conn.close()


def receive(conn: Any, count: int, seconds: float = 2.0) -> list[tuple[str, str]]:
    """Wait (bounded) until ``count`` notifications have arrived; returns them in order."""
    got: list[tuple[str, str]] = []
    deadline = time.monotonic() + seconds
    while len(got) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{len(got)} of {count} notifications arrived: {got}")
        select.select([conn], [], [], left)
        got += changefeed.received(conn)
    return got


def on_own_connection(fn: Callable[[], None]) -> None:
    """Run ``fn`` on another thread with a connection of its own, as a second caller would."""

    def run() -> None:
        db.database.connect(reuse_if_open=True)
        try:
            fn()
        finally:
            db.close_database()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.fixture
def heard() -> Iterator[list[str]]:
    """This process's listeners: what ``emit``/``emit_local`` told them, in order."""
    calls: list[str] = []
    undo = [events.subscribe(t, lambda t=t: calls.append(t)) for t in events.TOPICS]
    yield calls
    for unsubscribe in undo:
        unsubscribe()


def test_emit_tells_this_process_and_notifies_the_others(listening: Any,
                                                         heard: list[str]) -> None:
    events.emit(events.KEYS)

    assert heard == [events.KEYS]  # at once, before any round trip
    assert receive(listening, 1) == [(events.KEYS, changefeed.origin())]


def test_payload_is_json_with_topic_and_origin(listening: Any) -> None:
    events.emit(events.PROVIDERS)

    deadline = time.monotonic() + 2.0
    while not listening.notifies and time.monotonic() < deadline:
        select.select([listening], [], [], deadline - time.monotonic())
        listening.poll()
    [note] = listening.notifies
    assert note.channel == changefeed.CHANNEL
    assert json.loads(note.payload) == {"topic": "providers", "origin": changefeed.origin()}


def test_every_topic_is_published(listening: Any) -> None:
    for topic in events.TOPICS:
        events.emit(topic)

    assert [topic for topic, _ in receive(listening, len(events.TOPICS))] == list(events.TOPICS)


def test_inside_a_transaction_it_arrives_on_commit(listening: Any) -> None:
    with write_transaction():
        events.emit(events.KEYS)
        # Another thread's committed change overtakes ours: ours is not delivered yet.
        on_own_connection(lambda: events.emit(events.PRICES))
        assert receive(listening, 1) == [(events.PRICES, changefeed.origin())]

    assert receive(listening, 1) == [(events.KEYS, changefeed.origin())]


def test_a_rollback_sends_nothing(listening: Any, heard: list[str]) -> None:
    with pytest.raises(RuntimeError), write_transaction():
        events.emit(events.SETTINGS)
        raise RuntimeError("the change fails")
    events.emit(events.BANS)  # committed after the rolled-back one

    assert receive(listening, 1) == [(events.BANS, changefeed.origin())]
    assert changefeed.received(listening) == []
    assert heard == [events.SETTINGS, events.BANS]  # locally both, as before the feed


def test_emit_local_publishes_nothing(listening: Any, heard: list[str]) -> None:
    events.emit_local(events.KEYS)  # what a listener does with another process's change
    events.emit(events.BANS)

    assert receive(listening, 1) == [(events.BANS, changefeed.origin())]
    assert heard == [events.KEYS, events.BANS]


def test_a_thread_without_a_connection_publishes_nothing(listening: Any,
                                                         heard: list[str]) -> None:
    # e.g. a relay's event loop re-announcing a change the desktop app already sent
    bare = threading.Thread(target=events.emit, args=(events.KEYS,))
    bare.start()
    bare.join()
    events.emit(events.PRICES)

    assert receive(listening, 1) == [(events.PRICES, changefeed.origin())]
    assert heard == [events.KEYS, events.PRICES]


def test_a_failing_listener_still_lets_the_others_hear(listening: Any) -> None:
    def broken() -> None:
        raise RuntimeError("listener bug")

    unsubscribe = events.subscribe(events.KEYS, broken)
    try:
        with pytest.raises(RuntimeError):
            events.emit(events.KEYS)
    finally:
        unsubscribe()

    assert receive(listening, 1) == [(events.KEYS, changefeed.origin())]


def test_a_lost_connection_after_commit_is_logged_not_raised(
        listening: Any, heard: list[str], caplog: pytest.LogCaptureFixture) -> None:
    pid = db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with listening.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))

    with caplog.at_level(logging.ERROR, logger="app.changefeed"):
        events.emit(events.KEYS)  # the change itself was committed: the caller must not fail

    assert heard == [events.KEYS]
    assert "could not announce a keys change" in caplog.text
    db.close_database()


def test_sqlite_has_no_publisher(sqlite_db: object) -> None:
    assert events.publisher() is None
    assert changefeed.listen_params() is None


def test_binding_sqlite_after_postgres_removes_the_publisher(pg: str, tmp_path: Path) -> None:
    assert isinstance(events.publisher(), changefeed.Publisher)
    db.close_database()

    runtime.start(tmp_path / "sqlite-data")

    assert events.publisher() is None
    db.close_database()


def test_decode_accepts_only_our_payloads() -> None:
    assert changefeed.decode(changefeed.encode("keys", "p1")) == ("keys", "p1")
    for payload in ("not json", "[1]", '{"topic": "keys"}', '{"topic": "keys", "origin": ""}',
                    '{"topic": "nonsense", "origin": "p1"}', '{"topic": 1, "origin": "p1"}'):
        assert changefeed.decode(payload) is None, payload


def test_malformed_notifications_are_skipped(listening: Any,
                                             caplog: pytest.LogCaptureFixture) -> None:
    db.database.execute_sql("SELECT pg_notify(%s, 'garbage')", (changefeed.CHANNEL,))
    events.emit(events.KEYS)

    with caplog.at_level(logging.WARNING, logger="app.changefeed"):
        assert receive(listening, 1) == [(events.KEYS, changefeed.origin())]
    assert "malformed change notification" in caplog.text
