"""Payments: online top-ups through Epay and HupiJiao. The gateways' settings (address and
merchant id in settings, the key in the OS keyring) with a Test button each, and the orders
(pending, paid, expired, refunded) with their gateway trade numbers and a refund. Every action
is a call to app.payments; this page shows the answers.
"""

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import settings
from app.errors import ServiceError
from app.models import RechargeRecord
from app.money import format_amount, parse_amount
from app.payments import client, gateways, orders
from gui.asyncdialog import ask
from gui.backend import Backend
from gui.dialogs.payments import OrderRefundDialog
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

TOPIC = "payments"
ORDERS_SHOWN = 500


@dataclass
class Loaded:
    gateways: list[dict[str, Any]]
    public_base_url: str
    expiry_minutes: int
    currency: str
    orders: list[RechargeRecord]


def _load(status: str | None) -> Loaded:
    """Everything the page shows, in one worker round trip."""
    return Loaded([gateways.describe(name) for name in gateways.GATEWAYS],
                  settings.get("public_base_url"), settings.get("payments_order_expiry_minutes"),
                  settings.get("currency"), orders.list_orders(status=status, limit=ORDERS_SHOWN))


def _save(fields: dict[str, dict[str, str | None]], base_url: str, expiry: int) -> None:
    """Check everything first, so a refusal leaves every setting as it was."""
    settings.parse("public_base_url", base_url)
    settings.parse("payments_order_expiry_minutes", expiry)
    for name, values in fields.items():
        settings.parse(f"payments_{name}_url", values["url"])
    for name, values in fields.items():
        gateways.configure(name, url=values["url"], merchant_id=values["merchant_id"],
                           key=values["key"])
    settings.set("public_base_url", base_url)
    settings.set("payments_order_expiry_minutes", expiry)


class _GatewayBox(QGroupBox):
    """One gateway's address, merchant id, key (write-only) and its Test button."""

    def __init__(self, name: str, title: str, id_label: str, key_label: str,
                 parent: QWidget) -> None:
        super().__init__(title, parent)
        self.name = name
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://")
        self.merchant_id = QLineEdit()
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_button = QPushButton(self.tr("&Test gateway"))
        self.test_button.setToolTip(self.tr("Ask the gateway about a made-up order: does it "
                                            "answer, and does its answer verify?"))
        self.result = QLabel("")
        self.result.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Gateway address:"), self.url)
        form.addRow(id_label, self.merchant_id)
        form.addRow(key_label, self.key)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.result, 1)
        form.addRow(row)

    def show_values(self, view: dict[str, Any]) -> None:
        self.url.setText(str(view["url"] or ""))
        self.merchant_id.setText(str(view["merchant_id"] or ""))
        self.key.clear()
        self.key.setPlaceholderText(self.tr("stored in the OS keyring; type to replace")
                                    if view["key_stored"] else self.tr("not set"))

    def values(self) -> dict[str, str | None]:
        return {"url": self.url.text(), "merchant_id": self.merchant_id.text(),
                "key": self.key.text() or None}


class PaymentsPage(Page):
    """Attributes:
        last_dialog: the dialog or box opened last, so tests can answer it.
    """

    topics = ("settings", "balances", TOPIC)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.last_dialog: QDialog | None = None
        self.currency = "CNY"
        self.epay = _GatewayBox("epay", self.tr("Epay"), self.tr("Merchant id (pid):"),
                                self.tr("Merchant key:"), self)
        self.hupijiao = _GatewayBox("hupijiao", self.tr("HupiJiao"), self.tr("Appid:"),
                                    self.tr("Appsecret:"), self)
        for box in (self.epay, self.hupijiao):
            box.test_button.clicked.connect(
                lambda _c=False, b=box: self.spawn(self.test_gateway(b.name)))
        self.public_base_url = QLineEdit()
        self.public_base_url.setPlaceholderText(self.tr("empty: orders are confirmed by asking "
                                                        "the gateway"))
        self.expiry = QSpinBox()
        self.expiry.setRange(5, 1440)
        self.expiry.setSuffix(self.tr(" min"))
        self.save_button = QPushButton(self.tr("&Save payment settings"))
        self.save_button.clicked.connect(lambda: self.spawn(self.save()))
        self.saved = QLabel("")
        common = QFormLayout()
        common.addRow(self.tr("Public base URL:"), self.public_base_url)
        common.addRow(self.tr("Unpaid orders expire after:"), self.expiry)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.saved, 1)
        boxes = QHBoxLayout()
        boxes.addWidget(self.epay)
        boxes.addWidget(self.hupijiao)

        self.orders = RowsModel([
            Column(self.tr("Order"), lambda r: r.order_no),
            Column(self.tr("User"), lambda r: r.user.username),
            Column(self.tr("Gateway"), lambda r: r.gateway or ""),
            Column(self.tr("Amount"), lambda r: format_amount(r.amount_micros),
                   key=lambda r: r.amount_micros, numeric=True),
            Column(self.tr("Status"), lambda r: self._status_text(r.status)),
            Column(self.tr("Trade number"), lambda r: r.trade_no or ""),
            Column(self.tr("Created"), lambda r: local_time(r.created_at), key=lambda r: r.id),
            Column(self.tr("Paid"), lambda r: local_time(r.paid_at)),
            Column(self.tr("Refunded"), lambda r: format_amount(r.refunded_micros)
                   if r.refunded_micros else "", key=lambda r: r.refunded_micros, numeric=True),
        ], self)
        self.orders_view = make_table(sorted_view(self.orders), sortable=True)
        fit_columns(self.orders_view, stretch=5)
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("All orders"), None)
        for status in orders.GATEWAY_STATUSES:
            self.status_filter.addItem(self._status_text(status), status)
        self.status_filter.activated.connect(lambda _i: self.spawn(self.reload()))
        self.refund_button = QPushButton(self.tr("Re&fund…"))
        self.refund_button.clicked.connect(lambda: self.spawn(self.refund()))
        refresh = shortcut_button(self, self.tr("Refresh"), self.tr("Reload the orders"), "F5",
                                  lambda: self.spawn(self.reload()))
        order_row = QHBoxLayout()
        order_row.addWidget(QLabel(self.tr("Show:")))
        order_row.addWidget(self.status_filter)
        order_row.addWidget(self.refund_button)
        order_row.addStretch(1)
        order_row.addWidget(refresh)

        layout = QVBoxLayout(self)
        layout.addLayout(boxes)
        layout.addLayout(common)
        layout.addLayout(save_row)
        layout.addLayout(order_row)
        layout.addWidget(self.orders_view, 1)
        self.orders_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def title(self) -> str:
        return self.tr("Payments")

    def _status_text(self, status: str) -> str:
        return {"pending": self.tr("Pending"), "paid": self.tr("Paid"),
                "expired": self.tr("Expired"), "partially_refunded": self.tr("Partly refunded"),
                "refunded": self.tr("Refunded")}.get(status, status)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        # Users pay on the portal meanwhile: reload when shown again.
        super().hideEvent(event)
        self._stale = True

    async def refresh(self) -> None:
        loaded: Loaded = await self.backend.call(_load, self.status_filter.currentData())
        self.currency = loaded.currency
        for box, view in zip((self.epay, self.hupijiao), loaded.gateways, strict=True):
            box.show_values(view)
        self.public_base_url.setText(loaded.public_base_url)
        self.expiry.setValue(loaded.expiry_minutes)
        self.orders.set_rows(loaded.orders)
        self._selection_changed()

    def _selection_changed(self, *_: Any) -> None:
        order = selected_row(self.orders_view)
        self.refund_button.setEnabled(order is not None
                                      and order.status in ("paid", "partially_refunded"))

    async def _warn(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, self)
        self.last_dialog = box
        await ask(box)

    # --- actions ----------------------------------------------------------------------------

    async def save(self) -> bool:
        fields = {box.name: box.values() for box in (self.epay, self.hupijiao)}
        try:
            await self.backend.call(_save, fields, self.public_base_url.text(),
                                    self.expiry.value())
        except ServiceError as exc:
            self.saved.setText("")
            await self._warn(self.tr("Payment settings"), error_text(exc))
            return False
        self.saved.setText(self.tr("Saved."))
        self.backend.changed.emit("settings")
        return True

    async def test_gateway(self, name: str) -> bool:
        box = self.epay if name == "epay" else self.hupijiao
        box.result.setText(self.tr("Asking the gateway…"))
        box.test_button.setEnabled(False)
        try:
            gw = await self.backend.call(gateways.load, name)
            result = await client.test_gateway(gw)  # on the GUI's loop: no worker held up
        except ServiceError as exc:
            box.result.setText(error_text(exc))
            return False
        finally:
            box.test_button.setEnabled(True)
        box.result.setText(result.message)
        return result.ok

    async def refund(self) -> bool:
        order = selected_row(self.orders_view)
        if order is None:
            return False
        dialog = OrderRefundDialog(order.order_no, order.user.username, order.amount_micros,
                                   order.refunded_micros, self.currency, self)
        self.last_dialog = dialog
        try:
            while await ask(dialog) == QDialog.DialogCode.Accepted:
                try:
                    amount = parse_amount(dialog.amount.text(), field=self.tr("Refund amount"))
                    await self.backend.call(orders.refund, order.order_no, amount,
                                            note=dialog.note.text())
                except ServiceError as exc:
                    dialog.fail(error_text(exc), exc.param)
                    continue
                self.backend.changed.emit(TOPIC)
                self.backend.changed.emit("balances")
                return True
            return False
        finally:
            dialog.deleteLater()
