"""Security page: running bans of client addresses (with Unban), the security events of the
audit trail, and the tokens of the remote admin API (create, shown once; revoke).

A thin view: bans, events and tokens come from app.bans and app.admintokens through
``Backend.call``; what an event means in words is in gui/pages/security_labels.py. The page
reloads each time it is shown, so bans the relay made meanwhile appear.
"""

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import admintokens, bans
from app.models import AdminToken, AuditEvent, IpBan
from gui.asyncdialog import ask, confirm_destructive
from gui.backend import Backend
from gui.dialogs.token_created import TokenCreatedDialog
from gui.pages.balances_rows import make_table
from gui.pages.base import Page
from gui.pages.security_labels import (
    action_label,
    actor_text,
    local_time,
    reason_label,
    summary,
    target_text,
    token_status,
)
from gui.tables import fit_columns

EVENT_LIMIT = 200


def _table(model: QStandardItemModel, stretch: int, elide: tuple[int, ...] = (),
           middle: tuple[int, ...] = ()) -> QTableView:
    """The app's read-only table: one stretching column, free text elided (each cell's tooltip
    holds it in full), the rest sized to content."""
    table = make_table(model)
    table.horizontalHeader().setDefaultAlignment(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    fit_columns(table, stretch=stretch, elide=elide, middle=middle)
    return table


def _replace_rows(table: QTableView, rows: list[list[QStandardItem]]) -> None:
    """Swap the table's rows, then size the columns to the new content (appending rows does
    not re-measure ResizeToContents columns on its own)."""
    model = table.model()
    assert isinstance(model, QStandardItemModel)
    model.removeRows(0, model.rowCount())
    for row in rows:
        model.appendRow(row)
    table.horizontalHeader().resizeSections()


def _empty_note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text)")
    label.hide()
    return label


def _row(values: list[str], *, dim: QWidget | None = None,
         right: tuple[int, ...] = ()) -> list[QStandardItem]:
    items = []
    for column, value in enumerate(values):
        item = QStandardItem(value)
        item.setToolTip(value)
        if column in right:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if dim is not None:
            item.setForeground(dim.palette().placeholderText())
        items.append(item)
    return items


class SecurityPage(Page):
    """Attributes:
        last_dialog: the dialog or confirmation box opened last, so tests can answer it.
    """

    topics = ("settings", "users", "security")  # setting changes and deletions are events too

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.last_dialog: QDialog | None = None
        self.bans: list[IpBan] = []
        self.events: list[AuditEvent] = []
        self.tokens: list[AdminToken] = []

        # active bans
        self.bans_model = QStandardItemModel(0, 5, self)
        self.bans_model.setHorizontalHeaderLabels([
            self.tr("Address"), self.tr("Reason"), self.tr("Failures"), self.tr("Banned since"),
            self.tr("Banned until")])
        self.bans_table = _table(self.bans_model, 1, middle=(0,))
        self.bans_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())
        self.unban_button = QPushButton(self.tr("&Unban…"))
        self.unban_button.setToolTip(self.tr("Accept requests from this address again (Delete)"))
        self.unban_button.clicked.connect(self._on_unban)
        self.bans_empty = _empty_note(self.tr(
            "No address is banned. An address that keeps sending invalid API keys or failing to "
            "sign in is banned for a while; see Abuse protection on the Settings page."))
        bans_tab = self._tab(self.bans_table, self.bans_empty,
                             self.tr("Addresses refused for now after repeated failed "
                                     "authentication. A ban ends by itself at its end time."),
                             self.unban_button)

        # security events
        self.events_model = QStandardItemModel(0, 6, self)
        self.events_model.setHorizontalHeaderLabels([
            self.tr("Time"), self.tr("Event"), self.tr("By"), self.tr("Concerning"),
            self.tr("Address"), self.tr("Details")])
        self.events_table = _table(self.events_model, 5, elide=(1, 2, 3), middle=(4,))
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setToolTip(QKeySequence(QKeySequence.StandardKey.Refresh).toString(
            QKeySequence.SequenceFormat.NativeText))
        self.refresh_button.clicked.connect(lambda: self.spawn(self.reload()))
        self.events_empty = _empty_note(self.tr(
            "No security events yet. Bans, admin sign-ins, admin access from new addresses, "
            "whitelist changes and deletions are listed here."))
        events_tab = self._tab(self.events_table, self.events_empty, self.tr(
            "The latest {n} security events of the audit log, newest first.").format(
            n=EVENT_LIMIT), self.refresh_button)

        # admin tokens
        self.tokens_model = QStandardItemModel(0, 6, self)
        self.tokens_model.setHorizontalHeaderLabels([
            self.tr("Name"), self.tr("Token"), self.tr("Status"), self.tr("Created"),
            self.tr("Last used"), self.tr("Last address")])
        self.tokens_table = _table(self.tokens_model, 0, middle=(5,))
        self.tokens_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())
        self.new_token_button = QPushButton(self.tr("&New token…"))
        self.new_token_button.setToolTip(self.tr("Issue a token for the admin API (Ctrl+N)"))
        self.new_token_button.clicked.connect(lambda: self.spawn(self.new_token()))
        self.revoke_button = QPushButton(self.tr("Re&voke…"))
        self.revoke_button.setToolTip(self.tr("Stop this token from working, for good (Delete)"))
        self.revoke_button.clicked.connect(self._on_revoke)
        self.tokens_empty = _empty_note(self.tr(
            "No admin tokens. Create one to let a program manage RelayDesk through the admin "
            "API."))
        tokens_tab = self._tab(self.tokens_table, self.tokens_empty, self.tr(
            "Tokens for the remote admin API. They work only from addresses in the admin IP "
            "whitelist; only a fingerprint of each is stored."),
            self.new_token_button, self.revoke_button)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(bans_tab, "")
        self.tabs.addTab(events_tab, self.tr("Security events"))
        self.tabs.addTab(tokens_tab, self.tr("Admin tokens"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        self._shortcut("Ctrl+N", lambda: self.spawn(self.new_token()))
        self._shortcut(QKeySequence.StandardKey.Refresh, lambda: self.spawn(self.reload()))
        self._shortcut(QKeySequence.StandardKey.Delete, self._on_unban, self.bans_table)
        self._shortcut(QKeySequence.StandardKey.Delete, self._on_revoke, self.tokens_table)
        self._show_ban_count()
        self._update_buttons()

    def title(self) -> str:
        return self.tr("Security")

    # --- building blocks --------------------------------------------------------------------

    def _tab(self, table: QTableView, empty: QLabel, intro: str,
             *buttons: QPushButton) -> QWidget:
        tab = QWidget()
        top = QHBoxLayout()
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        top.addWidget(intro_label, 1)
        for button in buttons:
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(table, 1)
        layout.addWidget(empty)
        return tab

    def _shortcut(self, keys: Any, slot: Any, on: QWidget | None = None) -> None:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        # Page-wide: the window's, so it works with the focus in the navigation too; only the
        # visible page's shortcuts fire.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if on is not None
                                  else Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        (on or self).addAction(action)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self._stale = True  # the relay bans and the admin API acts without telling the GUI
        super().showEvent(event)

    # --- loading ----------------------------------------------------------------------------

    async def refresh(self) -> None:
        running = await self.backend.call(bans.active_bans)
        events = await self.backend.call(bans.security_events, limit=EVENT_LIMIT)
        tokens = await self.backend.call(admintokens.list_tokens)
        self._fill_bans(running)
        self._fill_events(events)
        self._fill_tokens(tokens)
        self._update_buttons()

    def _fill_bans(self, running: list[IpBan]) -> None:
        keep = self.selected_ban()
        self.bans = running
        _replace_rows(self.bans_table, [_row(
            [ban.ip, reason_label(ban.reason), f"{ban.failures:,}", local_time(ban.created_at),
             local_time(ban.until)], right=(2,)) for ban in running])
        self.bans_empty.setVisible(not running)
        self._show_ban_count()
        if keep is not None:
            self._reselect(self.bans_table, [b.ip for b in running], keep.ip)

    def _fill_events(self, events: list[AuditEvent]) -> None:
        self.events = events
        _replace_rows(self.events_table, [_row(
            [local_time(event.created_at), action_label(event.action), actor_text(event.actor),
             target_text(event), event.ip or "", summary(event)]) for event in events])
        self.events_empty.setVisible(not events)

    def _fill_tokens(self, tokens: list[AdminToken]) -> None:
        keep = self.selected_token()
        self.tokens = tokens
        _replace_rows(self.tokens_table, [_row(
            [token.name, token.prefix, token_status(token.status), local_time(token.created_at),
             local_time(token.last_used_at) or self.tr("never"), token.last_used_ip or ""],
            dim=self if token.status != "active" else None) for token in tokens])
        self.tokens_empty.setVisible(not tokens)
        if keep is not None:
            self._reselect(self.tokens_table, [t.id for t in tokens], keep.id)

    def _show_ban_count(self) -> None:
        self.tabs.setTabText(0, self.tr("Active bans ({n})").format(n=len(self.bans))
                             if self.bans else self.tr("Active bans"))

    @staticmethod
    def _reselect(table: QTableView, ids: list[Any], wanted: Any) -> None:
        if wanted in ids:
            table.selectRow(ids.index(wanted))

    @staticmethod
    def _selected_row(table: QTableView, rows: list[Any]) -> Any:
        selected = table.selectionModel().selectedRows()
        if not selected or selected[0].row() >= len(rows):
            return None
        return rows[selected[0].row()]

    def selected_ban(self) -> IpBan | None:
        return self._selected_row(self.bans_table, self.bans)

    def selected_token(self) -> AdminToken | None:
        return self._selected_row(self.tokens_table, self.tokens)

    def _update_buttons(self) -> None:
        self.unban_button.setEnabled(self.selected_ban() is not None)
        token = self.selected_token()
        self.revoke_button.setEnabled(token is not None and token.status == "active")

    # --- actions ----------------------------------------------------------------------------

    def _on_unban(self) -> None:
        if (ban := self.selected_ban()) is not None:
            self.spawn(self.unban(ban.ip))

    def _on_revoke(self) -> None:
        if (token := self.selected_token()) is not None and token.status == "active":
            self.spawn(self.revoke(token))

    async def unban(self, ip: str) -> bool:
        """Confirm, then lift the running ban of ``ip`` (audited as the admin's action)."""
        if not await confirm_destructive(
                self, self.tr("Unban address"), self.tr("Lift the ban on {ip}?").format(ip=ip),
                self.tr("Requests from this address are accepted again at once. If it keeps "
                        "failing to authenticate, it is banned again."),
                self.tr("Unban")):
            return False
        try:
            await self.backend.call(bans.unban, ip, actor="admin")
        finally:
            await self.refresh()  # also when the ban had just ended by itself
        return True

    async def new_token(self) -> str | None:
        """Ask for a name, issue the token and show its plaintext once; returns the plaintext
        only to the caller (tests), never to a table or a log."""
        form = QInputDialog(self)
        form.setWindowTitle(self.tr("New admin token"))
        form.setLabelText(self.tr("Name of the token, for example the program or person that "
                                  "will use it:"))
        form.setOkButtonText(self.tr("Create token"))
        form.setMinimumWidth(420)
        self.last_dialog = form
        accepted = await ask(form) == QDialog.DialogCode.Accepted
        name = form.textValue()
        form.deleteLater()
        if not accepted:
            return None
        token, plaintext = await self.backend.call(admintokens.create_token, name, actor="admin")
        await self.refresh()
        self._reselect(self.tokens_table, [t.id for t in self.tokens], token.id)
        shown = TokenCreatedDialog(token.name, plaintext, parent=self)
        self.last_dialog = shown
        await ask(shown)
        shown.deleteLater()
        return plaintext

    async def revoke(self, token: AdminToken) -> bool:
        if not await confirm_destructive(
                self, self.tr("Revoke admin token"),
                self.tr("Revoke the admin token “{name}” ({prefix})?").format(
                    name=token.name, prefix=token.prefix),
                self.tr("Programs using this token are refused by the admin API from now on. A "
                        "revoked token cannot be turned back on; create a new one instead."),
                self.tr("Revoke token")):
            return False
        await self.backend.call(admintokens.revoke_token, token.id, actor="admin")
        await self.refresh()
        return True
