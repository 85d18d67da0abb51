"""First run: this computer (admin password, relay port, LAN or this computer only, currency)
or a RelayDesk deployment on PostgreSQL (where its database is, with "Test connection").

The deployment's checks and connection test are app/deployment.py's; the widgets only show them.
"""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypedDict

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import deployment, ports
from app.errors import ServiceError
from gui.errors import error_text

CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY")
ERROR_STYLE = "color: #b42318"
OK_STYLE = "color: #067647"


class FirstRunChoices(TypedDict):
    password: str
    port: int
    host: str
    currency: str


def ssl_labels() -> dict[str, str]:
    translate = QCoreApplication.translate  # lupdate reads the context from each call
    return {"prefer": translate("DeploymentForm", "Use SSL when the server offers it"),
            "require": translate("DeploymentForm", "Require SSL"),
            "verify-ca": translate("DeploymentForm", "Require SSL and a trusted certificate"),
            "verify-full": translate("DeploymentForm",
                                     "Require SSL, a trusted certificate and its host name"),
            "disable": translate("DeploymentForm", "No SSL")}


def check_text(result: deployment.CheckResult) -> str:
    """A successful connection test, in words."""
    translate = QCoreApplication.translate
    head = translate("DeploymentForm", "Connected to PostgreSQL {version}.").format(
        version=result.server_version)
    if result.state == "empty":
        tail = translate("DeploymentForm", "The database is empty: RelayDesk creates its tables "
                                           "when it first connects.")
    elif result.state == "current":
        tail = translate("DeploymentForm", "It holds a RelayDesk deployment (schema version "
                                           "{n}, current).").format(n=result.schema_version)
    else:
        tail = translate("DeploymentForm", "Its schema (version {found}) is upgraded to {latest} "
                                           "when RelayDesk connects; update the relays on the "
                                           "servers too.").format(found=result.schema_version,
                                                                  latest=result.latest)
    return f"{head} {tail}"


class DeploymentForm(QWidget):
    """Where a deployment's PostgreSQL is. With ``keep_stored``, an empty password field means
    the one already in the keyring (the Settings page).

    Signals:
        tested(bool): a connection test ended, successfully or not.
    """

    tested = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, keep_stored: bool = False) -> None:
        super().__init__(parent)
        self.keep_stored = keep_stored
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("db.example.com"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(deployment.DEFAULT_PORT)
        self.database = QLineEdit("relaydesk")
        self.user = QLineEdit("relaydesk")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = QComboBox()
        for mode, label in ssl_labels().items():
            self.sslmode.addItem(label, mode)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(lambda: self._spawn(self.test()))
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self._tasks: set[asyncio.Task[object]] = set()
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Server:"), self.host)
        form.addRow(self.tr("Port:"), self.port)
        form.addRow(self.tr("Database:"), self.database)
        form.addRow(self.tr("User:"), self.user)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.tr("SSL:"), self.sslmode)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.result)

    def _spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def show_target(self, target: deployment.Target | None, *, stored: bool = False) -> None:
        if target is not None:
            self.host.setText(target.host)
            self.port.setValue(target.port)
            self.database.setText(target.database)
            self.user.setText(target.user)
            self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(target.sslmode)))
        self.password.clear()
        self.password.setPlaceholderText(
            self.tr("stored in the keyring; type to replace it") if stored else "")

    def target(self) -> deployment.Target:
        """What the form says, checked (raises ValidationError)."""
        return deployment.make_target(self.host.text(), self.port.value(), self.database.text(),
                                      self.user.text(), str(self.sslmode.currentData()))

    def fail(self, text: str) -> None:
        self.result.setStyleSheet(ERROR_STYLE)
        self.result.setText(text)

    async def test(self) -> deployment.CheckResult | None:
        """Connect as the app will (off the GUI thread) and say what was found."""
        try:
            target = self.target()
        except ServiceError as exc:
            self.fail(error_text(exc))
            self.tested.emit(False)
            return None
        self.test_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(self.tr("Connecting to {where}…").format(where=target.label))
        loop = asyncio.get_running_loop()
        secret: str | None = self.password.text()
        try:
            if not secret and self.keep_stored:
                secret = await loop.run_in_executor(None, deployment.password, target)
            result = await loop.run_in_executor(None, deployment.check, target, secret or None)
        except ServiceError as exc:
            self.fail(error_text(exc))
            self.tested.emit(False)
            return None
        finally:
            self.test_button.setEnabled(True)
        self.result.setStyleSheet(OK_STYLE)
        self.result.setText(check_text(result))
        self.tested.emit(True)
        return result


class FirstRunDialog(QDialog):
    """Collects the first-run choices; the caller saves them through the services.

    ``managing``: the label of the deployment the app already works on, which has no
    administrator yet: only the password and currency are asked then.
    """

    def __init__(self, parent: QWidget | None = None, *, managing: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to RelayDesk"))
        self.checking: asyncio.Task[None] | None = None
        self.relay_here = managing is None
        self.intro = intro = QLabel(
            self.tr("Choose the administrator password that protects this window, and how the "
                    "relay should listen.") if managing is None else
            self.tr("The deployment {where} has no administrator yet. Choose the administrator "
                    "password that protects it.").format(where=managing))
        intro.setWordWrap(True)
        self.here = QRadioButton(self.tr("This computer (local database, the relay runs here)"))
        self.remote = QRadioButton(self.tr("A RelayDesk deployment on PostgreSQL"))
        self.here.setChecked(True)
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.here)
        self.modes.addButton(self.remote)
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
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.local_part = QWidget()
        form = QFormLayout(self.local_part)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Admin password:"), self.password)
        form.addRow(self.tr("Repeat password:"), self.confirm)
        if self.relay_here:  # the deployment's relays listen on its servers, not here
            form.addRow(self.tr("Relay port:"), self.port)
            form.addRow("", self.lan)
        form.addRow(self.tr("Currency:"), self.currency)
        self.deployment_form = DeploymentForm(self)
        self.deployment_note = QLabel(self.tr(
            "This window then manages the deployment's users, balances, providers and logs; "
            "no relay runs on this computer. Its administrator password is asked next."))
        self.deployment_note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if self.relay_here:
            layout.addWidget(self.here)
            layout.addWidget(self.remote)
        layout.addWidget(self.local_part)
        layout.addWidget(self.deployment_note)
        layout.addWidget(self.deployment_form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.remote.toggled.connect(self._show_mode)
        self._show_mode()

    def _show_mode(self, *_: object) -> None:
        remote = self.remote.isChecked()
        self.local_part.setVisible(not remote)
        self.intro.setVisible(not remote)  # the note under the choice speaks for a deployment
        self.deployment_form.setVisible(remote)
        self.deployment_note.setVisible(remote)
        self.error.clear()
        self.adjustSize()

    def _check(self) -> None:
        if self.remote.isChecked():
            if self.checking is None or self.checking.done():
                self.checking = asyncio.ensure_future(self._check_deployment())
        elif len(self.password.text()) < 8:
            self.error.setText(self.tr("The password needs at least 8 characters."))
        elif len(self.password.text().encode()) > 72:
            self.error.setText(self.tr("The password is longer than 72 bytes."))
        elif self.password.text() != self.confirm.text():
            self.error.setText(self.tr("The passwords do not match."))
        elif self.relay_here and not ports.port_free(self.choices()["host"],
                                                                 self.port.value()):
            self.error.setText(self.tr("Port {port} is already used by another program on this "
                                       "computer; choose another.").format(port=self.port.value()))
        else:
            self.accept()

    async def _check_deployment(self) -> None:
        """Only a deployment that answers is accepted: one that does not would stop the next
        start at an error."""
        if await self.deployment_form.test() is not None:
            self.accept()

    def choices(self) -> FirstRunChoices:
        return {"password": self.password.text(), "port": self.port.value(),
                "host": "0.0.0.0" if self.lan.isChecked() else "127.0.0.1",
                "currency": self.currency.currentText()}

    def deployment_choice(self) -> tuple[deployment.Target, str] | None:
        """The deployment chosen and the password typed for it; None for this computer."""
        if not self.remote.isChecked():
            return None
        return self.deployment_form.target(), self.deployment_form.password.text()
