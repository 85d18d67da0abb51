"""Add or edit a user. The dialog saves through the accounts service itself, so a refusal (bad
email, taken username, short password) is shown right here and the operator's typing is kept."""

import asyncio
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import accounts, groups
from app.errors import ServiceError
from app.models import User
from gui.backend import Backend
from gui.errors import error_text, show_error


class UserEditDialog(QDialog):
    """New user when ``user`` is None, otherwise edits that user's email, phone and password.

    Attributes:
        saved: the User the service returned after a successful save.
    """

    def __init__(self, backend: Backend, user: User | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.user = user
        self.saved: User | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        editing = user is not None
        self.setWindowTitle(self.tr("Add user") if user is None
                            else self.tr("Edit user {user}").format(user=user.username))
        self.username = QLineEdit(user.username if user is not None else "")
        self.username.setReadOnly(editing)
        if editing:  # shown as plain text: a username cannot be changed
            self.username.setFrame(False)
            self.username.setStyleSheet("background: transparent")
        # Required fields say so, as optional ones do: the service refuses them empty.
        self.username.setPlaceholderText(self.tr("required: letters, digits, '.', '_' or '-'"))
        self.email = QLineEdit((user.email or "") if user is not None else "")
        self.email.setPlaceholderText(self.tr("required, e.g. name@example.com"))
        self.phone = QLineEdit((user.phone or "") if user is not None else "")
        self.phone.setPlaceholderText(self.tr("optional"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(
            self.tr("leave empty to keep the current password") if editing
            else self.tr("optional, at least 8 characters"))
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.group = QComboBox()  # filled from the groups service once the dialog is up
        self.group.setToolTip(self.tr("The group sets the prices this user pays and the models "
                                      "they may use"))
        note = QLabel(self.tr("Programs that call the relay use API keys, not this password: "
                              "create them with API keys… on the Users page."))
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text)")
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Username:"), self.username)
        form.addRow(self.tr("Email:"), self.email)
        form.addRow(self.tr("Phone:"), self.phone)
        form.addRow(self.tr("Group:"), self.group)
        form.addRow(self.tr("New password:") if editing else self.tr("Password:"), self.password)
        form.addRow(self.tr("Repeat password:"), self.confirm)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._start_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        (self.email if editing else self.username).setFocus()
        self._spawn(self._load_groups())

    def save_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def _start_save(self) -> None:
        self._spawn(self.save())

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _load_groups(self) -> None:
        """The groups to choose from, the user's own (or "default" for a new one) selected."""
        try:
            rows = await self.backend.call(groups.list_groups)
        except Exception as exc:  # noqa: BLE001 - explained by show_error; the rest still works
            show_error(self, exc)
            return
        current = next((g.name for g in rows if self.user is not None
                        and g.id == self.user.group_id), groups.DEFAULT)
        for row in rows:
            self.group.addItem(row.name)
        self.group.setCurrentText(current)

    async def idle(self) -> None:
        """Wait for a save in progress (tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    async def save(self) -> bool:
        """Send the form to the service; close on success, keep the form open on a refusal."""
        if self.password.text() != self.confirm.text():
            self._show_error(self.tr("The two passwords do not match."))
            self.confirm.setFocus()
            return False
        password = self.password.text() or None
        self.save_button().setEnabled(False)
        self.error.hide()
        try:
            if self.user is None:
                self.saved = await self.backend.call(
                    accounts.add_user, self.username.text(), self.email.text(),
                    phone=self.phone.text() or None, password=password,
                    group=self.group.currentText() or None)
            else:
                self.saved = await self.backend.call(
                    accounts.update_user, self.user.username, email=self.email.text(),
                    phone=self.phone.text(), password=password,
                    group=self.group.currentText() or None)
        except ServiceError as exc:
            self._show_error(error_text(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - unexpected: logged and explained by show_error
            show_error(self, exc)
            return False
        finally:
            self.save_button().setEnabled(True)
        self.accept()
        return True
