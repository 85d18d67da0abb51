"""Codes: redemption codes the operator generates (shown once, saved as CSV) and portal users
redeem for a recharge; the list with each code's state, and disabling an unused one. Every
action is a call to app.redemption, as `relaydesk codes` and /admin/api/codes make."""

from datetime import datetime
from typing import Any

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock, redemption, settings
from app.errors import ServiceError
from app.models import RedemptionCode
from app.money import format_amount, parse_amount
from gui.asyncdialog import ask, confirm_destructive
from gui.backend import Backend
from gui.dialogs.codes import CodesCreatedDialog, GenerateCodesDialog
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

TOPIC = "codes"
SHOWN = 5000


def _load(status: str | None) -> tuple[str, list[RedemptionCode], datetime]:
    """Everything the page shows, in one worker round trip."""
    return (settings.get("currency"), redemption.list_codes(status=status, limit=SHOWN),
            clock.now())


def _generate(count: int, amount: str, expires_at: datetime | None,
              note: str) -> list[redemption.NewCode]:
    return redemption.generate(count, parse_amount(amount), expires_at=expires_at, note=note)


class CodesPage(Page):
    """Attributes:
        last_dialog: the dialog or box opened last, so tests can answer it.
    """

    topics = ("settings", "money", TOPIC)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.last_dialog: QDialog | None = None
        self.currency = "CNY"  # replaced by the setting on every refresh
        self._now = clock.now()
        self.codes = RowsModel([
            Column(self.tr("Code"), lambda c: c.prefix),
            Column(self.tr("Amount"), lambda c: format_amount(c.amount_micros),
                   key=lambda c: c.amount_micros, numeric=True),
            Column(self.tr("Status"), self.state_text),
            Column(self.tr("Expires"), lambda c: local_time(c.expires_at),
                   key=lambda c: local_time(c.expires_at)),
            Column(self.tr("Used by"), lambda c: c.used_by.username if c.used_by else ""),
            Column(self.tr("Used"), lambda c: local_time(c.used_at),
                   key=lambda c: local_time(c.used_at)),
            Column(self.tr("Batch"), lambda c: c.batch),
            Column(self.tr("Created"), lambda c: local_time(c.created_at), key=lambda c: c.id),
            Column(self.tr("Note"), lambda c: c.note or ""),
        ], self)
        self.view = make_table(sorted_view(self.codes), sortable=True)
        fit_columns(self.view, stretch=8, elide=[6, 8])
        self.status = QComboBox()
        for value, label in ((None, self.tr("All codes")), ("active", self.tr("Active")),
                             ("used", self.tr("Used")), ("disabled", self.tr("Disabled"))):
            self.status.addItem(label, value)
        self.status.activated.connect(lambda _i: self.spawn(self.reload()))
        self.generate_button = shortcut_button(
            self, self.tr("&Generate…"), self.tr("Generate redemption codes"),
            QKeySequence.StandardKey.New, lambda: self.spawn(self.generate()))
        self.disable_button = QPushButton(self.tr("&Disable…"))
        self.disable_button.clicked.connect(lambda: self.spawn(self.disable()))
        refresh = shortcut_button(self, self.tr("Refresh"), self.tr("Reload the codes"), "F5",
                                  lambda: self.spawn(self.reload()))
        row = QHBoxLayout()
        row.addWidget(self.generate_button)
        row.addWidget(self.disable_button)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Show:")))
        row.addWidget(self.status)
        row.addWidget(refresh)
        note = QLabel(self.tr(
            "Each code adds its amount to the balance of the portal user who redeems it, once. "
            "Codes are shown only when generated: save or copy them then."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def title(self) -> str:
        return self.tr("Codes")

    def state_text(self, code: RedemptionCode) -> str:
        if code.status == "active" and redemption.expired(code, self._now):
            return self.tr("Expired")
        return {"active": self.tr("Active"), "used": self.tr("Used"),
                "disabled": self.tr("Disabled")}.get(code.status, code.status)

    async def refresh(self) -> None:
        self.currency, rows, self._now = await self.backend.call(
            _load, self.status.currentData())
        self.codes.set_header(1, self.tr("Amount ({currency})").format(currency=self.currency))
        self.codes.set_rows(rows)
        self._selection_changed()

    def _selection_changed(self, *_: Any) -> None:
        code = selected_row(self.view)
        self.disable_button.setEnabled(code is not None and code.status == "active")

    async def generate(self) -> list[str] | None:
        """Generate codes; they are shown once. Returns the codes."""
        dialog = GenerateCodesDialog(self.currency, self)
        self.last_dialog = dialog
        made: list[redemption.NewCode] | None = None
        try:
            while await ask(dialog) == QDialog.DialogCode.Accepted:
                try:
                    made = await self.backend.call(
                        _generate, dialog.count.value(), dialog.amount.text(),
                        dialog.expires_at(), dialog.note.text())
                except ServiceError as exc:
                    dialog.fail(error_text(exc))
                    continue
                break
        finally:
            dialog.deleteLater()
        if made is None:
            return None
        self.backend.changed.emit(TOPIC)
        shown = CodesCreatedDialog(made, self.backend.call, self)
        self.last_dialog = shown
        await ask(shown)
        shown.deleteLater()
        return [m.code for m in made]

    async def disable(self) -> bool:
        code = selected_row(self.view)
        if code is None or not await confirm_destructive(
                self, self.tr("Disable code"),
                self.tr("Disable the code {code} ({amount})?").format(
                    code=code.prefix, amount=format_amount(code.amount_micros)),
                self.tr("Nobody can redeem it any more. This cannot be undone."),
                self.tr("Disable")):
            return False
        try:
            await self.backend.call(redemption.disable, code.id)
        except ServiceError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Disable code"),
                              error_text(exc), QMessageBox.StandardButton.Ok, self)
            self.last_dialog = box
            await ask(box)
            await self.reload()
            return False
        self.backend.changed.emit(TOPIC)
        return True
