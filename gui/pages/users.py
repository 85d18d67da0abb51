"""Users page: find a user, add/edit/disable/delete them, and manage their API keys.

All rules (what an email looks like, what deletion erases) live in the services; this page
collects input, asks for confirmation and shows what the services answer.
"""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import accounts, groups, settings
from app.models import User
from app.money import format_amount
from gui.asyncdialog import ask, confirm_destructive
from gui.backend import Backend
from gui.dialogs.api_keys import ApiKeysDialog, local_time
from gui.dialogs.user_edit import UserEditDialog
from gui.pages.base import Page
from gui.sorting import SortProxy
from gui.tables import NUMBER_ALIGNMENT, fit_columns, money_foreground

SORT_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex


class UsersModel(QAbstractTableModel):
    """Read-only rows of users; sorts on raw values (balance as an integer, not as text)."""

    BALANCE = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.users: list[User] = []
        self.currency = ""

    def set_users(self, users: list[User], currency: str) -> None:
        self.beginResetModel()
        self.users = users
        self.currency = currency
        self.endResetModel()

    def headers(self) -> list[str]:
        balance = (self.tr("Balance ({currency})").format(currency=self.currency)
                   if self.currency else self.tr("Balance"))
        return [self.tr("Username"), self.tr("Email"), self.tr("Phone"), self.tr("Status"),
                balance, self.tr("Created"), self.tr("Group")]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.users)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers()[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == self.BALANCE:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def status_text(self, user: User) -> str:
        return self.tr("Active") if user.status == "active" else self.tr("Disabled")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        user = self.users[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (user.username, user.email or "", user.phone or "", self.status_text(user),
                    format_amount(user.balance_micros), local_time(user.created_at),
                    groups.group_name(user))[column]
        if role == SORT_ROLE:
            return (user.username.lower(), (user.email or "").lower(), user.phone or "",
                    user.status, user.balance_micros, user.created_at.isoformat(),
                    groups.group_name(user).lower())[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.BALANCE:
            return NUMBER_ALIGNMENT
        if role == Qt.ItemDataRole.ForegroundRole and column == self.BALANCE \
                and user.balance_micros < 0:
            return money_foreground(user.balance_micros)
        if role == Qt.ItemDataRole.ForegroundRole and user.status != "active":
            parent = self.parent()
            return parent.palette().placeholderText() if isinstance(parent, QWidget) else None
        return None


class UsersPage(Page):
    """Attributes:
        last_dialog: the dialog or confirmation box opened last, so tests can answer it.
    """

    topics = ("users", "money", "groups")

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.last_dialog: QDialog | None = None
        self._generation = 0
        self._select_after_load: str | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search username, email or phone (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(250)
        self.search_timer.timeout.connect(self.flush_search)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self.flush_search)

        self.add_button = self._button(self.tr("&Add…"), self.tr("Add a user (Ctrl+N)"),
                                       lambda: self.spawn(self.add_user()))
        self.edit_button = self._button(self.tr("&Edit…"),
                                        self.tr("Change email, phone or password (Enter)"),
                                        self._on_edit)
        self.status_button = self._button(self.tr("&Disable"), "", self._on_toggle_status)
        self.delete_button = self._button(self.tr("De&lete…"),
                                          self.tr("Delete the user and their keys (Delete)"),
                                          self._on_delete)
        self.keys_button = self._button(self.tr("API &keys…"),
                                        self.tr("Create or revoke the user's keys (Ctrl+K)"),
                                        self._on_keys)

        self.model = UsersModel(self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        fit_columns(self.table, stretch=1, elide=[0])
        self.table.doubleClicked.connect(lambda _i: self._on_edit())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.footer = QLabel("")
        self.footer.setStyleSheet("color: palette(placeholder-text)")

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addSpacing(12)
        for button in (self.add_button, self.edit_button, self.status_button,
                       self.delete_button, self.keys_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footer)

        self._shortcut("Ctrl+N", lambda: self.spawn(self.add_user()))
        self._shortcut("Ctrl+F", self.focus_search)
        self._shortcut("Ctrl+K", self._on_keys)
        self._shortcut(QKeySequence.StandardKey.Refresh, lambda: self.spawn(self.reload()))
        self._shortcut(QKeySequence.StandardKey.Delete, self._on_delete, self.table)
        self._shortcut("Return", self._on_edit, self.table)
        self._shortcut("Enter", self._on_edit, self.table)
        self._update_buttons()

    def title(self) -> str:
        return self.tr("Users")

    # --- building blocks --------------------------------------------------------------------

    def _button(self, text: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _shortcut(self, keys: Any, slot: Any, on: QWidget | None = None) -> QAction:
        """Page-wide shortcut, or one that only fires while ``on`` has focus (so Delete in
        the search box edits text instead of deleting a user)."""
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        # Page-wide: the window's, so it works with the focus in the navigation too; only the
        # visible page's shortcuts fire.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if on is not None
                                  else Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        (on or self).addAction(action)
        return action

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def flush_search(self) -> None:
        """Apply the search now (the timer calls this 250 ms after the last keystroke)."""
        self.search_timer.stop()
        self.spawn(self.reload())

    # --- loading ----------------------------------------------------------------------------

    async def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        text = self.search.text().strip()
        users = await self.backend.call(accounts.list_users, text or None)
        currency = await self.backend.call(settings.get, "currency")
        if generation != self._generation:
            return  # a newer search started while this one ran; it will fill the table
        keep = self._select_after_load or self.selected_username()
        self._select_after_load = None
        self.model.set_users(users, currency)
        if keep:
            self.select(keep)
        self._update_footer(text)
        self._update_buttons()

    def _update_footer(self, text: str) -> None:
        count = len(self.model.users)
        if text and not count:
            self.footer.setText(self.tr("No user matches “{text}”.").format(text=text))
        elif text and count == 1:
            self.footer.setText(self.tr("One user matches “{text}”.").format(text=text))
        elif text:
            self.footer.setText(self.tr("{count} users match “{text}”.").format(count=count,
                                                                               text=text))
        elif not count:
            self.footer.setText(self.tr("No users yet. Press Ctrl+N to add the first one."))
        elif count == 1:
            self.footer.setText(self.tr("One user"))
        else:
            self.footer.setText(self.tr("{count} users").format(count=count))

    def select(self, username: str) -> bool:
        for row, user in enumerate(self.model.users):
            if user.username == username:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectRow(index.row())
                self.table.scrollTo(index)
                return True
        return False

    def selected_user(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = self.proxy.mapToSource(rows[0]).row()
        return self.model.users[row] if 0 <= row < len(self.model.users) else None

    def selected_username(self) -> str | None:
        user = self.selected_user()
        return user.username if user is not None else None

    def _update_buttons(self) -> None:
        user = self.selected_user()
        for button in (self.edit_button, self.status_button, self.delete_button,
                       self.keys_button):
            button.setEnabled(user is not None)
        if user is not None and user.status != "active":
            self.status_button.setText(self.tr("E&nable"))
            self.status_button.setToolTip(self.tr("Let the user's keys work again"))
        else:
            self.status_button.setText(self.tr("&Disable"))
            self.status_button.setToolTip(self.tr("Stop the user's keys from working until "
                                                  "enabled again; nothing is deleted"))

    # --- actions ----------------------------------------------------------------------------

    def _on_edit(self) -> None:
        if (name := self.selected_username()) is not None:
            self.spawn(self.edit_user(name))

    def _on_toggle_status(self) -> None:
        if (user := self.selected_user()) is not None:
            self.spawn(self.set_enabled(user.username, user.status != "active"))

    def _on_delete(self) -> None:
        if (name := self.selected_username()) is not None:
            self.spawn(self.delete_user(name))

    def _on_keys(self) -> None:
        if (name := self.selected_username()) is not None:
            self.spawn(self.open_keys(name))

    async def _changed(self, select: str | None = None) -> None:
        """Tell other pages, and reload here keeping ``select`` (or the current row) selected."""
        self._select_after_load = select or self.selected_username()
        self.backend.changed.emit("users")
        await self.refresh()

    async def add_user(self) -> User | None:
        dialog = UserEditDialog(self.backend, parent=self)
        self.last_dialog = dialog
        if await ask(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        await self._changed(dialog.saved.username)
        return dialog.saved

    async def edit_user(self, username: str) -> User | None:
        user = await self.backend.call(accounts.get_user, username)
        dialog = UserEditDialog(self.backend, user, parent=self)
        self.last_dialog = dialog
        if await ask(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        await self._changed(username)
        return dialog.saved

    async def set_enabled(self, username: str, enabled: bool) -> User:
        user = await self.backend.call(accounts.set_status, username,
                                       "active" if enabled else "disabled")
        await self._changed(username)
        return user

    async def delete_user(self, username: str) -> bool:
        """Confirm, then erase through the privacy service (which decides what is kept)."""
        user = await self.backend.call(accounts.get_user, username)
        details = self.tr("Their profile, API keys and login history are erased. Request logs "
                          "and payment records are kept de-identified until their retention "
                          "period ends. This cannot be undone.")
        if user.balance_micros:
            details += "\n\n" + self.tr(
                "{user} still has a balance of {amount}. It stays with the de-identified "
                "payment records and can still be refunded by order number.").format(
                user=username, amount=format_amount(user.balance_micros))
        if not await confirm_destructive(
                self, self.tr("Delete user"), self.tr("Delete the user {user}?").format(
                    user=username), details, self.tr("Delete user")):
            return False
        from app import privacy  # the privacy service (deletion and consent rules)

        await self.backend.call(privacy.delete_user, username)
        self.backend.changed.emit("money")
        await self._changed()
        return True

    async def open_keys(self, username: str) -> None:
        dialog = ApiKeysDialog(self.backend, username, parent=self)
        self.last_dialog = dialog
        await ask(dialog)
        await dialog.idle()
        dialog.deleteLater()
