"""Balances → Adjust…: an operator's correction to a balance, up or down, with its reason.

The ledger service insists on the reason; this dialog only says so up front.
"""

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.money import format_amount
from gui.dialogs.recharge import error_label, ok_cancel, with_unit


class AdjustDialog(QDialog):
    def __init__(self, balances: Mapping[str, int], currency: str, username: str | None = None,
                 parent: QWidget | None = None) -> None:
        """``balances``: username → balance in micro-units, shown for the chosen user."""
        super().__init__(parent)
        self.balances = dict(balances)
        self.currency = currency
        self.setWindowTitle(self.tr("Adjust balance"))
        self.setMinimumWidth(440)
        self.user = QComboBox()
        self.user.addItems(list(self.balances))
        if username:
            self.user.setCurrentText(username)
        self.balance = QLabel("")
        self.user.currentTextChanged.connect(self._show_balance)
        self._show_balance(self.user.currentText())
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("required, for example 5 to add, -2.50 to take off"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("required, kept in the ledger"))
        self.message = error_label()
        form = QFormLayout()
        form.addRow(self.tr("&User:"), self.user)
        form.addRow(self.tr("Balance now:"), self.balance)
        form.addRow(self.tr("&Change:"), with_unit(self.amount, currency))
        form.addRow(self.tr("&Reason:"), self.reason)
        buttons, self.ok_button = ok_cancel(self, self.tr("Adjust"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.amount if username else self.user).setFocus()

    def _show_balance(self, username: str) -> None:
        micros = self.balances.get(username)
        self.balance.setText("" if micros is None else self.tr("{amount} {currency}").format(
            amount=format_amount(micros), currency=self.currency))

    def username(self) -> str:
        return self.user.currentText()

    def fail(self, message: str, param: str | None = None) -> None:
        """Show the service's refusal and put the cursor in the field it names."""
        self.message.setText(message)
        self.message.show()
        field = self.reason if param == "reason" else self.amount
        field.setFocus()
        field.selectAll()
