"""Balances & recharges: who holds how much, how each balance got there, and the money taken in
and given back.

Top: users with their balances beside the chosen user's ledger. Bottom: recharge records with
filters and what the filtered records add up to. Recharge, refund and adjust open small dialogs;
the services decide what is allowed and their refusals are shown in the dialog.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import accounts, ledger, recharges, reports, settings
from app.errors import ServiceError
from app.models import LedgerEntry, RechargeRecord, User
from app.money import format_amount, parse_amount
from gui.asyncdialog import ask
from gui.backend import Backend
from gui.dialogs.adjust import AdjustDialog
from gui.dialogs.recharge import RechargeDialog, method_labels
from gui.dialogs.refund import RefundDialog
from gui.errors import error_text
from gui.pages.balances_filters import RecordFilters, kind_labels, status_labels
from gui.pages.balances_rows import (
    Column,
    RowsModel,
    local_time,
    make_table,
    selected_row,
    shortcut,
    shortcut_button,
    sorted_view,
)
from gui.pages.base import Page
from gui.tables import fit_columns

PAGE = 100  # rows fetched per "Load more"
T = TypeVar("T")


class BalancesPage(Page):
    topics = ("money", "users", "settings")  # settings: the currency shown with every amount

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.currency = "CNY"  # replaced by the setting on every refresh
        self.last_dialog: QDialog | None = None  # the open dialog, for tests
        self.last_notice: QMessageBox | None = None
        self._ledger_user: int | None = None
        self._ledger_gen = self._records_gen = 0
        self._restoring = False
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self._build_users())
        top.addWidget(self._build_ledger())
        top.setStretchFactor(1, 1)
        top.setSizes([240, 740])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self._build_records())
        split.setSizes([330, 370])
        self.notice = QLabel("")
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._money_headers = [(model, column, model.columns[column].header) for model, column in (
            (self.users_model, 1), (self.records_model, 2), (self.records_model, 5))]
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_actions())
        layout.addWidget(split, 1)
        layout.addWidget(self.notice)

    def title(self) -> str:
        return self.tr("Balances & recharges")

    # --- widgets ----------------------------------------------------------------------------

    def _build_actions(self) -> QHBoxLayout:
        self.recharge_button = shortcut_button(
            self, self.tr("Re&charge…"), self.tr("Credit a user's balance with a payment"),
            "Ctrl+Shift+R", lambda: self.spawn(self.recharge()))
        self.refund_button = shortcut_button(
            self, self.tr("Ref&und…"), self.tr("Give back all or part of the selected recharge"),
            "Ctrl+Shift+U", lambda: self.spawn(self.refund()))
        self.adjust_button = shortcut_button(
            self, self.tr("&Adjust…"), self.tr("Correct a balance up or down, with a reason"),
            "Ctrl+Shift+A", lambda: self.spawn(self.adjust()))
        self.refresh_button = shortcut_button(
            self, self.tr("Refresh"), self.tr("Reload this page"), "F5",
            lambda: self.spawn(self.reload()))
        shortcut(self, "Ctrl+F", self._focus_search)
        self.refund_button.setEnabled(False)
        row = QHBoxLayout()
        for button in (self.recharge_button, self.refund_button, self.adjust_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        return row

    def _build_users(self) -> QWidget:
        self.users_model = RowsModel([
            Column(self.tr("User"), self._user_name, key=lambda u: u.username.lower(),
                   tooltip=lambda u: u.email or ""),
            Column(self.tr("Balance"), lambda u: format_amount(u.balance_micros),
                   key=lambda u: u.balance_micros, numeric=True,
                   negative=lambda u: u.balance_micros < 0),
        ], self)
        self.users_proxy = sorted_view(self.users_model)
        self.users_view = make_table(self.users_proxy, sortable=True)
        self.users_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        fit_columns(self.users_view, stretch=0)
        self.users_view.selectionModel().selectionChanged.connect(self._user_selected)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a user (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.users_proxy.setFilterFixedString)
        box = QGroupBox(self.tr("Users"))
        layout = QVBoxLayout(box)
        layout.addWidget(self.search)
        layout.addWidget(self.users_view)
        return box

    def _user_name(self, user: User) -> str:
        if user.status != "active":
            return self.tr("{name} (disabled)").format(name=user.username)
        return str(user.username)

    def _build_ledger(self) -> QWidget:
        kinds = kind_labels()
        self.ledger_model = RowsModel([
            Column(self.tr("Time"), lambda e: local_time(e.created_at)),
            Column(self.tr("Kind"), lambda e: kinds.get(e.kind, e.kind)),
            Column(self.tr("Amount"), lambda e: format_amount(e.amount_micros), numeric=True,
                   negative=lambda e: e.amount_micros < 0),
            Column(self.tr("Balance"), lambda e: format_amount(e.balance_after_micros),
                   numeric=True, negative=lambda e: e.balance_after_micros < 0,
                   tooltip=lambda e: self.tr("Balance after this entry")),
            Column(self.tr("Reference"), lambda e: e.ref or ""),
            Column(self.tr("Reason"), lambda e: e.reason or "", tooltip=lambda e: e.reason),
        ], self)
        self.ledger_view = make_table(self.ledger_model)
        fit_columns(self.ledger_view, stretch=5, middle=[4])
        self.hide_holds = QCheckBox(self.tr("Hide request holds and releases"))
        self.hide_holds.setToolTip(self.tr("Each relayed request holds money while it runs and "
                                           "releases it when it is charged."))
        self.hide_holds.setChecked(True)
        self.hide_holds.toggled.connect(lambda _: self.spawn(self.load_ledger()))
        self.ledger_more = QPushButton(self.tr("Load more"))
        self.ledger_more.clicked.connect(lambda: self.spawn(self.load_ledger(more=True)))
        self.ledger_more.setEnabled(False)
        self.ledger_count = QLabel("")
        bottom = QHBoxLayout()
        bottom.addWidget(self.hide_holds)
        bottom.addStretch(1)
        bottom.addWidget(self.ledger_count)
        bottom.addWidget(self.ledger_more)
        self.ledger_box = QGroupBox(self.tr("Ledger"))
        layout = QVBoxLayout(self.ledger_box)
        layout.addWidget(self.ledger_view)
        layout.addLayout(bottom)
        return self.ledger_box

    def _build_records(self) -> QWidget:
        statuses, methods = status_labels(), method_labels()
        self.records_model = RowsModel([
            Column(self.tr("Order number"), lambda r: r.order_no),
            Column(self.tr("User"), lambda r: r.user.username),
            Column(self.tr("Amount"), lambda r: format_amount(r.amount_micros), numeric=True),
            Column(self.tr("Method"), lambda r: methods.get(r.method, r.method)),
            Column(self.tr("Status"), lambda r: statuses.get(r.status, r.status)),
            Column(self.tr("Refunded"), lambda r: format_amount(r.refunded_micros)
                   if r.refunded_micros else "", numeric=True),
            Column(self.tr("Created"), lambda r: local_time(r.created_at)),
            Column(self.tr("Note"), lambda r: r.note or "", tooltip=lambda r: r.note),
        ], self)
        self.records_view = make_table(self.records_model)
        fit_columns(self.records_view, stretch=7, elide=[1])
        self.records_view.selectionModel().selectionChanged.connect(self._record_selected)
        self.filters = RecordFilters(self)
        self.filters.changed.connect(lambda: self.spawn(self.load_records()))
        self.totals = QLabel("")
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.records_more = QPushButton(self.tr("Load more"))
        self.records_more.clicked.connect(lambda: self.spawn(self.load_records(more=True)))
        self.records_more.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.totals, 1)
        bottom.addWidget(self.records_more)
        box = QGroupBox(self.tr("Recharge records"))
        layout = QVBoxLayout(box)
        layout.addWidget(self.filters)
        layout.addWidget(self.records_view)
        layout.addLayout(bottom)
        return box

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- loading ----------------------------------------------------------------------------

    async def refresh(self) -> None:
        self.currency = await self.backend.call(settings.get, "currency")
        for model, column, header in self._money_headers:
            model.set_header(column, self.tr("{column} ({currency})").format(
                column=header, currency=self.currency))
        users = await self.backend.call(accounts.list_users)
        self._set_users(users)
        self.filters.set_usernames([u.username for u in users])
        await self.load_ledger(keep=True)
        await self.load_records(keep=True)

    def _set_users(self, users: list[User]) -> None:
        """Replace the list, keeping the selected user selected."""
        chosen = self.selected_user()
        self._restoring = True
        try:
            self.users_model.set_rows(users)
            if chosen is not None:
                self.select_user(chosen.username)
        finally:
            self._restoring = False
        has_users = bool(users)
        self.recharge_button.setEnabled(has_users)
        self.adjust_button.setEnabled(has_users)

    def selected_user(self) -> User | None:
        return selected_row(self.users_view)

    def select_user(self, username: str) -> bool:
        for row, user in enumerate(self.users_model.rows):
            if user.username == username:
                index = self.users_proxy.mapFromSource(self.users_model.index(row, 0))
                if index.isValid():
                    self.users_view.selectRow(index.row())
                    return True
        return False

    def _user_selected(self, *_: Any) -> None:
        if not self._restoring:
            self.spawn(self.load_ledger())

    async def load_ledger(self, *, more: bool = False, keep: bool = False) -> None:
        """The selected user's entries, newest first; ``more`` appends the next page, ``keep``
        reloads as many rows as are shown."""
        self._ledger_gen += 1
        generation, user = self._ledger_gen, self.selected_user()
        if user is None:
            self._ledger_user = None
            self.ledger_model.set_rows([])
            self.ledger_box.setTitle(self.tr("Ledger: select a user"))
            self.ledger_count.setText("")
            self.ledger_more.setEnabled(False)
            return
        shown = len(self.ledger_model.rows) if user.id == self._ledger_user else 0
        offset, limit = (shown, PAGE) if more else (0, max(PAGE, shown if keep else 0))
        rows: list[LedgerEntry] = await self.backend.call(
            reports.ledger_entries, user.id, hide_reservations=self.hide_holds.isChecked(),
            limit=limit, offset=offset)
        if generation != self._ledger_gen:
            return  # the operator picked another user meanwhile
        self._ledger_user = user.id
        if more:
            self.ledger_model.append_rows(rows)
        else:
            self.ledger_model.set_rows(rows)
        self.ledger_box.setTitle(self.tr("Ledger of {user}: balance {balance} {currency}").format(
            user=user.username, balance=format_amount(user.balance_micros),
            currency=self.currency))
        shown = len(self.ledger_model.rows)
        self.ledger_count.setText(self.tr("1 entry shown") if shown == 1 else
                                  self.tr("{n} entries shown").format(n=f"{shown:,}"))
        self.ledger_more.setEnabled(len(rows) == limit)

    async def load_records(self, *, more: bool = False, keep: bool = False) -> None:
        """Records matching the filters, newest first, and their totals."""
        self._records_gen += 1
        generation = self._records_gen
        flt = self.filters.current()
        shown = len(self.records_model.rows)
        offset, limit = (shown, PAGE) if more else (0, max(PAGE, shown if keep else 0))
        try:
            rows: list[RechargeRecord] = await self.backend.call(
                reports.list_recharges, flt, limit=limit, offset=offset)
            totals = await self.backend.call(reports.recharge_totals, flt)
        except ServiceError as exc:  # e.g. an end date before the start date
            if generation == self._records_gen:
                self.records_model.set_rows([])
                self.totals.setText(error_text(exc))
                self.records_more.setEnabled(False)
            return
        if generation != self._records_gen:
            return
        if more:
            self.records_model.append_rows(rows)
        else:
            self.records_model.set_rows(rows)
        self.totals.setText(self.tr(
            "{shown} of {count} records shown. Recharged {recharged} {currency}, refunded "
            "{refunded} {currency}, net {net} {currency}.").format(
            shown=len(self.records_model.rows), count=totals.count,
            recharged=format_amount(totals.recharged_micros),
            refunded=format_amount(totals.refunded_micros), net=format_amount(totals.net_micros),
            currency=self.currency))
        self.records_more.setEnabled(len(self.records_model.rows) < totals.count)
        self._record_selected()

    def selected_record(self) -> RechargeRecord | None:
        return selected_row(self.records_view)

    def _record_selected(self, *_: Any) -> None:
        record = self.selected_record()
        self.refund_button.setEnabled(
            record is not None and record.refunded_micros < record.amount_micros)

    # --- actions ----------------------------------------------------------------------------

    async def _submit(self, dialog: QDialog, action: Callable[[], Awaitable[T]]) -> T | None:
        """Show ``dialog`` until the service accepts what it holds or the operator cancels;
        a refusal is shown in the dialog, which reopens with everything still filled in."""
        self.last_dialog = dialog
        try:
            while await ask(dialog) == QDialog.DialogCode.Accepted:
                try:
                    return await action()
                except ServiceError as exc:
                    dialog.fail(error_text(exc), exc.param)  # type: ignore[attr-defined]
            return None
        finally:
            dialog.deleteLater()

    def _usernames(self) -> list[str]:
        return sorted((u.username for u in self.users_model.rows), key=str.lower)

    async def recharge(self) -> RechargeRecord | None:
        chosen = self.selected_user()
        dialog = RechargeDialog(self._usernames(), recharges.MANUAL_METHODS, self.currency,
                                chosen.username if chosen else None, self)

        async def submit() -> RechargeRecord:
            return await self.backend.call(
                recharges.recharge, dialog.username(), parse_amount(dialog.amount.text()),
                method=dialog.method_code(), note=dialog.note.text())

        record = await self._submit(dialog, submit)
        if record is None:
            return None
        text = self.tr("Recharged {amount} {currency} to {user}. Order number: {order}").format(
            amount=format_amount(record.amount_micros), currency=self.currency,
            user=record.user.username, order=record.order_no)
        self.notice.setText(text)
        self.last_notice = box = QMessageBox(QMessageBox.Icon.Information, self.tr("Recharged"),
                                             text, QMessageBox.StandardButton.Ok, self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.finished.connect(box.deleteLater)
        box.open()
        self.backend.changed.emit("money")
        return record

    async def refund(self) -> RechargeRecord | None:
        record = self.selected_record()
        if record is None:
            return None
        dialog = RefundDialog(record.order_no, record.user.username, record.amount_micros,
                              record.refunded_micros, self.currency, self)

        async def submit() -> RechargeRecord:
            return await self.backend.call(
                recharges.refund, record.order_no,
                parse_amount(dialog.amount.text(), field="Refund amount"),
                note=dialog.note.text())

        done = await self._submit(dialog, submit)
        if done is None:
            return None
        self.notice.setText(self.tr(
            "Order {order}: {refunded} of {amount} {currency} refunded to {user}.").format(
            order=done.order_no, refunded=format_amount(done.refunded_micros),
            amount=format_amount(done.amount_micros), currency=self.currency,
            user=record.user.username))
        self.backend.changed.emit("money")
        return done

    async def adjust(self) -> LedgerEntry | None:
        chosen = self.selected_user()
        users = {u.username: u for u in sorted(self.users_model.rows,
                                               key=lambda u: u.username.lower())}
        dialog = AdjustDialog({name: u.balance_micros for name, u in users.items()},
                              self.currency, chosen.username if chosen else None, self)

        async def submit() -> LedgerEntry:
            amount = parse_amount(dialog.amount.text(), field="Change", allow_negative=True)
            return await self.backend.call(ledger.adjust, users[dialog.username()].id, amount,
                                           dialog.reason.text())

        entry = await self._submit(dialog, submit)
        if entry is None:
            return None
        names = {u.id: name for name, u in users.items()}
        self.notice.setText(self.tr("{user}: balance adjusted by {amount} {currency}, now "
                                    "{balance} {currency}.").format(
            user=names[entry.user_id], amount=format_amount(entry.amount_micros),
            balance=format_amount(entry.balance_after_micros), currency=self.currency))
        self.backend.changed.emit("money")
        return entry
