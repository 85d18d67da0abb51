"""Settings → Change admin password: the current password, then the new one twice.

The current one is checked like a sign-in (app/adminauth.py: a wrong one counts toward the
lockout), so this dialog cannot be used to guess around it.
"""

import asyncio

from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from app import adminauth
from app.errors import ServiceError
from gui.backend import Backend
from gui.dialogs.recharge import error_label, ok_cancel
from gui.errors import error_text, show_error


class ChangePasswordDialog(QDialog):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(self.tr("Change admin password"))
        self.current, self.new, self.repeat = (self._password() for _ in range(3))
        self.error = error_label()
        buttons, self.ok_button = ok_cancel(self, self.tr("Change password"))
        buttons.accepted.disconnect()
        buttons.accepted.connect(self._on_ok)
        form = QFormLayout()
        form.addRow(self.tr("Current password:"), self.current)
        form.addRow(self.tr("New password:"), self.new)
        form.addRow(self.tr("New password again:"), self.repeat)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.saving: asyncio.Future[bool] | None = None

    @staticmethod
    def _password() -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def _on_ok(self) -> None:
        if self.saving is None or self.saving.done():
            self.saving = asyncio.ensure_future(self.save())

    def _fail(self, text: str, field: QLineEdit) -> None:
        self.error.setText(text)
        self.error.show()
        field.clear()
        field.setFocus()
        self.adjustSize()

    async def save(self) -> bool:
        """Change it; on success close, on a refusal say why and stay open."""
        if self.new.text() != self.repeat.text():
            self._fail(self.tr("The two new passwords differ."), self.repeat)
            return False
        self.ok_button.setEnabled(False)
        self.error.hide()
        try:
            await self.backend.call(adminauth.change_admin_password, self.current.text(),
                                    self.new.text(), source="gui")
        except adminauth.LockedOut as exc:
            self._fail(self.tr("Too many wrong passwords: try again after {time} (UTC).").format(
                time=exc.until.strftime("%H:%M")), self.current)
            return False
        except ServiceError as exc:
            wrong = getattr(exc, "param", None) == "old"
            self._fail(self.tr("The current password is wrong.") if wrong else error_text(exc),
                       self.current if wrong else self.new)
            return False
        except Exception as exc:  # noqa: BLE001 - unexpected: logged and shown by the shared handler
            show_error(self, exc)
            return False
        finally:
            self.ok_button.setEnabled(True)
        self.accept()
        return True
