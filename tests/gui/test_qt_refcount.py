"""Guard against the PySide6 6.12.0 regression that drops a reference to ``None`` on every void
Qt call under CPython < 3.12: a long-running window then aborts with "deallocating None"."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_refcount() -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("a")
    # A leak shows as about -1000; from Python 3.12 on None is immortal and this is 0.
    assert sys.getrefcount(None) - before > -100
