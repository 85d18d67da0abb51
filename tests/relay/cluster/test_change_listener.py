"""The change listener against a real PostgreSQL: it passes other processes' changes to this
process, skips its own, re-applies every topic after a reconnect, and says loudly when it
cannot listen."""

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app import changefeed, db, events, runtime
from relay.cluster.change_listener import ChangeListener, start_feed, stop_feed
from tests.helpers import pg_sessions
from tests.helpers.waiting import until

pytestmark = pytest.mark.postgres

OTHER = "another-process"


@pytest.fixture
def pg(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    yield postgres_url
    db.close_database()


class Heard:
    """What this process's listeners were told, counted per topic (thread-safe)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._undo = [events.subscribe(t, lambda t=t: self._add(t)) for t in events.TOPICS]

    def _add(self, topic: str) -> None:
        with self._lock:
            self.counts[topic] += 1

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def close(self) -> None:
        for unsubscribe in self._undo:
            unsubscribe()


@pytest.fixture
def heard() -> Iterator[Heard]:
    h = Heard()
    yield h
    h.close()


def wait(predicate: Callable[[], object], seconds: float = 5.0) -> None:
    """Poll ``predicate`` every 20 ms until true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(0.02)  # poll interval of a bounded wait, not a timing assumption


@pytest.fixture
def listener(pg: str) -> Iterator[ChangeListener]:
    params = changefeed.listen_params()
    assert params is not None
    feed = ChangeListener(params, origin="this-relay")
    feed.start()
    wait(lambda: feed.connects == 1)
    yield feed
    feed.stop()


def test_a_change_from_another_process_reaches_this_ones_listeners(listener: ChangeListener,
                                                                   heard: Heard) -> None:
    changefeed.notify(events.KEYS, OTHER)

    wait(lambda: heard.snapshot() == Counter({events.KEYS: 1}), seconds=1.0)
    assert listener.applied == 1


def test_every_topic_passes(listener: ChangeListener, heard: Heard) -> None:
    for topic in events.TOPICS:
        changefeed.notify(topic, OTHER)

    wait(lambda: heard.snapshot() == Counter(events.TOPICS), seconds=1.0)


def test_its_own_changes_are_not_applied_twice(listener: ChangeListener, heard: Heard) -> None:
    changefeed.notify(events.PRICES, listener.origin)  # this process's listeners ran already
    changefeed.notify(events.BANS, OTHER)  # sent after it: once this arrives, so did that

    wait(lambda: heard.snapshot()[events.BANS] == 1, seconds=1.0)
    assert heard.snapshot() == Counter({events.BANS: 1})
    assert listener.applied == 1


def test_this_process_emits_are_skipped_by_its_own_listener(pg: str, heard: Heard) -> None:
    params = changefeed.listen_params()
    assert params is not None
    feed = ChangeListener(params)  # this process's own origin
    feed.start()
    try:
        wait(lambda: feed.connects == 1)
        before = heard.snapshot()
        events.emit(events.SETTINGS)  # local listeners once, and a notification
        changefeed.notify(events.BANS, OTHER)

        wait(lambda: feed.applied == 1, seconds=1.0)
        assert heard.snapshot() - before == Counter({events.SETTINGS: 1, events.BANS: 1})
    finally:
        feed.stop()


def test_a_rolled_back_change_is_never_applied(listener: ChangeListener, heard: Heard) -> None:
    with pytest.raises(RuntimeError), db.write_transaction():
        changefeed.notify(events.PROVIDERS, OTHER)
        raise RuntimeError("the change fails")
    changefeed.notify(events.KEYS, OTHER)

    wait(lambda: heard.snapshot()[events.KEYS] == 1, seconds=1.0)
    assert heard.snapshot() == Counter({events.KEYS: 1})


def test_first_connect_applies_every_topic(pg: str, heard: Heard) -> None:
    # Changes made before it listened were never sent to it: the caches reload once.
    params = changefeed.listen_params()
    assert params is not None
    feed = ChangeListener(params, origin="this-relay")
    feed.start()
    try:
        wait(lambda: feed.connects == 1)
        assert heard.snapshot() == Counter(events.TOPICS)
    finally:
        feed.stop()


def listener_backends() -> list[int]:
    return pg_sessions.backends(changefeed.LISTENER_NAME)


def test_reconnects_after_its_connection_is_killed_and_reapplies_every_topic(
        listener: ChangeListener, heard: Heard, caplog: pytest.LogCaptureFixture) -> None:
    first = listener.backend_pid
    assert first in listener_backends()
    before = heard.snapshot()

    with caplog.at_level(logging.WARNING, logger="relay.cluster.change_listener"):
        pg_sessions.terminate(first)
        wait(lambda: listener.connects == 2)

    assert listener.backend_pid not in (None, first)
    assert heard.snapshot() - before == Counter(events.TOPICS)
    assert "lost the configuration change feed" in caplog.text
    changefeed.notify(events.KEYS, OTHER)  # and it hears changes again
    wait(lambda: heard.snapshot()[events.KEYS] == before[events.KEYS] + 2, seconds=1.0)


@pytest.fixture
def own_role(pg: str) -> Iterator[dict[str, object]]:
    """Listening parameters with a role of their own, whose logins the test can refuse."""
    params = changefeed.listen_params()
    assert params is not None
    role = pg_sessions.create_login_role()
    yield {**params, "user": role}
    pg_sessions.drop_role(role)


set_login = pg_sessions.set_login


def test_while_it_cannot_listen_it_logs_loudly_then_catches_up(
        own_role: dict[str, object], heard: Heard, caplog: pytest.LogCaptureFixture) -> None:
    role = str(own_role["user"])
    feed = ChangeListener(own_role, origin="this-relay", backoff=(0.05, 0.2))
    feed.start()
    try:
        wait(lambda: feed.connects == 1)
        set_login(role, False)
        with caplog.at_level(logging.INFO, logger="relay.cluster.change_listener"):
            pg_sessions.terminate(feed.backend_pid)
            wait(lambda: feed.failures >= 2)
            assert not feed.listening
            errors = [r for r in caplog.records if r.levelno == logging.ERROR]
            assert any("cannot listen for configuration changes" in r.getMessage()
                       for r in errors)
            before = heard.snapshot()
            changefeed.notify(events.PRICES, OTHER)  # sent while nobody listens: lost

            set_login(role, True)
            wait(lambda: feed.connects == 2)

        # The lost change is covered: every topic was applied once on reconnecting.
        assert heard.snapshot() - before == Counter(events.TOPICS)
        assert "listening for configuration changes again" in caplog.text
        assert feed.failures == 0
    finally:
        feed.stop()


def test_a_broken_listener_does_not_end_the_feed(listener: ChangeListener, heard: Heard,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("listener bug")

    unsubscribe = events.subscribe(events.PRICES, broken)
    try:
        with caplog.at_level(logging.ERROR, logger="relay.cluster.change_listener"):
            changefeed.notify(events.PRICES, OTHER)
            changefeed.notify(events.KEYS, OTHER)
            wait(lambda: heard.snapshot()[events.KEYS] == 1, seconds=1.0)
    finally:
        unsubscribe()
    assert listener.listening
    assert "a listener failed on a prices change" in caplog.text


def test_stop_closes_its_connection(pg: str) -> None:
    params = changefeed.listen_params()
    assert params is not None
    feed = ChangeListener(params)
    feed.start()
    wait(lambda: feed.connects == 1)
    pid = feed.backend_pid
    assert pid in listener_backends()

    feed.stop()

    assert not feed.listening
    wait(lambda: pid not in listener_backends())


def test_stop_while_it_cannot_connect_returns_promptly(pg: str) -> None:
    params = changefeed.listen_params()
    assert params is not None
    feed = ChangeListener({**params, "dbname": "no_such_database"}, backoff=(5.0, 5.0))
    feed.start()
    wait(lambda: feed.failures >= 1)
    started = time.monotonic()

    feed.stop()

    assert time.monotonic() - started < 1.0  # the backoff wait ends when stopped


async def test_start_feed_follows_the_bound_database(pg: str, tmp_path: Path) -> None:
    feed = start_feed()
    assert feed is not None
    try:
        await until(lambda: feed.connects == 1)
        assert feed.listening
    finally:
        await stop_feed(feed)
    assert not feed.listening

    db.close_database()
    runtime.start(tmp_path / "sqlite-data")
    assert start_feed() is None
    db.close_database()


def test_its_connection_is_its_own_and_only_listens(listener: ChangeListener) -> None:
    assert pg_sessions.session(listener.backend_pid) == [(f"LISTEN {changefeed.CHANNEL}", "idle")]
    assert listener.backend_pid != pg_sessions.own_pid()
