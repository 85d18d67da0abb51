"""Balances → Recharge…: credit a user's balance with a payment taken at the counter or online.

The dialog only collects text; the page parses the amount and calls the service, and a refusal
comes back through ``fail`` with the dialog reopened so nothing typed is lost.
"""

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def method_labels() -> dict[str, str]:
    """Names the operator knows the payment methods by."""
    translate = QCoreApplication.translate  # lupdate reads the context from each call
    return {"manual": translate("RechargeDialog", "Manual"),
            "cash": translate("RechargeDialog", "Cash"),
            "bank": translate("RechargeDialog", "Bank transfer"),
            "alipay": translate("RechargeDialog", "Alipay"),
            "wechat": translate("RechargeDialog", "WeChat Pay"),
            "epay": translate("RechargeDialog", "Epay"),
            "hupijiao": translate("RechargeDialog", "HupiJiao"),
            "code": translate("RechargeDialog", "Redemption code")}


def error_label() -> QLabel:
    """The red line where a dialog shows why the service refused its input."""
    label = QLabel("")
    label.setStyleSheet("color: #b42318")
    label.setWordWrap(True)
    label.hide()
    return label


def ok_cancel(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    """OK (renamed to say what it does) and Cancel, wired to accept/reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok_button.setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok_button


def with_unit(field: QWidget, unit: str) -> QWidget:
    """``field`` followed by its currency code."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(field, 1)
    row.addWidget(QLabel(unit))
    return box


class RechargeDialog(QDialog):
    def __init__(self, usernames: Sequence[str], methods: Sequence[str], currency: str,
                 username: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Recharge"))
        self.setMinimumWidth(420)
        self.user = QComboBox()
        self.user.addItems(list(usernames))
        if username:
            self.user.setCurrentText(username)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("required, for example 100 or 12.50"))
        self.method = QComboBox()
        labels = method_labels()
        for code in methods:
            self.method.addItem(labels.get(code, code), code)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("optional, for example the receipt number"))
        self.message = error_label()
        form = QFormLayout()
        form.addRow(self.tr("&User:"), self.user)
        form.addRow(self.tr("&Amount:"), with_unit(self.amount, currency))
        form.addRow(self.tr("&Method:"), self.method)
        form.addRow(self.tr("&Note:"), self.note)
        buttons, self.ok_button = ok_cancel(self, self.tr("Recharge"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.amount if username else self.user).setFocus()

    def username(self) -> str:
        return self.user.currentText()

    def method_code(self) -> str:
        return str(self.method.currentData())

    def fail(self, message: str, param: str | None = None) -> None:
        """Show the service's refusal and put the cursor in the field it names."""
        self.message.setText(message)
        self.message.show()
        field = self.note if param == "note" else self.amount
        field.setFocus()
        field.selectAll()
