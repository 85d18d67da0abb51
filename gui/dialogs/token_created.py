"""The one and only time a new admin token's plaintext is visible: copy it now or issue another.

Like API keys (gui/dialogs/key_created.py), only a SHA-256 of the token is stored. The field is
cleared when the dialog closes so the secret does not linger in a widget.
"""

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class TokenCreatedDialog(QDialog):
    def __init__(self, token_name: str, plaintext: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Admin token created"))
        title = QLabel(self.tr("<b>New admin token “{name}”</b>").format(name=token_name))
        warning = QLabel(self.tr("Copy this token now and keep it somewhere safe. It will not be "
                                 "shown again: RelayDesk keeps only a fingerprint of it. If it "
                                 "is lost, revoke it and create a new one."))
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #b54708")
        usage = QLabel(self.tr("Programs use it to call the admin API. It works only from "
                               "addresses in the admin IP whitelist (Settings page)."))
        usage.setWordWrap(True)
        self.token_field = QLineEdit(plaintext)
        self.token_field.setReadOnly(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.token_field.setFont(mono)
        self.token_field.setMinimumWidth(
            self.token_field.fontMetrics().horizontalAdvance(plaintext) + 24)
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setToolTip(self.tr("Copy the token to the clipboard"))
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.token_field, 1)
        row.addWidget(self.copy_button)
        self.copied = QLabel(self.tr("Copied to the clipboard."))
        self.copied.hide()
        buttons = QDialogButtonBox()
        self.done_button = buttons.addButton(self.tr("I have copied the token"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(warning)
        layout.addLayout(row)
        layout.addWidget(self.copied)
        layout.addWidget(usage)
        layout.addWidget(buttons)
        self.token_field.selectAll()
        self.copy_button.setFocus()
        self.finished.connect(self._forget)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.token_field.text())
        self.copied.show()

    def _forget(self) -> None:
        self.token_field.clear()
