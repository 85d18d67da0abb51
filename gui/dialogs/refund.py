"""Balances → Refund…: give back all or part of a recharge, taking it off the user's balance."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.money import format_amount
from gui.dialogs.recharge import error_label, ok_cancel, with_unit


class RefundDialog(QDialog):
    def __init__(self, order_no: str, username: str, paid_micros: int, refunded_micros: int,
                 currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order_no = order_no
        self.setWindowTitle(self.tr("Refund"))
        self.setMinimumWidth(460)
        order = QLabel(order_no)
        order.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        remaining = paid_micros - refunded_micros
        paid = QLabel(self.tr("{amount} {currency}").format(amount=format_amount(paid_micros),
                                                             currency=currency))
        self.amount = QLineEdit(format_amount(remaining))
        self.amount.setToolTip(self.tr("At most {remaining} {currency} can be refunded.").format(
            remaining=format_amount(remaining), currency=currency))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("optional, for example why the money went back"))
        warning = QLabel(self.tr("The refund is taken off {user}'s balance and cannot be "
                                 "undone.").format(user=username))
        warning.setWordWrap(True)
        self.message = error_label()
        form = QFormLayout()
        form.addRow(self.tr("Order:"), order)
        form.addRow(self.tr("User:"), QLabel(username))
        form.addRow(self.tr("Paid:"), paid)
        if refunded_micros:
            form.addRow(self.tr("Refunded before:"), QLabel(self.tr("{amount} {currency}").format(
                amount=format_amount(refunded_micros), currency=currency)))
        form.addRow(self.tr("Refund &amount:"), with_unit(self.amount, currency))
        form.addRow(self.tr("&Note:"), self.note)
        buttons, self.ok_button = ok_cancel(self, self.tr("Refund"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(warning)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.amount.setFocus()
        self.amount.selectAll()

    def fail(self, message: str, param: str | None = None) -> None:
        """Show the service's refusal and put the cursor in the field it names."""
        self.message.setText(message)
        self.message.show()
        field = self.note if param == "note" else self.amount
        field.setFocus()
        field.selectAll()
