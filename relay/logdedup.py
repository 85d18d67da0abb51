"""Repeated identical log records, written once with a count.

A flood of hostile connections (or the open-file limit reached) makes asyncio, aiohttp and
the relay's connection handling log the same error, traceback and all, for every connection.
While a relay runs, the loggers in ``LOGGERS`` let the first record of a kind through per
``window`` and count the rest; ``flush()`` then logs "… (repeated N more times in the last
60 s)". Records are of one kind when logger, level, message template and exception type match.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# The loggers that write per-connection records (asyncio: "socket.accept() out of system
# resource" per accept attempt; aiohttp.server: "Error handling request").
LOGGERS = ("asyncio", "aiohttp.server", "aiohttp.web", "aiohttp.internal", "aiohttp.access",
           "relay.lowlevel", "relay.connlimit", "relay.app", "relay.checkpoint")
WINDOW = 60.0
MAX_KINDS = 1024  # distinct kinds tracked at once; beyond that, records pass through
SUMMARY = "repeat_summary"  # attribute marking the filter's own count records


@dataclass(slots=True)
class _Seen:
    since: float
    logger: str
    level: int
    text: str
    repeats: int = 0


class RepeatFilter(logging.Filter):
    """A ``logging.Filter`` passing the first record of each kind per window."""

    def __init__(self, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.window = window
        self._clock = clock
        self._seen: dict[tuple[object, ...], _Seen] = {}
        self._lock = threading.Lock()  # records come from database threads too

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, SUMMARY, False):
            return True
        exc = record.exc_info[0] if record.exc_info else None
        key = (record.name, record.levelno, str(record.msg), exc)
        now = self._clock()
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None and now - seen.since < self.window:
                seen.repeats += 1
                return False
            if seen is None and len(self._seen) >= MAX_KINDS:
                return True
            self._seen[key] = _Seen(now, record.name, record.levelno, _first_line(record))
        if seen is not None and seen.repeats:
            _log_summary(seen, now)
        return True

    def flush(self, *, everything: bool = False) -> None:
        """Log the counts of the windows that ended (all of them with ``everything``)."""
        now = self._clock()
        with self._lock:
            ended = [(key, seen) for key, seen in self._seen.items()
                     if everything or now - seen.since >= self.window]
            for key, _ in ended:
                del self._seen[key]
        for _, seen in ended:
            if seen.repeats:
                _log_summary(seen, now)


def _first_line(record: logging.LogRecord) -> str:
    try:
        text = record.getMessage()
    except Exception:  # noqa: BLE001 - a badly formatted record: its template will do
        text = str(record.msg)
    return text.split("\n", 1)[0][:300]


def _log_summary(seen: _Seen, now: float) -> None:
    seconds = max(1, round(now - seen.since))
    logging.getLogger(seen.logger).log(
        seen.level, "%s (repeated %s more times in the last %d s)", seen.text,
        f"{seen.repeats:,}", seconds, extra={SUMMARY: True})


_FILTER: RepeatFilter | None = None
_users = 0


def install() -> RepeatFilter:
    """Start filtering ``LOGGERS`` (counted: one per running relay)."""
    global _FILTER, _users
    if _FILTER is None:
        _FILTER = RepeatFilter()
        for name in LOGGERS:
            logging.getLogger(name).addFilter(_FILTER)
    _users += 1
    return _FILTER


def flush() -> None:
    """Log the counts of the windows that ended (a running relay calls this each window)."""
    if _FILTER is not None:
        _FILTER.flush()


def uninstall() -> None:
    """The last running relay stopped: log the pending counts, stop filtering."""
    global _FILTER, _users
    _users -= 1
    if _users > 0 or _FILTER is None:
        return
    current, _FILTER = _FILTER, None
    for name in LOGGERS:
        logging.getLogger(name).removeFilter(current)
    current.flush(everything=True)
