"""Settings page: how the relay listens, who may reach it and the admin API, HTTPS, limits and
bans (gui/pages/settings_security.py), how long records are kept, and the interface language.

Only fields the operator changed are written, each through ``app.settings.set`` (which decides
what is valid); a field the service refused keeps the operator's text so it can be corrected.
"Purge now…" deletes what is past the saved periods at once (the relay also does it daily): it
shows what would go, asks, then deletes batch by batch with a progress bar.
"""

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import ports, retention, settings
from app.errors import ServiceError
from app.money import format_amount
from gui import autostart
from gui.asyncdialog import ask
from gui.backend import Backend
from gui.dialogs.change_password import ChangePasswordDialog
from gui.errors import error_text
from gui.pages.base import Page
from gui.pages.settings_deployment import DeploymentSettings
from gui.pages.settings_parts import group, left, note, threshold
from gui.pages.settings_security import KEYS as SECURITY_KEYS
from gui.pages.settings_security import TLS_RESTART_KEYS, SecuritySettings
from gui.widgets.cidr_list import CidrListEditor
from relay.jobs import purge_async

LAN_HOST = "0.0.0.0"
LOCAL_HOST = "127.0.0.1"
RETENTION_KEYS = ("log_retention_days", "payment_retention_days", "security_retention_days")
NOTIFY_KEYS = ("operator_email", "low_balance_threshold_micros")
EDITABLE = ("relay_host", "relay_port", *RETENTION_KEYS, "admin_ip_whitelist", "language",
            "registration_mode", *NOTIFY_KEYS, *SECURITY_KEYS)
ERROR_STYLE = "color: #b42318"
OK_STYLE = "color: #067647"


class SettingsPage(Page):
    topics = ("settings",)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.saved: dict[str, Any] = {}
        self._loaded = False

        # relay
        self.host = QComboBox()
        self.host.addItem(self.tr("Computers on the LAN (all network interfaces)"), LAN_HOST)
        self.host.addItem(self.tr("This computer only (127.0.0.1)"), LOCAL_HOST)
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(self.tr("any free port"))
        self.port.setMinimumWidth(120)
        self.restart_button = QPushButton(self.tr("Restart relay"))
        self.restart_button.clicked.connect(lambda: self.spawn(self.restart_relay()))
        self.relay_note = note(self.tr("Saving a new address or port offers to restart the relay "
                                        "at once. Connected clients are disconnected briefly."))
        port_row = left(self.port)
        port_row.insertSpacing(1, 12)
        port_row.insertWidget(2, self.restart_button)
        relay_form = QFormLayout()
        relay_form.addRow(self.tr("Listen for:"), left(self.host))
        relay_form.addRow(self.tr("Port:"), port_row)
        relay_box = group(self.tr("Relay"), relay_form, self.relay_note)

        # retention
        self.retention: dict[str, QSpinBox] = {}
        labels = {"log_retention_days": self.tr("Request logs:"),
                  "payment_retention_days": self.tr("Payment records:"),
                  "security_retention_days": self.tr("Login and security events:")}
        retention_form = QFormLayout()
        for key in RETENTION_KEYS:
            spin = QSpinBox()
            spin.setRange(1, 3650)
            spin.setSuffix(self.tr(" days"))
            spin.setMinimumWidth(120)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.retention[key] = spin
            retention_form.addRow(labels[key], left(spin))
        self.purge_button = QPushButton(self.tr("Purge now…"))
        self.purge_button.setToolTip(self.tr("Delete what is older than the saved periods now, "
                                             "instead of waiting for the daily clean-up"))
        self.purge_button.clicked.connect(lambda: self.spawn(self.purge_now()))
        self.purge_progress = QProgressBar()
        self.purge_progress.setMaximumWidth(240)
        self.purge_progress.hide()
        self.last_dialog: QMessageBox | ChangePasswordDialog | None = None
        purge_row = QWidget()
        purge_layout = QHBoxLayout(purge_row)
        purge_layout.setContentsMargins(0, 0, 0, 0)
        purge_layout.addWidget(self.purge_button)
        purge_layout.addWidget(self.purge_progress)
        purge_layout.addStretch(1)
        retention_box = group(self.tr("Keep records"), retention_form, note(self.tr(
            "How long each kind of record is kept before it is deleted.")), purge_row)

        # admin access
        self.whitelist = CidrListEditor()
        self.whitelist.edit.setMaximumHeight(110)
        self.password_button = QPushButton(self.tr("Change admin password…"))
        self.password_button.clicked.connect(lambda: self.spawn(self.change_password()))
        admin_box = group(self.tr("Admin access"), left(self.password_button), note(self.tr(
            "Computers allowed to use the admin API, one address or network per line.")),
            self.whitelist, note(self.tr(
                "This computer (127.0.0.1 and ::1) is always allowed, whatever the list says, "
                "so you cannot lock yourself out.")))

        # network access, HTTPS, limits, abuse protection
        self.security = SecuritySettings(self)
        backend.relay_state.connect(
            lambda _state: self.security.show_fingerprint(self.backend.tls_fingerprint))
        for key, button in self.security.browse_buttons.items():
            button.clicked.connect(lambda _=False, k=key: self.spawn(self.security.browse(k)))

        # user portal (also on the Portal page, with invites and deletion requests)
        self.registration = QComboBox()
        self.registration.addItem(self.tr("Closed: only you create accounts"), "closed")
        self.registration.addItem(self.tr("With an invite code"), "invite")
        self.registration.addItem(self.tr("Open to anyone who can reach the relay"), "open")
        portal_form = QFormLayout()
        portal_form.addRow(self.tr("Registration:"), left(self.registration))
        portal_box = group(self.tr("User portal"), portal_form, note(self.tr(
            "Who may create an account on the portal. Invite codes are made on the Portal "
            "page.")))

        # email notifications (the SMTP server itself is on the Mail page)
        self.operator_email = QLineEdit()
        self.operator_email.setPlaceholderText(self.tr("you@example.com"))
        self.low_balance = QLineEdit()
        self.low_balance.setMaximumWidth(160)
        notify_form = QFormLayout()
        notify_form.addRow(self.tr("Operator's email:"), self.operator_email)
        notify_form.addRow(self.tr("Low-balance warning below:"), left(self.low_balance))
        notify_box = group(self.tr("Email notifications"), notify_form, note(self.tr(
            "Security alerts (address bans) go to the operator's email. Users are emailed once "
            "when their balance falls below the threshold (0: never); each user may set their "
            "own on the portal.")))

        # interface
        self.language = QComboBox()
        self.language.addItem(self.tr("Automatic (follow the system)"), "auto")
        self.language.addItem("English", "en")
        self.language.addItem("简体中文", "zh_CN")
        self.currency = QLabel("")
        self.currency.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        language_row = left(self.language)
        language_row.insertSpacing(1, 12)
        language_row.insertWidget(2, note(self.tr("Used from the next start."), wrap=False))
        currency_row = left(self.currency)
        currency_row.insertSpacing(1, 12)
        currency_row.insertWidget(2, note(self.tr("Chosen at first start; balances and prices "
                                                   "use it."), wrap=False))
        # Applied at once: it is this computer's sign-in, not a setting in the database.
        self.autostart = QCheckBox(self.tr("Start RelayDesk when I log in, in the tray"))
        self.autostart.setChecked(autostart.enabled())
        self.autostart.toggled.connect(self.set_autostart)
        interface_form = QFormLayout()
        interface_form.addRow(self.tr("Language:"), language_row)
        interface_form.addRow(self.tr("Currency:"), currency_row)
        interface_form.addRow("", self.autostart)
        interface_box = group(self.tr("Interface"), interface_form)

        # save bar
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.discard_button = QPushButton(self.tr("Discard changes"))
        self.discard_button.clicked.connect(self.discard)
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.setDefault(True)
        self.save_button.setToolTip(QKeySequence(QKeySequence.StandardKey.Save).toString(
            QKeySequence.SequenceFormat.NativeText))
        self.save_button.clicked.connect(lambda: self.spawn(self.save()))
        shortcuts: tuple[tuple[QKeySequence.StandardKey, QPushButton | None], ...] = (
            (QKeySequence.StandardKey.Save, self.save_button),
            (QKeySequence.StandardKey.Refresh, None))
        for shortcut, target in shortcuts:
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(
                (lambda b=target: b.isEnabled() and b.click()) if target is not None else
                (lambda: self.spawn(self.reload())))
            self.addAction(action)
        save_row = QHBoxLayout()
        save_row.addWidget(self.message, 1)
        save_row.addWidget(self.discard_button)
        save_row.addWidget(self.save_button)

        column = QWidget()
        column.setMaximumWidth(780)
        column_layout = QVBoxLayout(column)
        network_box, https_box, limits_box, abuse_box = self.security.boxes
        self.deployment = DeploymentSettings(self)
        self.deployment.restrict(relay_box, https_box)  # managing a deployment: not here
        for box in (self.deployment, relay_box, network_box, https_box, admin_box, limits_box,
                    abuse_box, retention_box, portal_box, notify_box, interface_box):
            column_layout.addWidget(box)
        column_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        scroll.setWidget(column)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(save_row)

        for spin in (self.port, *self.retention.values()):
            spin.valueChanged.connect(self._update_buttons)
        for combo in (self.host, self.language, self.registration):
            combo.currentIndexChanged.connect(self._update_buttons)
        self.whitelist.changed.connect(self._update_buttons)
        self.security.changed.connect(self._update_buttons)
        for line in (self.operator_email, self.low_balance):
            line.textChanged.connect(self._update_buttons)
        self._update_buttons()

    def title(self) -> str:
        return self.tr("Settings")

    # --- form <-> values ------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the form currently says, in the settings' own shapes."""
        result: dict[str, Any] = {"relay_host": self.host.currentData(),
                                  "relay_port": self.port.value(),
                                  "admin_ip_whitelist": self.whitelist.values(),
                                  "language": self.language.currentData(),
                                  "registration_mode": self.registration.currentData(),
                                  "operator_email": self.operator_email.text().strip(),
                                  "low_balance_threshold_micros": threshold(
                                      self.low_balance.text())}
        result.update({key: spin.value() for key, spin in self.retention.items()})
        result.update(self.security.values())
        return result

    def changes(self) -> dict[str, Any]:
        if not self._loaded:
            return {}
        return {key: value for key, value in self.values().items() if value != self.saved[key]}

    def _show(self, key: str, value: Any) -> None:
        if key == "relay_host":
            index = self.host.findData(value)
            if index < 0:  # set elsewhere (CLI) to one specific address: keep it choosable
                self.host.addItem(self.tr("Only the address {host}").format(host=value), value)
                index = self.host.count() - 1
            self.host.setCurrentIndex(index)
        elif key == "relay_port":
            self.port.setValue(int(value))
        elif key in self.retention:
            self.retention[key].setValue(int(value))
        elif key == "admin_ip_whitelist":
            self.whitelist.set_values(list(value))
        elif key == "language":
            self.language.setCurrentIndex(max(0, self.language.findData(value)))
        elif key == "registration_mode":
            self.registration.setCurrentIndex(max(0, self.registration.findData(value)))
        elif key == "currency":
            self.currency.setText(str(value))
        elif key == "operator_email":
            self.operator_email.setText(str(value))
        elif key == "low_balance_threshold_micros":
            self.low_balance.setText(format_amount(int(value)))
        elif key in SECURITY_KEYS:
            self.security.show_value(key, value)

    async def refresh(self) -> None:
        """Load saved values; fields with unsaved edits keep what the operator typed."""
        dirty = set(self.changes())
        self.saved = await self.backend.call(settings.all_settings)
        for key in (*EDITABLE, "currency"):
            if key not in dirty:
                self._show(key, self.saved[key])
        self._loaded = True
        self.security.show_fingerprint(self.backend.tls_fingerprint)
        self._update_buttons()

    def discard(self) -> None:
        for key in EDITABLE:
            self._show(key, self.saved[key])
        self.message.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = bool(self.changes())
        self.save_button.setEnabled(dirty)
        self.discard_button.setEnabled(dirty)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setText(text)

    # --- actions ----------------------------------------------------------------------------

    async def save(self) -> bool:
        """Write each changed setting; report refusals in plain words. True if all saved."""
        changes = self.changes()
        if not changes:
            self._say(self.tr("Nothing to save."))
            return True
        errors: list[str] = []
        saved: list[str] = []
        if {"relay_host", "relay_port"} & set(changes):
            busy = await self._address_busy(changes)
            if busy:
                self._say(busy, error=True)
                return False
        self.save_button.setEnabled(False)
        for key, value in changes.items():
            try:
                await self.backend.call(settings.set, key, value)
                saved.append(key)
            except ServiceError as exc:
                errors.append(error_text(exc))
        self.saved = await self.backend.call(settings.all_settings)
        for key in saved:  # show the stored (normalised) form
            self._show(key, self.saved[key])
        if saved:
            self.backend.changed.emit("settings")
        self._update_buttons()
        if errors:
            self._say(self.tr("Not saved: {errors}").format(errors="; ".join(errors)),
                      error=True)
            return False
        notes = [self.tr("Settings saved.")]
        if "language" in saved:
            notes.append(self.tr("The new language is used from the next start."))
        self._say(" ".join(notes))
        if ({"relay_host", "relay_port", *TLS_RESTART_KEYS} & set(saved)
                and await self._confirm_restart()):
            await self.restart_relay()
        return True

    async def _address_busy(self, changes: dict[str, Any]) -> str | None:
        """Why the relay could not listen where the form says, or None: checked before
        anything is saved (the relay's own current address is of course taken by itself)."""
        host = changes.get("relay_host", self.saved["relay_host"])
        port = changes.get("relay_port", self.saved["relay_port"])
        relay = self.backend.relay
        if relay is not None and relay.running and (relay.host, relay.port) == (host, port):
            return None
        if await self.backend.call(ports.port_free, host, port):
            return None
        return self.tr("Not saved: port {port} is already used by another program on this "
                       "computer; choose another.").format(port=port)

    async def _confirm_restart(self) -> bool:
        """One confirmation applies a new address or HTTPS setting: the relay restarts now."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Restart the relay"), self.tr(
            "The relay must restart to use the new settings. Restart it now? Clients in the "
            "middle of a request see it end."), QMessageBox.StandardButton.NoButton, self)
        now = box.addButton(self.tr("Restart now"), QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(later)
        self.last_dialog = box
        await ask(box)
        if box.clickedButton() is not now:
            self._say(self.tr("Settings saved. The relay uses them from its next restart."))
            return False
        return True

    async def restart_relay(self) -> bool:
        """Stop and start the embedded relay so it listens on the saved address and port."""
        self.restart_button.setEnabled(False)
        self._say(self.tr("Restarting the relay…"))
        try:
            ok = await self.backend.restart_relay()
        finally:
            self.restart_button.setEnabled(True)
        if ok:
            urls = self.backend.relay_urls()
            self._say(self.tr("The relay is running at {url}.").format(
                url=urls[0] if urls else ""))
        else:
            self._say(self.tr("The relay could not start: {why}").format(
                why=self.backend.relay_error or ""), error=True)
        return ok

    def set_autostart(self, on: bool) -> None:
        """Add or remove RelayDesk from this user's sign-in (gui/autostart.py)."""
        try:
            if on:
                autostart.enable(autostart.command(self.backend.config.data_dir))
            else:
                autostart.disable()
        except OSError as exc:
            self._say(self.tr("Could not change the start at log-in: {why}").format(
                why=exc.strerror or exc), error=True)
            self.autostart.blockSignals(True)
            self.autostart.setChecked(autostart.enabled())
            self.autostart.blockSignals(False)
            return
        self._say(self.tr("RelayDesk starts in the tray when you log in.") if on else
                  self.tr("RelayDesk no longer starts when you log in."))

    async def change_password(self) -> bool:
        """Settings → Change admin password…; True once it was changed."""
        dialog = ChangePasswordDialog(self.backend, self)
        self.last_dialog = dialog
        if await ask(dialog) != ChangePasswordDialog.DialogCode.Accepted:
            return False
        self.message.setText(self.tr("Admin password changed."))
        return True

    async def purge_now(self) -> retention.PurgeResult | None:
        """Show what a purge would delete, ask, then delete it batch by batch with progress."""
        if set(RETENTION_KEYS) & set(self.changes()):
            self._say(self.tr("Save or discard your changes to the retention periods first."),
                      error=True)
            return None
        self.purge_button.setEnabled(False)
        try:
            plan = await self.backend.call(retention.plan)
            if not plan.total:
                self._say(self.tr("Nothing is older than the retention periods; there is "
                                  "nothing to delete."))
                return None
            if not await self._confirm_purge(plan):
                return None
            self.purge_progress.setRange(0, plan.total)
            self.purge_progress.setValue(0)
            self.purge_progress.show()
            self._say(self.tr("Deleting old records…"))
            try:
                result = await purge_async(
                    self.backend.call, now=plan.now, actor="admin",
                    progress=lambda run: self.purge_progress.setValue(
                        min(run.removed, plan.total)))
            except BaseException:
                self.message.clear()  # the error itself is shown by Page.guard
                raise
        finally:
            self.purge_button.setEnabled(True)
            self.purge_progress.hide()
        if result is None:
            self._say(self.tr("Another RelayDesk process is deleting old records right now; try "
                              "again later."), error=True)
            return None
        self.backend.changed.emit("logs")
        self.backend.changed.emit("money")
        self._say(self.tr("Deleted {logs} request logs, {payments} payment records and {events} "
                          "login and security events; folded {entries} ledger entries into "
                          "{carries} carried-forward entries.").format(**_counts(result)))
        return result

    async def _confirm_purge(self, plan: retention.PurgePlan) -> bool:
        assert plan.cutoffs is not None
        days = {key: (plan.now - cutoff).days for key, cutoff in (
            ("log_days", plan.cutoffs.logs), ("payment_days", plan.cutoffs.payments),
            ("security_days", plan.cutoffs.security))}
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Purge old records"), self.tr(
            "This will delete {logs} request logs older than {log_days} days, {payments} payment "
            "records older than {payment_days} days and {events} login and security events "
            "older than {security_days} days, and fold {entries} ledger entries older than "
            "{payment_days} days into {carries} carried-forward entries.").format(
            **_counts(plan), **days), QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(self.tr(
            "Balances do not change: each user's old ledger entries become one entry carrying "
            "their total forward. Pending payments and operator actions are kept. This cannot "
            "be undone."))
        confirm = box.addButton(self.tr("Delete old records"),
                                QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.last_dialog = box
        await ask(box)
        return box.clickedButton() is confirm


def _counts(counts: retention.Counts) -> dict[str, str]:
    return {"logs": f"{counts.request_logs:,}", "payments": f"{counts.recharge_records:,}",
            "events": f"{counts.audit_events:,}", "entries": f"{counts.ledger_entries:,}",
            "carries": f"{counts.carry_forwards:,}"}
