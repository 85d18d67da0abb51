"""Portal page dialogs: a new invite, its code shown once, a rejection's reason and a new
announcement. They collect text; the invites, deletion-requests and announcements services
check it, and the dialog shows their refusal."""

from datetime import datetime

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
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

from app.invites import MAX_USES
from gui.dialogs.recharge import error_label, ok_cancel
from gui.widgets.expiry import ExpiryField


class _FormDialog(QDialog):
    """A form, the service's refusal under it, and OK/Cancel."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.message = error_label()
        buttons, self.ok_button = ok_cancel(self, ok_text)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def fail(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()


class InviteDialog(_FormDialog):
    """Portal → New invite…: how many registrations, until when, and a note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New invite"), self.tr("Create"), parent)
        self.uses = QSpinBox()
        self.uses.setRange(0, MAX_USES)
        self.uses.setValue(1)
        self.uses.setSpecialValueText(self.tr("unlimited"))
        self.expiry_field = ExpiryField(7)
        self.expires, self.expiry = self.expiry_field.expires, self.expiry_field.expiry
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("optional: who or what it is for"))
        self.form.addRow(self.tr("&Registrations:"), self.uses)
        self.form.addRow(self.tr("Expiry:"), self.expiry_field)
        self.form.addRow(self.tr("&Note:"), self.note)

    def max_uses(self) -> int | None:
        return self.uses.value() or None

    def expires_at(self) -> datetime | None:
        return self.expiry_field.expires_at()


class InviteCodeDialog(QDialog):
    """The one time an invite code is visible: only its hash is stored."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Invite created"))
        warning = QLabel(self.tr("Copy this code now and give it to the person you invite. It "
                                 "will not be shown again."))
        warning.setWordWrap(True)
        self.code_field = QLineEdit(code)
        self.code_field.setReadOnly(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.code_field.setFont(mono)
        self.code_field.setMinimumWidth(
            self.code_field.fontMetrics().horizontalAdvance(code) + 24)
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.code_field, 1)
        row.addWidget(self.copy_button)
        self.copied = QLabel(self.tr("Copied to the clipboard."))
        self.copied.hide()
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("I have copied the code"),
                          QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(row)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.copy_button.setFocus()
        self.finished.connect(self.code_field.clear)  # the secret does not linger in a widget

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code_field.text())
        self.copied.show()


class RejectDialog(_FormDialog):
    """Portal → Reject…: the reason the user will read."""

    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Reject deletion request"), self.tr("Reject"), parent)
        intro = QLabel(self.tr("Keep the account of {user}. They see this reason on their "
                               "Privacy page.").format(user=username))
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.form.addRow(intro)
        self.form.addRow(self.tr("&Reason:"), self.reason)


class AnnouncementDialog(_FormDialog):
    """Portal → Post…: a title and a body every portal user sees on their home page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New announcement"), self.tr("Post"), parent)
        self.title_field = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.form.addRow(self.tr("&Title:"), self.title_field)
        self.form.addRow(self.tr("&Body:"), self.body)
        self.email = QCheckBox(self.tr("Also &email it to every user who has not opted out"))
        self.form.addRow("", self.email)
