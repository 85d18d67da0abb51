"""What every page shares: a title, an async refresh, and error display for its actions."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtWidgets import QWidget

from gui.backend import Backend
from gui.errors import show_error

log = logging.getLogger(__name__)


class Page(QWidget):
    """A page of the main window.

    Attributes:
        topics: Backend.changed topics that make this page reload while it is visible.
    """

    topics: tuple[str, ...] = ()

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self._stale = True
        self._tasks: set[asyncio.Task[Any]] = set()
        backend.changed.connect(self._on_changed)

    def title(self) -> str:
        raise NotImplementedError

    async def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def _on_changed(self, topic: str) -> None:
        if topic in self.topics:
            self._stale = True
            if self.isVisible():
                self.spawn(self.reload())

    async def reload(self) -> None:
        self._stale = False
        await self.guard(self.refresh())

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.spawn(self.reload())

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
        """Run an action in the background, showing any error; keeps a reference to it."""
        task = asyncio.ensure_future(self.guard(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def guard(self, awaitable: Awaitable[Any]) -> Any:
        try:
            return await awaitable
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - shown to the operator, unexpected ones logged
            show_error(self, exc)
            return None

    async def idle(self) -> None:
        """Wait until this page's background actions are done (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


ActionFactory = Callable[[], Coroutine[Any, Any, Any]]
