"""The PostgreSQL change feed: every ``events.emit`` also reaches the other RelayDesk processes on
the same database (relays, the CLI, the desktop app) through LISTEN/NOTIFY.

Publishing runs ``pg_notify`` on the emitting thread's own connection: inside the caller's
transaction PostgreSQL delivers it on commit and drops it on rollback, so no process hears of a
change it cannot read yet, nor of one that never happened. The payload names the sending
process, whose listeners ``emit`` already called. Receiving is relay/cluster/change_listener.py,
on a connection opened here (the SQL stays in app/).

:func:`app.db.open_database` installs the publisher for a PostgreSQL database and removes it
when a SQLite one is bound.
"""

import json
import logging
import os
import uuid
from typing import Any

from peewee import Database, DatabaseError, InterfaceError, PostgresqlDatabase

from app import db, events

log = logging.getLogger(__name__)

CHANNEL = "relaydesk_changes"
# application_name of listening connections, so pg_stat_activity shows who listens.
LISTENER_NAME = "relaydesk-changes"
# A dead peer (pulled cable, failed-over host) is noticed by TCP keepalives within ~20 s.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3,
              "keepalives_count": 3}
CONNECT_TIMEOUT = 3  # seconds; libpq takes whole seconds

_origin = uuid.uuid4().hex


def _new_origin() -> None:
    global _origin
    _origin = uuid.uuid4().hex


# A forked child is another process: it must not ignore its parent's changes as its own.
os.register_at_fork(after_in_child=_new_origin)


def origin() -> str:
    """This process's id in the feed: its own notifications come back to it and are skipped."""
    return _origin


def encode(topic: str, source: str | None = None) -> str:
    return json.dumps({"topic": topic, "origin": source or _origin}, separators=(",", ":"))


def decode(payload: str) -> tuple[str, str] | None:
    """``(topic, origin)`` of a notification, or ``None`` when it is not one of ours."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    topic, source = data.get("topic"), data.get("origin")
    if topic not in events.TOPICS or not isinstance(source, str) or not source:
        return None
    return topic, source


def notify(topic: str, source: str | None = None) -> None:
    """Send ``topic`` on this thread's connection (in its transaction, if one is open)."""
    db.database.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, encode(topic, source)))


class Publisher:
    """The ``events`` publisher for one PostgreSQL database."""

    def __init__(self, database: PostgresqlDatabase) -> None:
        self.database = database

    def __call__(self, topic: str) -> None:
        if db.database.obj is not self.database:
            return  # the proxy was bound elsewhere since: that database is not ours to tell
        if self.database.is_closed():
            # Nothing was changed through this thread's connection (closed, or never opened:
            # e.g. a relay's event loop re-announcing what the desktop app already sent).
            return
        in_transaction = self.database.in_transaction()
        try:
            notify(topic)
        except (DatabaseError, InterfaceError):
            if in_transaction:
                raise  # the caller's transaction is broken either way: let it fail loudly
            log.error("could not announce a %s change to the other processes; they see it "
                      "when their caches expire", topic, exc_info=True)


def install(database: Database) -> None:
    """Publish every emit on ``database`` when it is PostgreSQL; remove the publisher
    otherwise. Another kind of publisher (not ours) is left alone."""
    current = events.publisher()
    if current is not None and not isinstance(current, Publisher):
        return
    events.set_publisher(Publisher(database) if isinstance(database, PostgresqlDatabase)
                         else None)


def uninstall() -> None:
    if isinstance(events.publisher(), Publisher):
        events.set_publisher(None)


def listen_params(database: Database | None = None) -> dict[str, Any] | None:
    """Connection parameters of ``database`` (default: the bound one) for a listening
    connection of its own; ``None`` unless it is PostgreSQL."""
    target = db.database.obj if database is None else database
    if not isinstance(target, PostgresqlDatabase):
        return None
    return {"dbname": target.database, **target.connect_params}


def open_listening(params: dict[str, Any]) -> Any:
    """A new autocommit psycopg2 connection that LISTENs on the feed's channel. Blocking: run
    it off any event loop."""
    import psycopg2  # type: ignore[import-untyped]

    conn = psycopg2.connect(**{**KEEPALIVES, "connect_timeout": CONNECT_TIMEOUT, **params,
                               "application_name": LISTENER_NAME})
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")
    except BaseException:
        conn.close()
        raise
    return conn


def received(conn: Any) -> list[tuple[str, str]]:
    """Read what has arrived on a listening connection without waiting: ``(topic, origin)``
    pairs, in order. Raises psycopg2's errors when the connection is gone."""
    conn.poll()
    payloads = [n.payload for n in conn.notifies if n.channel == CHANNEL]
    conn.notifies.clear()
    result = []
    for payload in payloads:
        item = decode(payload)
        if item is None:
            log.warning("ignored a malformed change notification: %.200r", payload)
        else:
            result.append(item)
    return result
