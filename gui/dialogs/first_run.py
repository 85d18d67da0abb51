"""First run: admin password, relay port, LAN or this computer only, currency."""

from typing import TypedDict

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import ports

CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY")


class FirstRunChoices(TypedDict):
    password: str
    port: int
    host: str
    currency: str


class FirstRunDialog(QDialog):
    """Collects the first-run choices; the caller saves them through the services."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to RelayDesk"))
        intro = QLabel(self.tr("Choose the administrator password that protects this window, "
                               "and how the relay should listen."))
        intro.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(8765)
        self.lan = QCheckBox(self.tr("Let other computers on the LAN use the relay"))
        self.lan.setChecked(True)
        self.currency = QComboBox()
        self.currency.addItems(CURRENCIES)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b42318")
        form = QFormLayout()
        form.addRow(self.tr("Admin password:"), self.password)
        form.addRow(self.tr("Repeat password:"), self.confirm)
        form.addRow(self.tr("Relay port:"), self.port)
        form.addRow("", self.lan)
        form.addRow(self.tr("Currency:"), self.currency)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if len(self.password.text()) < 8:
            self.error.setText(self.tr("The password needs at least 8 characters."))
        elif len(self.password.text().encode()) > 72:
            self.error.setText(self.tr("The password is longer than 72 bytes."))
        elif self.password.text() != self.confirm.text():
            self.error.setText(self.tr("The passwords do not match."))
        elif not ports.port_free(self.choices()["host"], self.port.value()):
            self.error.setText(self.tr("Port {port} is already used by another program on this "
                                       "computer; choose another.").format(port=self.port.value()))
        else:
            self.accept()

    def choices(self) -> FirstRunChoices:
        return {"password": self.password.text(), "port": self.port.value(),
                "host": "0.0.0.0" if self.lan.isChecked() else "127.0.0.1",
                "currency": self.currency.currentText()}
