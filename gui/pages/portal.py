"""Portal: the operator's side of the user portal. Who may register (closed, invite code or
open), invite codes, the queue of users' deletion requests, and announcements; the portal's
address to hand out. Every action is a call to app.settings, app.invites,
app.deletion_requests or app.announcements; this page shows their answers.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import announcements, deletion_requests, invites, settings
from app.errors import ServiceError
from app.models import Announcement, DeletionRequest, Invite
from gui.asyncdialog import ask, confirm_destructive
from gui.backend import Backend
from gui.dialogs.portal import AnnouncementDialog, InviteCodeDialog, InviteDialog, RejectDialog
from gui.errors import error_text
from gui.pages.balances_rows import (
    Column,
    RowsModel,
    local_time,
    make_table,
    selected_row,
    shortcut_button,
    sorted_view,
)
from gui.pages.base import Page
from gui.tables import fit_columns

MODES = ("closed", "invite", "open")
TOPIC = "portal"
ANNOUNCEMENTS_SHOWN = 100


def portal_urls(relay_urls: list[str]) -> list[str]:
    """The portal's addresses from the relay's API base URLs (``…/v1``)."""
    return [url.removesuffix("/v1") + "/portal/" for url in relay_urls]


def _load() -> tuple[str, list[Invite], list[DeletionRequest], list[Announcement]]:
    """Everything the page shows, in one worker round trip."""
    return (settings.get("registration_mode"), invites.list_invites(),
            deletion_requests.list_requests("pending"),
            announcements.recent(ANNOUNCEMENTS_SHOWN))


class PortalPage(Page):
    """Attributes:
        last_dialog: the dialog or box opened last, so tests can answer it.
    """

    topics = ("settings", TOPIC)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.last_dialog: QDialog | None = None

        self.address = QLineEdit()
        self.address.setReadOnly(True)
        self.address.setPlaceholderText(self.tr("the relay is not running"))
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setToolTip(self.tr("Copy the portal's address to the clipboard"))
        self.copy_button.clicked.connect(self.copy_address)
        address_row = QHBoxLayout()
        address_row.addWidget(self.address, 1)
        address_row.addWidget(self.copy_button)
        self.registration = QComboBox()
        labels = {"closed": self.tr("Closed: only you create accounts"),
                  "invite": self.tr("With an invite code"),
                  "open": self.tr("Open to anyone who can reach the relay")}
        for mode in MODES:
            self.registration.addItem(labels[mode], mode)
        self.registration.activated.connect(
            lambda _i: self.spawn(self.set_registration(self.registration.currentData())))
        registration_row = QHBoxLayout()
        registration_row.addWidget(self.registration)
        registration_row.addStretch(1)
        top = QFormLayout()
        top.addRow(self.tr("Portal address:"), address_row)
        top.addRow(self.tr("Registration:"), registration_row)
        hint = QLabel(self.tr(
            "People who use the relay open this address in a browser to register, manage their "
            "keys, see their usage and exercise their privacy rights."))
        hint.setWordWrap(True)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._invites_tab(), self.tr("Invites"))
        self.tabs.addTab(self._requests_tab(), self.tr("Deletion requests"))
        self.tabs.addTab(self._announcements_tab(), self.tr("Announcements"))
        refresh = shortcut_button(self, self.tr("Refresh"), self.tr("Reload the portal's lists"),
                                  "F5", lambda: self.spawn(self.reload()))
        self.tabs.setCornerWidget(refresh)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.tabs, 1)
        backend.relay_state.connect(self._relay_state)
        self.show_address()
        self._selection_changed()

    def _tab(self, view: QTableView, *buttons: QPushButton, note: str) -> QWidget:
        tab = QWidget()
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        text = QLabel(note)
        text.setWordWrap(True)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(text)
        layout.addWidget(view, 1)
        view.selectionModel().selectionChanged.connect(self._selection_changed)
        return tab

    def _invites_tab(self) -> QWidget:
        self.invites = RowsModel([
            Column(self.tr("Code"), lambda i: i.prefix),
            Column(self.tr("Used"), lambda i: f"{i.uses:,}", key=lambda i: i.uses,
                   numeric=True),
            Column(self.tr("Allowed"),
                   lambda i: f"{i.max_uses:,}" if i.max_uses else self.tr("unlimited"),
                   key=lambda i: i.max_uses or 0, numeric=True),
            Column(self.tr("Expires"), lambda i: local_time(i.expires_at),
                   key=lambda i: local_time(i.expires_at)),
            Column(self.tr("Created"), lambda i: local_time(i.created_at),
                   key=lambda i: i.id),
            Column(self.tr("Note"), lambda i: i.note or ""),
        ], self)
        self.invites_view = make_table(sorted_view(self.invites), sortable=True)
        fit_columns(self.invites_view, stretch=5)
        self.new_invite_button = shortcut_button(
            self, self.tr("&New invite…"), self.tr("Create an invite code"),
            QKeySequence.StandardKey.New, lambda: self.spawn(self.new_invite()))
        self.revoke_button = QPushButton(self.tr("Re&voke…"))
        self.revoke_button.clicked.connect(lambda: self.spawn(self.revoke_invite()))
        return self._tab(self.invites_view, self.new_invite_button, self.revoke_button,
                         note=self.tr("Codes that still work. With registration by invite, "
                                      "each registration uses one."))

    def _requests_tab(self) -> QWidget:
        self.requests = RowsModel([
            Column(self.tr("User"), lambda r: r.user.username),
            Column(self.tr("Email"), lambda r: r.user.email or ""),
            Column(self.tr("Requested"), lambda r: local_time(r.created_at),
                   key=lambda r: r.id),
        ], self)
        self.requests_view = make_table(sorted_view(self.requests), sortable=True)
        fit_columns(self.requests_view, stretch=1)
        self.approve_button = QPushButton(self.tr("&Approve…"))
        self.approve_button.clicked.connect(lambda: self.spawn(self.approve()))
        self.reject_button = QPushButton(self.tr("&Reject…"))
        self.reject_button.clicked.connect(lambda: self.spawn(self.reject()))
        return self._tab(self.requests_view, self.approve_button, self.reject_button,
                         note=self.tr("Users who asked on the portal for their account to be "
                                      "deleted. Approving deletes it at once; rejecting keeps "
                                      "it and shows them your reason."))

    def _announcements_tab(self) -> QWidget:
        self.announcements = RowsModel([
            Column(self.tr("Posted"), lambda a: local_time(a.created_at), key=lambda a: a.id),
            Column(self.tr("Title"), lambda a: a.title),
            Column(self.tr("Text"), lambda a: " ".join(a.body.split())),
        ], self)
        self.announcements_view = make_table(sorted_view(self.announcements), sortable=True)
        self.announcements_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        fit_columns(self.announcements_view, stretch=2, elide=[2])
        self.post_button = QPushButton(self.tr("&Post…"))
        self.post_button.clicked.connect(lambda: self.spawn(self.post_announcement()))
        self.delete_button = QPushButton(self.tr("&Delete…"))
        self.delete_button.clicked.connect(lambda: self.spawn(self.delete_announcement()))
        return self._tab(self.announcements_view, self.post_button, self.delete_button,
                         note=self.tr("Shown on every portal user's home page, newest first."))

    def title(self) -> str:
        return self.tr("Portal")

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        # Users add deletion requests on the portal meanwhile: reload when shown again.
        super().hideEvent(event)
        self._stale = True

    async def refresh(self) -> None:
        mode, invite_rows, request_rows, announcement_rows = await self.backend.call(_load)
        self.registration.setCurrentIndex(max(0, self.registration.findData(mode)))
        self.invites.set_rows(invite_rows)
        self.requests.set_rows(request_rows)
        self.announcements.set_rows(announcement_rows)
        self.show_address()
        self._selection_changed()

    def _relay_state(self, _state: str) -> None:
        self.show_address()

    def show_address(self) -> None:
        urls = portal_urls(self.backend.relay_urls())
        self.address.setText(urls[0] if urls else "")
        self.address.setToolTip("\n".join(urls))
        self.copy_button.setEnabled(bool(urls))

    def copy_address(self) -> None:
        if self.address.text():
            QGuiApplication.clipboard().setText(self.address.text())

    def _selection_changed(self, *_: Any) -> None:
        self.revoke_button.setEnabled(selected_row(self.invites_view) is not None)
        chosen = selected_row(self.requests_view) is not None
        self.approve_button.setEnabled(chosen)
        self.reject_button.setEnabled(chosen)
        self.delete_button.setEnabled(selected_row(self.announcements_view) is not None)

    def _changed(self, topic: str = TOPIC) -> None:
        self.backend.changed.emit(topic)

    async def _warn(self, title: str, exc: ServiceError) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(exc),
                          QMessageBox.StandardButton.Ok, self)
        self.last_dialog = box
        await ask(box)

    # --- actions ----------------------------------------------------------------------------

    async def set_registration(self, mode: str) -> bool:
        try:
            await self.backend.call(settings.set, "registration_mode", mode)
        except ServiceError as exc:
            await self._warn(self.tr("Registration"), exc)
            await self.reload()
            return False
        self._changed("settings")
        return True

    async def _submit(self, dialog: Any, call: Callable[[], Awaitable[Any]]) -> Any:
        """Show ``dialog`` until ``call()`` succeeds (a refusal is shown in the dialog and it
        stays open) or it is cancelled (None)."""
        self.last_dialog = dialog
        try:
            while await ask(dialog) == QDialog.DialogCode.Accepted:
                try:
                    result = await call()
                except ServiceError as exc:
                    dialog.fail(error_text(exc))
                    continue
                self._changed()
                return result
            return None
        finally:
            dialog.deleteLater()

    async def new_invite(self) -> str | None:
        """Create an invite; its code is shown once. Returns the code."""
        dialog = InviteDialog(self)
        created = await self._submit(dialog, lambda: self.backend.call(
            invites.create_invite, max_uses=dialog.max_uses(), expires_at=dialog.expires_at(),
            note=dialog.note.text()))
        if created is None:
            return None
        code: str = created[0]
        shown = InviteCodeDialog(code, self)
        self.last_dialog = shown
        await ask(shown)
        shown.deleteLater()
        return code

    async def revoke_invite(self) -> bool:
        invite = selected_row(self.invites_view)
        if invite is None or not await confirm_destructive(
                self, self.tr("Revoke invite"),
                self.tr("Revoke the invite {code}?").format(code=invite.prefix),
                self.tr("Nobody can register with it any more. Accounts already made with it "
                        "stay."), self.tr("Revoke")):
            return False
        await self.backend.call(invites.revoke_invite, invite.id)
        self._changed()
        return True

    async def approve(self) -> bool:
        request = selected_row(self.requests_view)
        if request is None or not await confirm_destructive(
                self, self.tr("Delete account"),
                self.tr("Delete the account of {user} now?").format(user=request.user.username),
                self.tr("Their profile, keys and sign-in history are erased; request logs and "
                        "payments are kept without their name. This cannot be undone."),
                self.tr("Delete account")):
            return False
        try:
            await self.backend.call(deletion_requests.approve, request.id)
        except ServiceError as exc:
            await self._warn(self.tr("Delete account"), exc)
            await self.reload()
            return False
        self._changed()
        self._changed("users")
        return True

    async def reject(self) -> bool:
        request = selected_row(self.requests_view)
        if request is None:
            return False
        dialog = RejectDialog(request.user.username, self)
        return await self._submit(dialog, lambda: self.backend.call(
            deletion_requests.reject, request.id, dialog.reason.text())) is not None

    async def post_announcement(self) -> bool:
        dialog = AnnouncementDialog(self)
        return await self._submit(dialog, lambda: self.backend.call(
            announcements.post, dialog.title_field.text(), dialog.body.toPlainText(),
            email=dialog.email.isChecked())) is not None

    async def delete_announcement(self) -> bool:
        item = selected_row(self.announcements_view)
        if item is None or not await confirm_destructive(
                self, self.tr("Delete announcement"),
                self.tr("Delete the announcement “{title}”?").format(title=item.title),
                self.tr("Portal users no longer see it."), self.tr("Delete")):
            return False
        await self.backend.call(announcements.delete, item.id)
        self._changed()
        return True
