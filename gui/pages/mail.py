"""Mail: the SMTP settings (the password goes to the OS keyring), "Send test email" with its
outcome, and the outgoing queue: waiting, sent and failed email with the last error and a Retry
action. The running relay sends the mail (relay/mail.py); this page only writes settings and
queue rows through app.mailer / app.mailqueue and shows their state.
"""

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import mailer, mailqueue, settings
from app.db import write_transaction
from app.errors import ServiceError
from app.models import MailMessage
from gui.backend import Backend
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

TOPIC = "mail"
SECURITY = ("starttls", "ssl", "none")
POLL_MS = 1000
POLLS = 120  # the test email's outcome is watched for two minutes


def _load() -> tuple[dict[str, object], list[MailMessage], list[MailMessage],
                     list[MailMessage], dict[str, int]]:
    """Everything the page shows, in one worker round trip (the keyring's answer too)."""
    waiting = (mailqueue.list_messages("sending") + mailqueue.list_messages("queued"))
    return (mailer.settings_view(), waiting, mailqueue.list_messages("sent"),
            mailqueue.list_messages("failed"), mailqueue.counts())


def _save(values: dict[str, object], password: str | None) -> None:
    """All settings checked before any is written; the password (if typed) to the keyring."""
    parsed = mailer.parse_settings(values)
    if password:
        mailer.set_password(password)
    with write_transaction():
        for key, value in parsed.items():
            settings.set(key, value)


class MailPage(Page):
    """Attributes:
        test_status: the test email's outcome, in words (tests read it).
    """

    topics = ("settings", TOPIC)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self._test_id: int | None = None
        self._polls = 0
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(lambda: self.spawn(self.check_test()))

        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("smtp.example.com (empty: no email is sent)"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        labels = {"starttls": self.tr("STARTTLS (usually port 587)"),
                  "ssl": self.tr("SSL/TLS (usually port 465)"),
                  "none": self.tr("None (unencrypted, usually port 25)")}
        for value in SECURITY:
            self.security.addItem(labels[value], value)
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("empty: no login"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.clear_password = QPushButton(self.tr("Remove password"))
        self.clear_password.clicked.connect(lambda: self.spawn(self.remove_password()))
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.clear_password)
        self.from_address = QLineEdit()
        self.from_address.setPlaceholderText("relaydesk@example.com")
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.clicked.connect(lambda: self.spawn(self.save()))
        self.settings_error = QLabel()
        self.settings_error.setWordWrap(True)
        self.settings_error.setObjectName("error")
        form = QFormLayout()
        form.addRow(self.tr("SMTP server:"), self.host)
        form.addRow(self.tr("Port:"), self.port)
        form.addRow(self.tr("Security:"), self.security)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), password_row)
        form.addRow(self.tr("Sender address:"), self.from_address)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.settings_error, 1)
        form.addRow("", save_row)

        self.test_address = QLineEdit()
        self.test_address.setPlaceholderText(self.tr("your@address"))
        self.test_button = QPushButton(self.tr("Send &test email"))
        self.test_button.clicked.connect(lambda: self.spawn(self.send_test()))
        self.test_label = QLabel()
        self.test_label.setWordWrap(True)
        self.test_status = ""
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_address, 1)
        test_row.addWidget(self.test_button)
        form.addRow(self.tr("Test:"), test_row)
        form.addRow("", self.test_label)

        self.tabs = QTabWidget()
        self.waiting, self.waiting_view = self._list(self.tr("Next try"), lambda m: local_time(
            m.next_attempt_at))
        self.sent, self.sent_view = self._list(self.tr("Sent"), lambda m: local_time(m.sent_at))
        self.failed, self.failed_view = self._list(self.tr("Last error"),
                                                   lambda m: m.last_error or "")
        self.retry_button = QPushButton(self.tr("&Retry"))
        self.retry_button.setToolTip(self.tr("Send the selected failed email again"))
        self.retry_button.clicked.connect(lambda: self.spawn(self.retry()))
        self.failed_view.selectionModel().selectionChanged.connect(self._selection_changed)
        failed_tab = QWidget()
        failed_layout = QVBoxLayout(failed_tab)
        retry_row = QHBoxLayout()
        retry_row.addWidget(self.retry_button)
        retry_row.addStretch(1)
        failed_layout.addLayout(retry_row)
        failed_layout.addWidget(self.failed_view, 1)
        self.tabs.addTab(self.waiting_view, self.tr("Queue"))
        self.tabs.addTab(self.sent_view, self.tr("Sent"))
        self.tabs.addTab(failed_tab, self.tr("Failed"))
        refresh = shortcut_button(self, self.tr("Refresh"), self.tr("Reload the mail lists"),
                                  "F5", lambda: self.spawn(self.reload()))
        self.tabs.setCornerWidget(refresh)
        hint = QLabel(self.tr("The running relay sends queued email within seconds and retries "
                              "failures with growing pauses; the password is kept in the "
                              "system keyring."))
        hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.tabs, 1)
        self._selection_changed()

    def _list(self, last_title: str, last: Any) -> tuple[RowsModel, QTableView]:
        model = RowsModel([
            Column(self.tr("Queued"), lambda m: local_time(m.created_at), key=lambda m: m.id),
            Column(self.tr("To"), lambda m: m.to_addr),
            Column(self.tr("Kind"), lambda m: m.kind),
            Column(self.tr("Subject"), lambda m: m.subject),
            Column(self.tr("Tries"), lambda m: str(m.attempts), key=lambda m: m.attempts,
                   numeric=True),
            Column(last_title, last),
        ], self)
        view = make_table(sorted_view(model), sortable=True)
        fit_columns(view, stretch=5, elide=[3])
        return model, view

    def title(self) -> str:
        return self.tr("Mail")

    async def refresh(self) -> None:
        values, waiting, sent, failed, counts = await self.backend.call(_load)
        self.host.setText(str(values["host"]))
        self.port.setValue(int(str(values["port"])))
        self.security.setCurrentIndex(max(0, self.security.findData(values["security"])))
        self.username.setText(str(values["username"]))
        self.from_address.setText(str(values["sender"]))
        stored = values["password"] == "set"
        self.password.clear()
        self.password.setPlaceholderText(
            self.tr("stored in the system keyring; type to replace") if stored
            else self.tr("not set"))
        self.clear_password.setEnabled(stored)
        self.waiting.set_rows(waiting)
        self.sent.set_rows(sent)
        self.failed.set_rows(failed)
        self.tabs.setTabText(0, self.tr("Queue ({n})").format(
            n=counts["queued"] + counts["sending"]))
        self.tabs.setTabText(1, self.tr("Sent ({n})").format(n=counts["sent"]))
        self.tabs.setTabText(2, self.tr("Failed ({n})").format(n=counts["failed"]))
        self._selection_changed()

    def _selection_changed(self, *_: Any) -> None:
        self.retry_button.setEnabled(selected_row(self.failed_view) is not None)

    def _changed(self) -> None:
        self.backend.changed.emit(TOPIC)

    # --- actions ----------------------------------------------------------------------------

    async def save(self) -> bool:
        values = {"smtp_host": self.host.text(), "smtp_port": self.port.value(),
                  "smtp_security": self.security.currentData(),
                  "smtp_username": self.username.text(), "mail_from": self.from_address.text()}
        try:
            await self.backend.call(_save, values, self.password.text() or None)
        except ServiceError as exc:
            self.settings_error.setText(error_text(exc))
            return False
        self.settings_error.setText(self.tr("Saved."))
        self.backend.changed.emit("settings")
        return True

    async def remove_password(self) -> None:
        await self.backend.call(mailer.set_password, None)
        await self.reload()

    async def send_test(self) -> bool:
        try:
            row = await self.backend.call(mailqueue.send_test, self.test_address.text())
        except ServiceError as exc:
            self._show_test(error_text(exc))
            return False
        self._test_id, self._polls = row.id, 0
        self._show_test(self.tr("Test email queued; waiting for the relay to send it…"))
        self._poll.start()
        self._changed()
        return True

    async def check_test(self) -> None:
        """One look at the test email's row (every second while it is on its way)."""
        if self._test_id is None:
            self._poll.stop()
            return
        self._polls += 1
        row = await self.backend.call(mailqueue.get, self._test_id)
        if row.status == "sent":
            self._show_test(self.tr("Test email sent to {to}.").format(to=row.to_addr))
        elif row.status == "failed":
            self._show_test(self.tr("Test email failed: {error}").format(error=row.last_error))
        elif row.last_error:
            self._show_test(self.tr("Attempt {n} failed: {error}; trying again later.").format(
                n=row.attempts, error=row.last_error))
        elif self._polls >= POLLS:
            self._show_test(self.tr("Not sent yet: is the relay running?"))
        else:
            return
        if row.status in ("sent", "failed") or self._polls >= POLLS or row.last_error:
            self._poll.stop()
            self._test_id = None
            self._changed()

    def _show_test(self, text: str) -> None:
        self.test_status = text
        self.test_label.setText(text)

    async def retry(self) -> bool:
        message = selected_row(self.failed_view)
        if message is None:
            return False
        await self.backend.call(mailqueue.retry, message.id)
        self._changed()
        return True
