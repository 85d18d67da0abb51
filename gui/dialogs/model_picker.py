"""Pick the models a provider serves from the list it publishes (the provider dialog's "Fetch
models"): a filter box over checkable names, the ones already configured checked."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ModelPickerDialog(QDialog):
    """Attributes:
        filter: narrows the list to names containing its text (any case).
        list: one checkable item per listed model.
        ok_button: accepts; the caller reads :meth:`checked_models`.
    """

    def __init__(self, models: list[str], checked: set[str], provider: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models of {name}").format(name=provider) if provider
                            else self.tr("Choose models"))
        self.setMinimumSize(420, 460)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter, e.g. chat"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        for name in models:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in checked
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.itemChanged.connect(self._update_count)
        self.check_shown_button = QPushButton(self.tr("Check shown"))
        self.check_shown_button.clicked.connect(lambda: self._check_shown(True))
        self.uncheck_shown_button = QPushButton(self.tr("Uncheck shown"))
        self.uncheck_shown_button.clicked.connect(lambda: self._check_shown(False))
        self.count = QLabel("")
        tools = QHBoxLayout()
        tools.addWidget(self.check_shown_button)
        tools.addWidget(self.uncheck_shown_button)
        tools.addStretch(1)
        tools.addWidget(self.count)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addLayout(tools)
        layout.addWidget(self.buttons)
        self._update_count()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(row) for row in range(self.list.count())]

    def checked_models(self) -> list[str]:
        """The checked names in list order, hidden ones included (the filter only narrows the
        view)."""
        return [item.text() for item in self.items()
                if item.checkState() == Qt.CheckState.Checked]

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for item in self.items():
            item.setHidden(needle not in item.text().casefold())

    def _check_shown(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for item in self.items():
            if not item.isHidden():
                item.setCheckState(state)

    def _update_count(self) -> None:
        self.count.setText(self.tr("{checked} of {total} checked").format(
            checked=len(self.checked_models()), total=self.list.count()))
