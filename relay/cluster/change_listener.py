"""Hears the configuration changes other processes make on the same PostgreSQL (the CLI, the
desktop app, other relays) and passes them to this process's caches at once, instead of letting
them wait for the caches to expire.

A daemon thread owns a dedicated LISTEN connection (opened by app/changefeed.py) and waits on it
with ``select``, so the event loop never waits for it; each change from another process goes to
``events.emit_local``, whose listeners only set flags. When the connection drops, the thread
reconnects with backoff and, once listening again, re-applies every topic: whatever was sent
meanwhile is lost. Not listening is logged as an error, since every change from elsewhere is
then late.
"""

import asyncio
import logging
import random
import select
import socket
import threading
import time
from typing import Any

from app import changefeed, events

log = logging.getLogger(__name__)

BACKOFF = (0.1, 5.0)  # first and longest wait between attempts to listen again, seconds
QUIET_LOG_SECONDS = 30.0  # while failing, repeat the error this often, not per attempt
IDLE_POLL_SECONDS = 5.0  # look at an idle connection this often (keepalives find dead peers)


class ChangeListener:
    """LISTEN on the change feed in a thread of its own; ``start()`` once, ``stop()`` once."""

    def __init__(self, params: dict[str, Any], *, origin: str | None = None,
                 backoff: tuple[float, float] = BACKOFF) -> None:
        self._params = params
        self.origin = origin or changefeed.origin()
        self._backoff = backoff
        self._stopping = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread: threading.Thread | None = None
        self._conn: Any = None
        self.connects = 0  # times LISTEN was established (and every topic re-applied)
        self.applied = 0  # notifications from other processes passed to this process
        self.failures = 0  # failed attempts since the last success

    @property
    def listening(self) -> bool:
        return self._conn is not None

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend serving the listening connection (for pg_stat_activity)."""
        conn = self._conn
        return None if conn is None else int(conn.get_backend_pid())

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="relaydesk-changes", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening; waits up to ``timeout`` (blocking: call it off the event loop)."""
        self._stopping.set()
        try:
            self._wake_w.send(b"\0")
        except OSError:  # already stopped once
            pass
        if self._thread is not None:
            self._thread.join(timeout)
        if self._thread is None or not self._thread.is_alive():
            self._wake_r.close()
            self._wake_w.close()

    # --- the thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        delay = self._backoff[0]
        last_error_log = float("-inf")
        while not self._stopping.is_set():
            try:
                conn = changefeed.open_listening(self._params)
            except Exception as exc:  # noqa: BLE001 - any reason not to listen is retried
                self.failures += 1
                now = time.monotonic()
                if now - last_error_log >= QUIET_LOG_SECONDS:
                    last_error_log = now
                    log.error("cannot listen for configuration changes on PostgreSQL (attempt "
                              "%d: %s); changes made by other processes reach this relay only "
                              "when its caches expire. Retrying.", self.failures,
                              str(exc).strip())
                self._stopping.wait(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, self._backoff[1])
                continue
            delay = self._backoff[0]
            try:
                self._serve(conn)
            except Exception as exc:  # noqa: BLE001 - a lost connection: listen again
                if not self._stopping.is_set():
                    log.error("lost the configuration change feed (%s); reconnecting",
                              str(exc).strip())
            finally:
                self._conn = None
                conn.close()

    def _serve(self, conn: Any) -> None:
        """Pass on what arrives until stopped; raises when the connection is gone."""
        self._conn = conn
        recovered, self.failures = self.failures, 0
        # Listening now: whatever changed before this moment may have been missed.
        for topic in events.TOPICS:
            self._apply(topic)
        self.connects += 1
        if recovered or self.connects > 1:
            log.warning("listening for configuration changes again; re-applied every topic")
        else:
            log.info("listening for configuration changes from other processes")
        fd = conn.fileno()
        while not self._stopping.is_set():
            select.select([fd, self._wake_r], [], [], IDLE_POLL_SECONDS)
            if self._stopping.is_set():
                return
            for topic, source in changefeed.received(conn):
                if source != self.origin:  # our own were applied when they were emitted
                    self._apply(topic)
                    self.applied += 1

    def _apply(self, topic: str) -> None:
        try:
            events.emit_local(topic)
        except Exception:  # one broken listener must not end the feed
            log.exception("a listener failed on a %s change", topic)


def start_feed() -> ChangeListener | None:
    """Start listening when the bound database is PostgreSQL; ``None`` on SQLite."""
    params = changefeed.listen_params()
    if params is None:
        return None
    listener = ChangeListener(params)
    listener.start()
    return listener


async def stop_feed(listener: ChangeListener | None) -> None:
    if listener is not None:
        await asyncio.to_thread(listener.stop)
