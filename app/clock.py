"""The one source of "now" for the service layer, so tests can move time instead of sleeping.

Times are naive UTC datetimes everywhere in the database: SQLite has no time zones and mixing
aware/naive values is the classic source of off-by-hours bugs.
"""

from collections.abc import Callable
from datetime import UTC, datetime

_source: Callable[[], datetime] | None = None


def now() -> datetime:
    """Current time as a naive UTC datetime (microsecond precision)."""
    if _source is not None:
        return _source()
    # combine(date, time) drops the zone like replace(tzinfo=None) does, faster
    # (bench/README.md); the relay asks several times per request.
    current = _utc_now(UTC)
    return _combine(current.date(), current.time())


_utc_now = datetime.now
_combine = datetime.combine


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Install a replacement clock (tests); ``None`` restores the system clock."""
    global _source
    _source = source
