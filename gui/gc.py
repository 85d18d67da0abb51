"""Run Python's cyclic garbage collector on the GUI thread only.

Automatic collection can start in any thread that allocates — here the database worker — and
a Qt object freed there (a closed dialog, a page's timer) crashes Qt, which may only touch its
objects from their own thread. Like qutebrowser, RelayDesk turns automatic collection off and
collects from a GUI-thread timer instead.
"""

import gc

from PySide6.QtCore import QObject, QTimer


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._threshold[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        gc.enable()
