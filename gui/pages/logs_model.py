"""The request-log table model: pages of 500 rows loaded lazily, newest first.

The log can hold millions of rows, so the model never asks how many there are. It holds the
pages loaded so far; the view asks ``canFetchMore``/``fetchMore`` when it is scrolled to the
bottom, and the next page (keyset: ids below the oldest row shown) is loaded through
``Backend.call`` and appended when it arrives. One load runs at a time: ``fetchMore`` while a
page is on its way does nothing (the view asks again once rows arrive), and a check for new
rows asked for meanwhile runs once, after it.
"""

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from app import logquery
from app.logquery import LogFilter, LogRow, Scope
from app.money import format_cost
from gui.backend import Backend

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the table's root: rows have no children
Spawn = Callable[[Coroutine[Any, Any, Any]], "asyncio.Task[Any]"]

ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""``data(index, ID_ROLE)``: the request_log id of the row (for tests and copying)."""

ERROR_BRUSH = QBrush(QColor("#c62828"))
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
CELL_CACHE = 4096  # rows whose texts are kept: a few screens, never the whole log
NUMERIC = {"prompt", "cached", "completion", "cost", "total_ms", "ttfb_ms", "written_off"}
ELIDED = {"user", "model", "provider", "status", "ip"}  # free text: may be cut, tooltip in full
CENTERED = {"stream", "estimated"}


class LogsModel(QAbstractTableModel):
    """Signals:
        loaded(): a load finished (rows may or may not have been added).

    Attributes:
        fetch_count: pages requested from the service layer since creation (tests and the
            benchmark check that scrolling loads only the pages it needs).
        newer_count: checks for new rows made (auto-refresh).
        exhausted: the oldest matching row is loaded; nothing more to fetch.
    """

    PAGE = 500
    loaded = Signal()

    def __init__(self, backend: Backend, spawn: Spawn, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self._spawn = spawn
        self._rows: list[LogRow] = []
        self._filter = LogFilter()
        self._scope: Scope | None = None
        self._task: asyncio.Task[Any] | None = None
        self._generation = 0  # bumped by reset(): answers for an older filter are dropped
        self._newer_wanted = False
        self.exhausted = False
        self.fetch_count = 0
        self.newer_count = 0
        self.columns: list[tuple[str, str]] = [
            ("time", self.tr("Time (local)")), ("user", self.tr("User")),
            ("model", self.tr("Model")), ("provider", self.tr("Provider")),
            ("status", self.tr("Status")), ("prompt", self.tr("Prompt")),
            ("cached", self.tr("Cached")), ("completion", self.tr("Completion")),
            ("cost", self.tr("Cost")), ("total_ms", self.tr("Total ms")),
            ("ttfb_ms", self.tr("TTFB ms")), ("ip", self.tr("IP")),
            ("stream", self.tr("Stream")), ("estimated", self.tr("Estimated")),
            ("written_off", self.tr("Written off")), ("route", self.tr("Route")),
        ]
        self._keys = [key for key, _ in self.columns]
        self._align = [self._alignment(key) for key in self._keys]
        self._cells: dict[int, tuple[str, ...]] = {}  # display text per row, made when shown

    # --- what the view asks -----------------------------------------------------------------

    def rowCount(self, parent: Index = NO_PARENT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = NO_PARENT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        key = self._keys[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return {"prompt": self.tr("Prompt tokens"), "cached": self.tr("Cached prompt tokens"),
                    "completion": self.tr("Completion tokens"),
                    "ttfb_ms": self.tr("Time to first byte, streamed requests only"),
                    "estimated": self.tr("Token counts were estimated because the upstream did "
                                         "not report usage"),
                    "written_off": self.tr("What the provider reported beyond the request's "
                                           "hold: your loss, not charged to the user"),
                    "route": self.tr("The API the client called, e.g. /v1/messages (Claude "
                                     "Code) or /v1/responses (Codex CLI); empty for requests "
                                     "logged before routes were recorded")
                    }.get(key)
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # The hot path: called for every visible cell and role on each repaint.
        row = index.row()
        if role == DISPLAY:
            cells = self._cells.get(row)
            if cells is None:
                if not 0 <= row < len(self._rows):
                    return None
                if len(self._cells) > CELL_CACHE:
                    self._cells.clear()
                cells = self._cells[row] = self._format(self._rows[row])
            return cells[index.column()]
        if role == ALIGNMENT:
            return self._align[index.column()]
        if not 0 <= row < len(self._rows):
            return None
        if role == FOREGROUND:
            if self._keys[index.column()] == "status" and is_error(self._rows[row]):
                return ERROR_BRUSH
            return None
        if role == TOOLTIP:
            tip = self._tooltip(self._rows[row])
            if self._keys[index.column()] in ELIDED:
                return f"{self.data(index)}\n{tip}"
            return tip
        if role == ID_ROLE:
            return self._rows[row].id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def canFetchMore(self, parent: Index = NO_PARENT) -> bool:  # noqa: N802 - Qt API
        return not parent.isValid() and self._scope is not None and not self.exhausted \
            and self._task is None

    def fetchMore(self, parent: Index = NO_PARENT) -> None:  # noqa: N802 - Qt API
        """Schedule the next (older) page; it is appended when it arrives."""
        if self.canFetchMore(parent):
            self._start(self._load_older(self._generation))

    # --- what the page asks -----------------------------------------------------------------

    @property
    def filter(self) -> LogFilter:
        return self._filter

    def row_at(self, row: int) -> LogRow:
        return self._rows[row]

    def row_ids(self) -> list[int]:
        return [r.id for r in self._rows]

    def reset(self, flt: LogFilter | None = None) -> None:
        """Start over (new filter, or F5): drop every row and load the newest page."""
        self._generation += 1
        self._task = None  # a load still running for the old filter finishes unheard
        self.beginResetModel()
        self._filter = flt if flt is not None else self._filter
        self._rows = []
        self._cells.clear()
        self._scope = None
        self.exhausted = False
        self._newer_wanted = False
        self.endResetModel()
        self._start(self._load_first(self._generation))

    def load_newer(self) -> None:
        """Prepend rows that arrived since the newest one shown (at most one load at a time)."""
        if self._scope is None and self._task is None:
            self.reset()
        elif self._task is not None:
            self._newer_wanted = True
        else:
            self._start(self._load_newer(self._generation))

    async def wait_idle(self) -> None:
        """Wait until no load is running or queued (tests, benchmark)."""
        while self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            await asyncio.sleep(0)

    # --- loading ------------------------------------------------------------------------------

    def _start(self, coro: Coroutine[Any, Any, None]) -> None:
        task = self._spawn(coro)
        self._task = task
        task.add_done_callback(self._finished)

    def _finished(self, task: "asyncio.Task[Any]") -> None:
        if self._task is not task:
            return  # a reset replaced it while it ran
        self._task = None
        self.loaded.emit()
        if task.cancelled() or self._scope is None:
            return
        if self._newer_wanted:
            self._newer_wanted = False
            self._start(self._load_newer(self._generation))

    async def _load_first(self, generation: int) -> None:
        self.fetch_count += 1
        scope, rows = await self.backend.call(logquery.first_page, self._filter,
                                              limit=self.PAGE)
        if generation == self._generation:
            self._scope = scope
            self._append(rows)

    async def _load_older(self, generation: int) -> None:
        assert self._scope is not None
        self.fetch_count += 1
        before = self._rows[-1].id if self._rows else None
        rows = await self.backend.call(logquery.page, self._scope, before_id=before,
                                       limit=self.PAGE)
        if generation == self._generation:
            self._append(rows)

    async def _load_newer(self, generation: int) -> None:
        assert self._scope is not None
        if not self._rows:
            # nothing matched before: resolve the filter again (its user or date range may
            # have had no rows then) and take whatever is there now as the first page
            await self._load_first(generation)
            return
        self.newer_count += 1
        rows = await self.backend.call(logquery.newer, self._scope, self._rows[0].id,
                                       limit=self.PAGE + 1)
        if not rows or generation != self._generation:
            return
        if len(rows) > self.PAGE:  # a flood since the last look: start from the top
            self._task = None  # this load is over; reset starts the next one
            self.reset()
            return
        self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
        self._rows[0:0] = rows
        self._cells.clear()  # row numbers moved
        self.endInsertRows()

    def _append(self, rows: list[LogRow]) -> None:
        self.exhausted = len(rows) < self.PAGE
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    # --- presentation -------------------------------------------------------------------------

    @staticmethod
    def _format(row: LogRow) -> tuple[str, ...]:
        """A row's display texts, in column order."""
        status = f"{row.status} {row.error_code}" if row.error_code else str(row.status)
        return (format_time(row.created_at), row.username or "", row.model or "",
                row.provider or "", status, f"{row.prompt_tokens:,}", f"{row.cached_tokens:,}",
                f"{row.completion_tokens:,}", format_cost(row.cost_micros),
                f"{row.duration_ms:,}", "—" if row.ttfb_ms is None else f"{row.ttfb_ms:,}",
                row.client_ip or "", "✓" if row.stream else "", "✓" if row.estimated else "",
                format_cost(row.written_off_micros) if row.written_off_micros else "",
                row.endpoint or "")

    @staticmethod
    def _alignment(key: str) -> int:
        if key in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if key in CENTERED:
            return int(Qt.AlignmentFlag.AlignCenter)
        return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def _tooltip(self, row: LogRow) -> str:
        lines = [self.tr("Request ID: {id}").format(id=row.request_id)]
        if row.endpoint:
            lines.append(self.tr("Route: {route}").format(route=row.endpoint))
        if row.upstream_model and row.upstream_model != row.model:
            lines.append(self.tr("Upstream model: {model}").format(model=row.upstream_model))
        if row.error_code:
            lines.append(self.tr("Error: {code}").format(code=row.error_code))
        if row.failover_count:
            lines.append(self.tr("Failed over {n} time(s)").format(n=row.failover_count))
        # What the columns hidden by default hold (the header's menu shows them).
        if row.cached_tokens:
            lines.append(self.tr("Cached prompt tokens: {n}").format(n=f"{row.cached_tokens:,}"))
        if row.stream:
            lines.append(self.tr("Streamed"))
        if row.estimated:
            lines.append(self.tr("Token counts estimated"))
        if row.written_off_micros:
            lines.append(self.tr("Written off: {amount}").format(
                amount=format_cost(row.written_off_micros)))
        if row.user_agent:
            lines.append(self.tr("Client: {agent}").format(agent=row.user_agent))
        return "\n".join(lines)


def is_error(row: LogRow) -> bool:
    return row.status >= 400  # as app.logquery and app.stats count errors


def format_time(at: datetime | str) -> str:
    """The stored UTC time in the computer's local time, like every day the app shows; seconds
    precision: enough to find a request, short enough for the column."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
