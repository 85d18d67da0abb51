"""Codes page dialogs: how many redemption codes to generate and of what amount, and the codes
shown the one time they exist, with Copy and Save as CSV…. The redemption service checks the
input; the dialog shows its refusal."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import redemption
from app.errors import ServiceError
from gui.asyncdialog import ask
from gui.dialogs.recharge import error_label, ok_cancel, with_unit
from gui.errors import error_text
from gui.widgets.expiry import ExpiryField


class GenerateCodesDialog(QDialog):
    """Codes → Generate…: count, amount each, optional last day, note."""

    def __init__(self, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Generate redemption codes"))
        self.setMinimumWidth(440)
        self.count = QSpinBox()
        self.count.setRange(1, redemption.MAX_COUNT)
        self.count.setValue(10)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("each, for example 10 or 12.50"))
        self.expiry_field = ExpiryField(30)
        self.expires, self.expiry = self.expiry_field.expires, self.expiry_field.expiry
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("optional: what they are for"))
        form = QFormLayout()
        form.addRow(self.tr("&Count:"), self.count)
        form.addRow(self.tr("&Amount:"), with_unit(self.amount, currency))
        form.addRow(self.tr("Expiry:"), self.expiry_field)
        form.addRow(self.tr("&Note:"), self.note)
        self.message = error_label()
        buttons, self.ok_button = ok_cancel(self, self.tr("Generate"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def fail(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()

    def expires_at(self) -> datetime | None:
        return self.expiry_field.expires_at()


class CodesCreatedDialog(QDialog):
    """The one time generated codes are visible: only their hashes are stored.

    Attributes:
        picker: the open "Save as CSV" file dialog, if any (tests answer it).
        saved_to: where the CSV was saved last, if it was.
    """

    def __init__(self, codes: list[redemption.NewCode],
                 backend_call: Callable[..., Awaitable[Any]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Codes generated"))
        self.setMinimumWidth(520)
        self._codes = codes
        self._call = backend_call
        self.picker: QFileDialog | None = None
        self.saved_to: Path | None = None
        warning = QLabel(self.tr(
            "Save or copy these {count} codes now. They will not be shown again.").format(
            count=len(codes)))
        warning.setWordWrap(True)
        self.text = QPlainTextEdit("\n".join(c.code for c in codes))
        self.text.setReadOnly(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setToolTip(self.tr("Copy the codes to the clipboard, one a line"))
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton(self.tr("&Save as CSV…"))
        self.save_button.clicked.connect(lambda: asyncio.ensure_future(self.choose_file()))
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.hide()
        self.message = error_label()
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Done"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.save_button.setFocus()
        self.finished.connect(self.text.clear)  # the codes do not linger in a widget

    def copy(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(c.code for c in self._codes))
        self._say(self.tr("Copied to the clipboard."))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()

    async def choose_file(self) -> Path | None:
        batch = self._codes[0].row.batch if self._codes else "codes"
        picker = QFileDialog(self, self.tr("Save codes as"),
                             str(Path.home() / f"codes-{batch}.csv"))
        picker.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        picker.setDefaultSuffix("csv")
        picker.setNameFilters([self.tr("CSV files (*.csv)"), self.tr("All files (*)")])
        self.picker = picker
        try:
            if await ask(picker) != QDialog.DialogCode.Accepted or not picker.selectedFiles():
                return None
            path = Path(picker.selectedFiles()[0])
        finally:
            self.picker = None
            picker.deleteLater()
        return await self.save_to(path)

    async def save_to(self, path: Path) -> Path | None:
        """Write the CSV (the file dialog already asked before replacing a file)."""
        try:
            await self._call(redemption.write_csv, path, self._codes, replace=True)
        except ServiceError as exc:
            self.message.setText(error_text(exc))
            self.message.show()
            return None
        self.message.hide()
        self.saved_to = path
        self._say(self.tr("Saved as {path}.").format(path=path))
        return path
