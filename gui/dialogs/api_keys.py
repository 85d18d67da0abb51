"""One user's relay API keys: list, create (plaintext shown once), edit limits, revoke.

The form only collects text; the apikeys service parses and validates models, CIDRs and dates,
and its refusal is shown inside the form so nothing is created from bad input.
"""

import asyncio
import functools
from collections.abc import Coroutine
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QRegularExpression, Qt
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QRegularExpressionValidator,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import accounts, apikeys, catalog, clock, pricing
from app.errors import ServiceError
from app.models import ApiKey
from gui.asyncdialog import ask, confirm_destructive
from gui.backend import Backend
from gui.dialogs.key_created import KeyCreatedDialog
from gui.errors import error_text, show_error


def local_time(value: datetime | None) -> str:
    """Stored times are naive UTC; the operator reads local time."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def last_valid_day(expires_at: datetime) -> date:
    """A key "expiring YYYY-MM-DD" is stored as the following midnight (UTC)."""
    return (expires_at - timedelta(microseconds=1)).date()


class _Tasks:
    """Background actions of a dialog, with errors shown and a way for tests to wait."""

    def __init__(self, owner: QWidget) -> None:
        self.owner = owner
        self.running: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
        task = asyncio.ensure_future(self._guard(coro))
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        return task

    async def _guard(self, coro: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await coro
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - show_error shows it, logging unexpected ones
            show_error(self.owner, exc)
            return None

    async def idle(self) -> None:
        while self.running:
            await asyncio.gather(*list(self.running), return_exceptions=True)


class _ModelListCompleter(QCompleter):
    """Completes the model being typed after the last comma, keeping the ones before it."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt override
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        head = text.rsplit(",", 1)[0].strip() if "," in text else ""
        picked = super().pathFromIndex(index)
        return f"{head}, {picked}" if head else picked


LIMIT_FIELDS = ("rpm", "tpm", "concurrency")


class KeyFormDialog(QDialog):
    """Create a key (``key`` None) or change an existing key's limits.

    Attributes:
        created: (ApiKey, plaintext) after a successful create; the caller shows and drops it.
    """

    def __init__(self, backend: Backend, username: str, key: ApiKey | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.username = username
        self.key = key
        self.created: tuple[ApiKey, str] | None = None
        self.tasks = _Tasks(self)
        self.setWindowTitle(self.tr("New API key for {user}").format(user=username)
                            if key is None else
                            self.tr("Limits of key “{name}”").format(name=key.name))
        self.name = QLineEdit(key.name if key is not None else "default")
        self.name.setReadOnly(key is not None)
        self.models = QLineEdit(", ".join(key.allowed_models or []) if key is not None else "")
        self.models.setPlaceholderText(self.tr("any priced model"))
        self.model_menu = QMenu(self)
        self.add_model = QPushButton(self.tr("Add model"))
        self.add_model.setToolTip(self.tr("Pick one of the models that have a price"))
        self.add_model.setMenu(self.model_menu)
        self.add_model.setEnabled(False)
        models_row = QHBoxLayout()
        models_row.addWidget(self.models, 1)
        models_row.addWidget(self.add_model)
        self.cidrs = QPlainTextEdit("\n".join(key.allowed_cidrs or []) if key is not None else "")
        self.cidrs.setPlaceholderText(self.tr("any address\n\nfor example:\n192.168.1.0/24\n"
                                              "10.0.0.7"))
        self.cidrs.setTabChangesFocus(True)
        self.cidrs.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.expires_on = QCheckBox(self.tr("Expires after"))
        self.expiry = QDateEdit()
        self.expiry.setCalendarPopup(True)
        self.expiry.setDisplayFormat("yyyy-MM-dd")
        self._original_expiry: date | None = None
        if key is not None and key.expires_at is not None:
            self._original_expiry = last_valid_day(key.expires_at)
            day = self._original_expiry
            self.expiry.setDate(QDate(day.year, day.month, day.day))
            self.expires_on.setChecked(True)
        else:
            self.expiry.setDate(QDate.currentDate().addDays(90))
        self.expiry.setEnabled(self.expires_on.isChecked())
        self.expires_on.toggled.connect(self.expiry.setEnabled)
        expiry_row = QHBoxLayout()
        expiry_row.addWidget(self.expires_on)
        expiry_row.addWidget(self.expiry)
        expiry_row.addStretch(1)
        self.rpm = self._limit_field(key.rpm_limit if key is not None else None)
        self.tpm = self._limit_field(key.tpm_limit if key is not None else None)
        self.concurrency = self._limit_field(key.concurrency_limit if key is not None else None)
        hint = QLabel(self.tr("Leave models or addresses empty to allow any. A key works until "
                              "the end of its expiry day (UTC). Leave a rate limit empty to "
                              "follow the default in Settings; 0 means unlimited."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text)")
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Allowed models:"), models_row)
        form.addRow(self.tr("Allowed addresses:"), self.cidrs)
        form.addRow(self.tr("Expiry:"), expiry_row)
        form.addRow(self.tr("Requests per minute:"), self.rpm)
        form.addRow(self.tr("Tokens per minute:"), self.tpm)
        form.addRow(self.tr("Concurrent requests:"), self.concurrency)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button().setText(self.tr("Create key") if key is None else self.tr("Save"))
        self.buttons.accepted.connect(lambda: self.tasks.spawn(self.save()))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.tasks.spawn(self._load_models())

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _limit_field(self, value: int | None) -> QLineEdit:
        field = QLineEdit("" if value is None else str(value))
        field.setPlaceholderText(self.tr("default"))
        field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,10}"), field))
        field.setMaximumWidth(160)
        return field

    def limit_values(self) -> dict[str, str | None]:
        """The three limits as typed; ``None`` (empty) follows the operator's default."""
        fields = {"rpm": self.rpm, "tpm": self.tpm, "concurrency": self.concurrency}
        return {name: field.text().strip() or None for name, field in fields.items()}

    def _limit_changes(self) -> dict[str, apikeys.LimitChange]:
        """For an edit: the limits that changed, ``None`` for the others (update_key leaves
        those alone); emptied ones go back to the default."""
        assert self.key is not None
        changes: dict[str, apikeys.LimitChange] = {}
        for name, text in self.limit_values().items():
            before = getattr(self.key, f"{name}_limit")
            changed = text != (None if before is None else str(before))
            changes[name] = (apikeys.DEFAULT if text is None else text) if changed else None
        return changes

    async def _load_models(self) -> None:
        names = [p.model for p in await self.backend.call(pricing.list_prices)]
        completer = _ModelListCompleter(names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.models.setCompleter(completer)
        for name in names:
            self.model_menu.addAction(name, functools.partial(self.append_model, name))
        self.add_model.setEnabled(bool(names))

    def append_model(self, name: str) -> None:
        current = self.model_list()
        if name not in current:
            self.models.setText(", ".join([*current, name]))

    def model_list(self) -> list[str]:
        return [m.strip() for m in self.models.text().split(",") if m.strip()]

    def cidr_list(self) -> list[str]:
        text = self.cidrs.toPlainText().replace(",", "\n")
        return [c.strip() for c in text.splitlines() if c.strip()]

    def expiry_text(self) -> str | None:
        if not self.expires_on.isChecked():
            return None
        return self.expiry.date().toString(Qt.DateFormat.ISODate)

    async def save(self) -> bool:
        """Create or update through the service; a refusal stays in the form, nothing saved."""
        self.ok_button().setEnabled(False)
        self.error.hide()
        try:
            if self.key is None:
                limits = self.limit_values()
                self.created = await self.backend.call(
                    apikeys.create_key, self.username, name=self.name.text(),
                    models=self.model_list(), cidrs=self.cidr_list(),
                    expires=self.expiry_text(), rpm=limits["rpm"], tpm=limits["tpm"],
                    concurrency=limits["concurrency"])
            else:
                expiry = self.expiry_text()
                changes = self._limit_changes()
                unchanged = (expiry is not None and self._original_expiry is not None
                             and expiry == self._original_expiry.isoformat())
                await self.backend.call(
                    apikeys.update_key, self.key.id, models=self.model_list(),
                    cidrs=self.cidr_list(), expires=None if unchanged else expiry,
                    clear_expiry=expiry is None and self._original_expiry is not None,
                    rpm=changes["rpm"], tpm=changes["tpm"], concurrency=changes["concurrency"])
        except ServiceError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            return False
        finally:
            self.ok_button().setEnabled(True)
        self.accept()
        return True


class ApiKeysDialog(QDialog):
    """Attributes:
        last_dialog: the form, confirmation or key-shown-once dialog opened last (tests).
    """

    def __init__(self, backend: Backend, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.username = username
        self.tasks = _Tasks(self)
        self.last_dialog: QDialog | None = None
        self.keys: list[ApiKey] = []
        self.setWindowTitle(self.tr("API keys of {user}").format(user=username))
        headers = [self.tr("Name"), self.tr("Key"), self.tr("Status"), self.tr("Allowed models"),
                   self.tr("Allowed addresses"), self.tr("Expires after"),
                   self.tr("Rate limits"), self.tr("Last used"), self.tr("Created")]
        self.model = QStandardItemModel(0, len(headers), self)
        self.model.setHorizontalHeaderLabels(headers)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self._edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.disabled_note = QLabel(self.tr("{user} is disabled: none of these keys work until "
                                            "the user is enabled again.").format(user=username))
        self.disabled_note.setStyleSheet("color: #b54708")
        self.disabled_note.hide()
        self.empty = QLabel(self.tr("{user} has no API keys yet. Create one to let them call "
                                    "the relay.").format(user=username))
        self.empty.setStyleSheet("color: palette(placeholder-text)")
        self.empty.hide()
        self.create_button = QPushButton(self.tr("&Create key…"))
        self.create_button.setToolTip(self.tr("Issue a new key (Ctrl+N)"))
        self.create_button.clicked.connect(lambda: self.tasks.spawn(self.create_key()))
        self.edit_button = QPushButton(self.tr("&Edit limits…"))
        self.edit_button.clicked.connect(self._edit_selected)
        self.revoke_button = QPushButton(self.tr("&Revoke…"))
        self.revoke_button.setToolTip(self.tr("Stop this key from working, for good (Delete)"))
        self.revoke_button.clicked.connect(self._revoke_selected)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.create_button, self.edit_button, self.revoke_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.disabled_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        self._shortcut("Ctrl+N", lambda: self.tasks.spawn(self.create_key()), self)
        self._shortcut(QKeySequence.StandardKey.Refresh, lambda: self.tasks.spawn(self.refresh()),
                       self)
        self._shortcut(QKeySequence.StandardKey.Delete, self._revoke_selected, self.table)
        self._shortcut("Return", self._edit_selected, self.table)
        self._shortcut("Enter", self._edit_selected, self.table)
        self.resize(1060, 360)
        self._update_buttons()
        self.tasks.spawn(self.refresh())

    def _shortcut(self, keys: Any, slot: Any, on: QWidget) -> None:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut
                                  if on is self else Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        on.addAction(action)

    async def idle(self) -> None:
        await self.tasks.idle()

    async def refresh(self) -> None:
        selected = self.selected_key()
        self.keys = await self.backend.call(apikeys.list_keys, self.username)
        user = await self.backend.call(accounts.get_user, self.username)
        self.disabled_note.setVisible(user.status != "active")
        self.model.removeRows(0, self.model.rowCount())
        now = clock.now()
        for key in self.keys:
            self.model.appendRow(self._row(key, now))
        self.empty.setVisible(not self.keys)
        self.table.setVisible(bool(self.keys))
        if selected is not None:
            for row, key in enumerate(self.keys):
                if key.id == selected.id:
                    self.table.selectRow(row)
        self._update_buttons()

    def _row(self, key: ApiKey, now: datetime) -> list[QStandardItem]:
        if key.status == "revoked":
            status = self.tr("Revoked")
        elif key.expires_at is not None and now >= key.expires_at:
            status = self.tr("Expired")
        else:
            status = self.tr("Active")
        expires = last_valid_day(key.expires_at).isoformat() if key.expires_at else None
        values = [key.name, key.prefix, status,
                  ", ".join(key.allowed_models) if key.allowed_models else self.tr("any"),
                  ", ".join(key.allowed_cidrs) if key.allowed_cidrs else self.tr("any"),
                  expires or self.tr("never"), self._limits_text(key),
                  local_time(key.last_used_at) or self.tr("never"), local_time(key.created_at)]
        items = [QStandardItem(v) for v in values]
        items[0].setData(key.id, Qt.ItemDataRole.UserRole)
        for item in items:
            item.setToolTip(item.text())
            if key.status == "revoked":
                item.setForeground(self.palette().placeholderText())
        return items

    def _limits_text(self, key: ApiKey) -> str:
        """"default", or the key's own limits, e.g. "60 requests/min, unlimited concurrent"."""
        parts = []
        for value, text in ((key.rpm_limit, self.tr("{n} requests/min")),
                            (key.tpm_limit, self.tr("{n} tokens/min")),
                            (key.concurrency_limit, self.tr("{n} concurrent"))):
            if value is not None:
                parts.append(text.format(n=value if value else self.tr("unlimited")))
        return ", ".join(parts) or self.tr("default")

    def selected_key(self) -> ApiKey | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.keys):
            return None
        return self.keys[rows[0].row()]

    def _update_buttons(self) -> None:
        key = self.selected_key()
        active = key is not None and key.status == "active"
        self.edit_button.setEnabled(active)
        self.revoke_button.setEnabled(active)

    def _edit_selected(self) -> None:
        key = self.selected_key()
        if key is not None and key.status == "active":
            self.tasks.spawn(self.edit_limits(key))

    def _revoke_selected(self) -> None:
        key = self.selected_key()
        if key is not None and key.status == "active":
            self.tasks.spawn(self.revoke(key))

    async def create_key(self) -> str | None:
        """Ask for the key's limits, create it, show the plaintext once; returns the plaintext
        only to the caller (tests), never to a table or a log."""
        form = KeyFormDialog(self.backend, self.username, parent=self)
        self.last_dialog = form
        if await ask(form) != QDialog.DialogCode.Accepted or form.created is None:
            return None
        key, plaintext = form.created
        form.created = None
        await self.refresh()
        urls = self.backend.relay_urls()
        # The agents' settings name a model: one the key may use, else one the user may.
        models = key.allowed_models or await self.backend.call(
            catalog.model_names, (await self.backend.call(accounts.get_user, self.username)).id)
        shown = KeyCreatedDialog(self.username, key.name, plaintext,
                                 urls[0] if urls else None, parent=self,
                                 fingerprint=self.backend.tls_fingerprint,
                                 cert_file=self.backend.tls_cert_file,
                                 model=models[0] if models else None)
        self.last_dialog = shown
        await ask(shown)
        shown.deleteLater()
        return plaintext

    async def edit_limits(self, key: ApiKey) -> None:
        form = KeyFormDialog(self.backend, self.username, key, parent=self)
        self.last_dialog = form
        if await ask(form) == QDialog.DialogCode.Accepted:
            await self.refresh()

    async def revoke(self, key: ApiKey) -> bool:
        if not await confirm_destructive(
                self, self.tr("Revoke key"),
                self.tr("Revoke the key “{name}” ({prefix}) of {user}?").format(
                    name=key.name, prefix=key.prefix, user=self.username),
                self.tr("Programs using this key are refused from now on. A revoked key cannot "
                        "be turned back on; create a new one instead."),
                self.tr("Revoke key")):
            return False
        await self.backend.call(apikeys.revoke_key, key.id)
        await self.refresh()
        return True
