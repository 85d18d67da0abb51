"""GUI tests: offscreen Qt, and async tests on a qasync loop so Qt and asyncio run together.

Inside async GUI tests wait with ``await asyncio.sleep``/events or ``page.idle()``, never
``qtbot.wait*`` (a nested Qt loop inside qasync hangs).
"""

import asyncio
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from app import config as config_mod


def _app() -> QApplication:
    app = QApplication.instance() or QApplication(["relaydesk-tests"])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as in gui.main: closing a window must not stop the loop
    return app


class _DrainingLoop(qasync.QEventLoop):
    """A qasync loop that, before closing, runs a little longer: sockets closed at the end of a
    test (an aiohttp session, a gateway simulator) finish closing and take their Qt socket
    notifiers with them. Left behind, a notifier wakes on whatever file later reuses its
    descriptor and calls into a closed loop (a segfault in a later test)."""

    def close(self) -> None:
        if not self.is_closed() and not self.is_running():
            self.run_until_complete(asyncio.sleep(0.05))
        super().close()


def pytest_asyncio_loop_factories(config, item):  # type: ignore[no-untyped-def]
    """Every async test under tests/gui runs on a qasync loop driving the QApplication."""
    return {"qasync": lambda: _DrainingLoop(_app())}


@pytest.fixture
def gui_config(sqlite_db: config_mod.Config) -> config_mod.Config:
    return sqlite_db


@pytest.fixture
async def backend(gui_config: config_mod.Config):  # type: ignore[no-untyped-def]
    from gui.backend import Backend
    b = Backend(gui_config)
    yield b
    await b.close()


async def settle_page(page) -> None:  # type: ignore[no-untyped-def]
    """Let queued Qt and asyncio work run, then wait for the page's own tasks."""
    await asyncio.sleep(0)
    await page.idle()
    await asyncio.sleep(0)


async def until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Yield to the loop (Qt and asyncio) until ``predicate`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0)


_tracked: list[Any] = []


def track(page: Any) -> Any:
    """Register a page for deletion on the GUI thread when the test ends (``tracked_pages``)."""
    _tracked.append(page)
    return page


@pytest.fixture
async def tracked_pages(backend):  # type: ignore[no-untyped-def]
    """Delete tracked pages on the GUI thread when the test ends, before the backend closes.
    Left to the garbage collector, a page (its columns' lambdas make a reference cycle) may be
    destroyed on a database worker thread, leaving Qt timers behind that crash a later test."""
    yield
    while _tracked:
        page = _tracked.pop()
        await page.idle()
        page.close()
        page.deleteLater()
    await asyncio.sleep(0)


def grab(widget, path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Render a widget offscreen to PNG (for looking at it)."""
    widget.grab().save(str(path))
    return path


@pytest.fixture(autouse=True)
def _own_autostart_folder(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The start-at-log-in entry (gui/autostart.py) goes to a temp folder, never the
    developer's ~/.config/autostart."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After every fixture of a GUI test is torn down (pytest-qt's too), collect once more on
    this thread: a Qt object left in a reference cycle would otherwise be freed by automatic
    collection in whichever thread allocates next — a later test's database or portal worker —
    and crash Qt (seen as a segfault in a later test's event processing)."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _qapp() -> Iterator[QApplication]:
    """As in the app (gui/gc.py): no automatic garbage collection, which could free Qt objects
    on the database worker thread and crash Qt; collect on this thread after each test."""
    gc.disable()
    try:
        yield _app()
    finally:
        gc.collect()
        gc.enable()
