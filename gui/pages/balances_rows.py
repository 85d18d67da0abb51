"""A read-only table model over service rows, and page-wide shortcut buttons, shared by the
Balances and Prices pages.

Columns are declared as data (header, text, sort key, alignment) so each page states *what* it
shows in a few lines; the model only answers Qt's questions. Sorting goes through a
QSortFilterProxyModel on ``SORT_ROLE`` so money sorts by its integer micro-units, not its text.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QPushButton, QTableView, QWidget

from gui.sorting import SortProxy
from gui.tables import NEGATIVE, NUMBER_ALIGNMENT

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column:
    """One column: ``text`` renders a row; ``key`` sorts it (default: the text)."""

    header: str
    text: Callable[[Any], str]
    key: Callable[[Any], Any] | None = None
    numeric: bool = False  # right-aligned
    negative: Callable[[Any], bool] | None = None  # drawn in red when true
    tooltip: Callable[[Any], str] | None = None  # shown after the text of a text column


def local_time(value: datetime | None) -> str:
    """Stored times are naive UTC; the operator reads local time."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


class RowsModel(QAbstractTableModel):
    """Rows are service objects (peewee rows loaded in the worker); cells are never editable."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def append_rows(self, rows: Sequence[Any]) -> None:
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def set_header(self, column: int, text: str) -> None:
        column_def = self.columns[column]
        self.columns[column] = Column(text, column_def.text, column_def.key, column_def.numeric,
                                      column_def.negative, column_def.tooltip)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return column.key(row) if column.key is not None else column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(NUMBER_ALIGNMENT if column.numeric else
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.negative is not None:
            return NEGATIVE if column.negative(row) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return None

    @staticmethod
    def _tooltip(row: Any, column: Column) -> str | None:
        """A text column's full text (it may be elided), then the column's own note."""
        parts = [] if column.numeric else [column.text(row)]
        if column.tooltip is not None:
            parts.append(column.tooltip(row) or "")
        return "\n".join(dict.fromkeys(p for p in parts if p)) or None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].numeric:
                return int(NUMBER_ALIGNMENT)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def sorted_view(model: RowsModel, filter_column: int = 0) -> QSortFilterProxyModel:
    """A proxy that sorts on ``SORT_ROLE`` and filters one column, case-insensitively."""
    proxy = SortProxy(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterKeyColumn(filter_column)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy


def make_table(model: QAbstractItemModel, *, sortable: bool = False) -> QTableView:
    """A read-only, row-selecting table; ``model`` may be a proxy."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)
    if sortable:
        view.setSortingEnabled(True)
    return view


def selected_row(view: QTableView) -> Any | None:
    """The service row behind the view's current selection (through any proxy)."""
    indexes = view.selectionModel().selectedRows()
    if not indexes:
        return None
    index, model = indexes[0], view.model()
    while isinstance(model, QSortFilterProxyModel):
        index, model = model.mapToSource(index), model.sourceModel()
    assert isinstance(model, RowsModel)
    return model.rows[index.row()]


def shortcut(page: QWidget, keys: str | QKeySequence.StandardKey,
             slot: Callable[[], Any]) -> QKeySequence:
    """A page-wide shortcut: pages sit in a stack, and Qt only fires shortcuts of visible
    widgets, so two pages may use the same keys."""
    action = QAction(page)
    action.setShortcut(QKeySequence(keys))
    action.triggered.connect(slot)
    page.addAction(action)
    return action.shortcut()


def shortcut_button(page: QWidget, text: str, tip: str, keys: str | QKeySequence.StandardKey,
                    slot: Callable[[], Any]) -> QPushButton:
    """A button doing ``slot``, also on ``keys``, which its tooltip names."""
    keys_text = shortcut(page, keys, slot).toString(QKeySequence.SequenceFormat.NativeText)
    button = QPushButton(text)
    button.setToolTip(QCoreApplication.translate("BalancesPage", "{what} ({shortcut})").format(
        what=tip, shortcut=keys_text))
    button.clicked.connect(slot)
    return button
