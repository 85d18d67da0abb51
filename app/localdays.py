"""Local calendar days over naive UTC times: the operator's day starts at local midnight.

The database stores naive UTC; "today" and per-day figures follow the machine's local time zone
(``TZ`` / the system setting, as :func:`time.localtime` sees it), daylight saving and half-hour
offsets included.
"""

from datetime import UTC, date, datetime, timedelta


def local_date(moment: datetime) -> date:
    """The local calendar date of a naive UTC ``moment``."""
    return moment.replace(tzinfo=UTC).astimezone().date()


def day_start(day: date) -> datetime:
    """Naive UTC instant of local midnight starting ``day`` (the first instant of it, when a
    clock change skips midnight)."""
    midnight = datetime(day.year, day.month, day.day)
    # A naive datetime's astimezone() reads it as local time, through the C library's mktime.
    return midnight.astimezone(UTC).replace(tzinfo=None)


def day_range(day: date) -> tuple[datetime, datetime]:
    """``[start, end)`` in naive UTC of the local ``day`` (23 to 25 hours around clock changes)."""
    return day_start(day), day_start(day + timedelta(days=1))


def utc_offset_minutes(moment: datetime) -> int:
    """Local time minus UTC at the naive UTC ``moment``, in whole minutes (+330 in India)."""
    offset = moment.replace(tzinfo=UTC).astimezone().utcoffset()
    assert offset is not None  # astimezone() always gives an aware local time
    return int(offset.total_seconds()) // 60
