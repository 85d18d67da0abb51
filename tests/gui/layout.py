"""What a user would see wrong in a laid-out widget: text cut off, widgets squeezed below the
size they need or pushed out of their parent. Render tests assert that this list is empty."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTabBar,
    QTableView,
    QWidget,
)

from gui.tables import elided_columns

# Widgets a layout must give at least their minimum size hint (Qt's own parts, named qt_*,
# and views whose hints are only a default are left out).
SIZED = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QLabel, QProgressBar)


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    return f"{type(widget).__name__} {widget.objectName() or text[:40]!r}"


def _qt_part(widget: QWidget) -> bool:
    """A part Qt adds and sizes itself (a spin box's editor, a tab bar's scroll arrows)."""
    return widget.objectName().startswith("qt_") or isinstance(widget.parentWidget(), QTabBar)


def _in_scrolled_content(widget: QWidget) -> bool:
    """Content of a scroll area may be larger than its viewport: that is what scrolling is for."""
    parent = widget.parentWidget()
    grandparent = parent.parentWidget() if parent is not None else None
    return isinstance(grandparent, QAbstractScrollArea) and parent is grandparent.viewport()


def _cut_text(widget: QWidget) -> str | None:
    """Text a minimum size hint does not cover: wrapped labels, tabs, table cells."""
    if isinstance(widget, QLabel) and widget.text() and widget.wordWrap():
        needed = widget.heightForWidth(widget.width())
        if needed > widget.height():
            return f"wraps to {needed} px high in {widget.height()} px"
    if isinstance(widget, QTabBar):
        for i in range(widget.count()):
            tab = widget.tabRect(i)
            needed = widget.fontMetrics().horizontalAdvance(widget.tabText(i).replace("&", ""))
            if needed > tab.width() or not widget.rect().contains(tab):
                return f"tab {widget.tabText(i)!r} needs {needed} px, shown in {tab}"
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        return cut_table(widget)
    return None


def cut_table(view: QAbstractItemView) -> str | None:
    """A header or cell whose text is wider than its column (shown elided), outside the columns
    the table lets elide (gui.tables.fit_columns), which must carry the full text as a tooltip;
    or columns pushed behind a horizontal scrollbar."""
    if not isinstance(view, QTableView):
        return None
    model, header = view.model(), view.horizontalHeader()
    elided = elided_columns(view)
    columns = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    if view.horizontalScrollBar().maximum() > 0:
        hidden = [model.headerData(c, Qt.Orientation.Horizontal) for c in columns
                  if view.columnViewportPosition(c) + view.columnWidth(c)
                  > view.viewport().width()]
        return f"columns {hidden} lie behind a horizontal scrollbar"
    for column in columns:
        needed = header.sectionSizeFromContents(column).width()
        if column not in elided and needed > view.columnWidth(column):
            return f"header {model.headerData(column, Qt.Orientation.Horizontal)!r} needs " \
                   f"{needed} px, has {view.columnWidth(column)}"
    for row in range(min(model.rowCount(), 200)):  # render tests show a screenful
        for column in columns:
            index = model.index(row, column)
            needed = view.sizeHintForIndex(index).width()
            if needed <= view.columnWidth(column):
                continue
            text = str(index.data() or "")
            if column not in elided:
                return f"cell ({row}, {column}) {text!r} needs {needed} px, has " \
                       f"{view.columnWidth(column)}"
            if text not in str(index.data(Qt.ItemDataRole.ToolTipRole) or ""):
                return f"elided cell ({row}, {column}) {text!r} has no tooltip with its text"
    return None


def layout_problems(root: QWidget) -> list[str]:
    """Each visible widget under ``root`` (shown) that is squeezed, cut off or out of place."""
    problems = []
    if root.width() < root.minimumSizeHint().width() or \
            root.height() < root.minimumSizeHint().height():
        problems.append(f"{_name(root)} is smaller than its minimum {root.minimumSizeHint()}")
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow():
            continue
        parent = widget.parentWidget()
        if parent is not None and not _in_scrolled_content(widget) and \
                not parent.rect().contains(widget.geometry()):
            problems.append(f"{_name(widget)} at {widget.geometry()} lies outside its parent "
                            f"{_name(parent)} {parent.rect()}")
        hint = widget.minimumSizeHint()
        squeezed = widget.width() < hint.width() or widget.height() < hint.height()
        if isinstance(widget, SIZED) and not _qt_part(widget) and hint.isValid() and squeezed:
            problems.append(f"{_name(widget)} is squeezed to {widget.size()} below its minimum "
                            f"{hint}")
        cut = _cut_text(widget)
        if cut is not None:
            problems.append(f"{_name(widget)}: {cut}")
    return problems
