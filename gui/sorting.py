"""A sort proxy that compares sort keys in Python.

PySide6 6.11 orders Python ints above 2**31 wrongly inside QSortFilterProxyModel (balances in
micro-units pass that at 2,147 currency units), so the comparison happens here instead, where
ints are exact. ``None`` sorts first.
"""

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

Index = QModelIndex | QPersistentModelIndex


class SortProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802 - Qt override
        a: Any = left.data(self.sortRole())
        b: Any = right.data(self.sortRole())
        if a is None or b is None:
            return a is None and b is not None
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
