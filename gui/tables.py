"""How every table of the desktop app is laid out: columns sized to what they hold, long text
elided (full text in the cell's tooltip), one column taking the slack, numbers right-aligned and
negative money in the same red everywhere."""

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NEGATIVE = QBrush(QColor("#b42318"))
MIN_ELIDED = 60  # px: an elided column still shows a word or two
_FITTER = "relaydesk_fitter"
Index = QModelIndex | QPersistentModelIndex


def money_foreground(micros: int) -> QBrush | None:
    """The ForegroundRole of a money cell: red when negative, the palette's text otherwise."""
    return NEGATIVE if micros < 0 else None


class _ElideDelegate(QStyledItemDelegate):
    """Draws one column's cells elided in ``mode`` (the view's own mode is per view)."""

    def __init__(self, mode: Qt.TextElideMode, parent: QObject) -> None:
        super().__init__(parent)
        self.mode = mode

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.textElideMode = self.mode


class _Fitter(QObject):
    """Shares the width the content-sized columns leave among the elided ones, whenever the
    view or its rows change: each gets what its text needs or a fair share, whichever is less."""

    def __init__(self, view: QTableView, stretch: int, elide: list[int]) -> None:
        super().__init__(view)
        self.view, self.stretch, self.elide = view, stretch, elide
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.fit)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.dataChanged, model.layoutChanged, model.headerDataChanged):
            signal.connect(self.schedule)
        header = view.horizontalHeader()
        header.sectionResized.connect(self._content_resized)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.schedule()
        return False

    def _content_resized(self, column: int, _old: int, _new: int) -> None:
        if column != self.stretch and column not in self.elide:
            self.schedule()

    def schedule(self, *_: object) -> None:
        self.timer.start(0)

    def fit(self) -> None:
        view, header = self.view, self.view.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        flexible = [c for c in shown if c in self.elide or c == self.stretch]
        room = view.viewport().width() - sum(header.sectionSize(c) for c in shown
                                             if c not in flexible)
        wants = {c: max(view.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in flexible}
        widths: dict[int, int] = {}
        left = flexible[:]
        for column in sorted(flexible, key=wants.__getitem__):  # narrowest first: water-fill
            fair = room // len(left)
            widths[column] = max(MIN_ELIDED, min(wants[column], fair))
            room -= widths[column]
            left.remove(column)
        for column in self.elide:
            if column != self.stretch and column in widths:
                header.resizeSection(column, widths[column])


def fit_columns(view: QTableView, *, stretch: int, elide: Iterable[int] = (),
                middle: Iterable[int] = (), content_sized: bool = True) -> None:
    """Lay out ``view``'s columns: each sized to its header and cells, except ``elide`` columns
    (and ``stretch``, which takes the slack), whose long text is cut with "…" at the end, or in
    the middle for ``middle`` columns (addresses, paths). With ``content_sized`` False the
    caller sizes the other columns itself (a lazily loaded table sizes them from samples)."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    # Headers sit over their text; a model right-aligns the headers of its number columns.
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    elided = sorted({*elide, *middle, stretch})
    if content_sized:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in elided:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column in middle:
        view.setItemDelegateForColumn(column, _ElideDelegate(Qt.TextElideMode.ElideMiddle, view))
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    fitter = _Fitter(view, stretch, [c for c in elided if c != stretch])
    view.setProperty(_FITTER, elided)
    fitter.schedule()


def elided_columns(view: QWidget) -> list[int]:
    """The columns :func:`fit_columns` lets elide (``[]`` for a table it did not lay out)."""
    value = view.property(_FITTER)
    return [int(c) for c in value] if value else []


def optional_columns(view: QTableView, hidden: Iterable[int]) -> None:
    """Hide ``hidden`` columns at first; right-clicking the header shows or hides any column
    (for tables with more columns than a window's width, whose extra facts are elsewhere too)."""
    header = view.horizontalHeader()
    for column in hidden:
        header.setSectionHidden(column, True)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def menu_at(at: QPoint) -> None:
        menu = QMenu(view)
        model = view.model()
        for column in range(model.columnCount()):
            action = menu.addAction(str(model.headerData(column, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(header.mapToGlobal(at))

    header.customContextMenuRequested.connect(menu_at)
