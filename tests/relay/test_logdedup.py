"""relay.logdedup: the first record of a kind per window, then one line with the count."""

import logging

import pytest

from relay.logdedup import RepeatFilter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logger(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    clock = Clock()
    log = logging.getLogger("tests.logdedup")
    repeat = RepeatFilter(window=60, clock=clock)
    log.addFilter(repeat)
    caplog.set_level(logging.INFO, logger="tests.logdedup")
    yield log, repeat, clock
    log.removeFilter(repeat)


def _error(log: logging.Logger, n: int) -> None:
    try:
        raise OSError(24, "Too many open files")
    except OSError:
        log.error("accept failed on socket %d", n, exc_info=True)


def test_a_flood_of_one_error_is_one_traceback_and_one_count(logger, caplog) -> None:
    log, repeat, clock = logger
    for n in range(5000):
        _error(log, n)
    clock.now += 61
    repeat.flush()
    assert [r.getMessage() for r in caplog.records] == [
        "accept failed on socket 0",
        "accept failed on socket 0 (repeated 4,999 more times in the last 61 s)"]
    assert caplog.text.count("Traceback") == 1


def test_kinds_are_counted_apart_and_a_new_window_logs_again(logger, caplog) -> None:
    log, repeat, clock = logger
    for _ in range(3):
        _error(log, 1)
        log.warning("refused %s", "10.0.0.1")
    log.warning("something else")
    clock.now += 60
    _error(log, 2)  # a new window: logged, after the count of the last one
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["accept failed on socket 1", "refused 10.0.0.1", "something else",
                        "accept failed on socket 1 (repeated 2 more times in the last 60 s)",
                        "accept failed on socket 2"]
    repeat.flush(everything=True)
    assert caplog.records[-1].getMessage() == (
        "refused 10.0.0.1 (repeated 2 more times in the last 60 s)")
