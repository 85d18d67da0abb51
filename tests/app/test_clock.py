"""app.clock: naive UTC "now", replaceable by tests."""

from datetime import UTC, datetime, timedelta

from app import clock


def test_now_is_naive_utc_to_the_microsecond() -> None:
    before = datetime.now(UTC).replace(tzinfo=None)
    value = clock.now()
    after = datetime.now(UTC).replace(tzinfo=None)
    assert value.tzinfo is None
    assert before <= value <= after
    assert type(value) is datetime  # not a date: peewee stores it with its time


def test_a_test_clock_replaces_the_system_one() -> None:
    fixed = datetime(2026, 1, 2, 3, 4, 5, 600_000)
    clock.set_clock(lambda: fixed)
    try:
        assert clock.now() == fixed
    finally:
        clock.set_clock(None)
    assert abs(clock.now() - datetime.now(UTC).replace(tzinfo=None)) < timedelta(seconds=5)
