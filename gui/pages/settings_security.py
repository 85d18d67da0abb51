"""The security sections of the Settings page: who may reach the relay, default limits, bans of
abusive addresses, and HTTPS.

Like the rest of the page it only collects values; ``app.settings.set`` decides what is valid.
The sections are plain group boxes the page places in its column; ``https_form`` is the form of
the HTTPS section, so more HTTPS rows (such as the certificate's fingerprint) go there.
"""

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from gui.asyncdialog import ask
from gui.pages.settings_parts import group, left, note
from gui.widgets.cidr_list import CidrListEditor

CIDR_KEYS = ("relay_allowed_cidrs", "trusted_proxies")
SPIN_KEYS = ("rate_limit_rpm", "rate_limit_tpm", "rate_limit_concurrency", "max_body_mb",
             "ban_threshold", "ban_window_seconds", "ban_minutes")
FILE_KEYS = ("tls_cert_file", "tls_key_file")
KEYS = (*CIDR_KEYS, *SPIN_KEYS, "tls_mode", *FILE_KEYS)
TLS_RESTART_KEYS = ("tls_mode", *FILE_KEYS)


def _spin(low: int, high: int, suffix: str, special: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setSpecialValueText(special)  # shown instead of the lowest value (0 = unlimited)
    spin.setGroupSeparatorShown(True)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setMinimumWidth(200)
    return spin


def _caption(text: str, *, first: bool = False) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600")
    if not first:
        label.setContentsMargins(0, 8, 0, 0)  # set apart from the list above
    return label


class SecuritySettings(QObject):
    """Fields for the security settings, grouped in ``boxes`` (in display order).

    Signals:
        changed(): a field was edited.
    Attributes:
        last_dialog: the file picker opened last (tests answer it).
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_dialog: QDialog | None = None

        # network access
        self.relay_cidrs = CidrListEditor()
        self.proxies = CidrListEditor()
        for editor in (self.relay_cidrs, self.proxies):
            editor.edit.setMaximumHeight(90)
        self.network_box = group(
            self.tr("Network access"),
            _caption(self.tr("Clients allowed to use the relay"), first=True),
            note(self.tr("Only these addresses may call the relay's API. Leave the list empty to "
                         "allow any address; API keys are required either way.")),
            self.relay_cidrs,
            _caption(self.tr("Trusted reverse proxies")),
            note(self.tr("Only if RelayDesk runs behind a reverse proxy: the client's address is "
                         "taken from the X-Forwarded-For header sent by these addresses. Leave "
                         "empty otherwise.")),
            self.proxies)

        # limits
        unlimited = self.tr("Unlimited")
        self.spins: dict[str, QSpinBox] = {
            "rate_limit_rpm": _spin(0, 1_000_000, self.tr(" requests/min"), unlimited),
            "rate_limit_tpm": _spin(0, 1_000_000_000, self.tr(" tokens/min"), unlimited),
            "rate_limit_concurrency": _spin(0, 10_000, self.tr(" at once"), unlimited),
            "max_body_mb": _spin(1, 100, self.tr(" MB")),
            "ban_threshold": _spin(0, 10_000, self.tr(" failures"), self.tr("Never ban")),
            "ban_window_seconds": _spin(1, 86_400, self.tr(" seconds")),
            "ban_minutes": _spin(1, 525_600, self.tr(" minutes")),
        }
        limits_form = QFormLayout()
        limits_form.addRow(self.tr("Requests per minute, per key:"),
                           left(self.spins["rate_limit_rpm"]))
        limits_form.addRow(self.tr("Tokens per minute, per key:"),
                           left(self.spins["rate_limit_tpm"]))
        limits_form.addRow(self.tr("Concurrent requests per key:"),
                           left(self.spins["rate_limit_concurrency"]))
        limits_form.addRow(self.tr("Largest request:"), left(self.spins["max_body_mb"]))
        self.limits_box = group(self.tr("Limits"), limits_form, note(self.tr(
            "Defaults for API keys without limits of their own; a key's own limits are set in "
            "its API keys dialog. Larger requests are refused before they reach a provider.")))

        # abuse protection
        abuse_form = QFormLayout()
        abuse_form.addRow(self.tr("Ban an address after:"), left(self.spins["ban_threshold"]))
        abuse_form.addRow(self.tr("Counted within:"), left(self.spins["ban_window_seconds"]))
        abuse_form.addRow(self.tr("Ban lasts:"), left(self.spins["ban_minutes"]))
        self.abuse_box = group(self.tr("Abuse protection"), abuse_form, note(self.tr(
            "An address that sends this many invalid API keys or failed sign-ins within the "
            "period is refused until the ban ends. This computer is never banned. Running bans "
            "are listed, and can be lifted, on the Security page.")))

        # HTTPS
        self.tls_mode = QComboBox()
        self.tls_mode.addItem(self.tr("Automatic (on when other computers can connect)"), "auto")
        self.tls_mode.addItem(self.tr("On"), "on")
        self.tls_mode.addItem(self.tr("Off (plain HTTP)"), "off")
        self.files: dict[str, QLineEdit] = {}
        self.browse_buttons: dict[str, QPushButton] = {}
        self.https_form = QFormLayout()
        self.https_form.addRow(self.tr("HTTPS:"), left(self.tls_mode))
        for key, label, placeholder in (
                ("tls_cert_file", self.tr("Certificate file:"),
                 self.tr("None: RelayDesk makes its own certificate")),
                ("tls_key_file", self.tr("Private key file:"),
                 self.tr("None: goes with RelayDesk's own certificate"))):
            edit = QLineEdit()
            edit.setPlaceholderText(placeholder)
            edit.setClearButtonEnabled(True)
            button = QPushButton(self.tr("Browse…"))  # the page connects it to browse()
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(button)
            self.files[key] = edit
            self.browse_buttons[key] = button
            self.https_form.addRow(label, row)
        self.fingerprint = QLineEdit()
        self.fingerprint.setReadOnly(True)
        self.fingerprint.setMinimumWidth(420)
        self.copy_fingerprint = QPushButton(self.tr("Copy"))
        self.copy_fingerprint.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.fingerprint.text()))
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.fingerprint, 1)
        pin_row.addWidget(self.copy_fingerprint)
        self.https_form.addRow(self.tr("Certificate SHA-256:"), pin_row)
        self.show_fingerprint(None)
        self.https_box = group(self.tr("HTTPS"), self.https_form, note(self.tr(
            "Leave both files empty to use a certificate RelayDesk makes itself; clients then "
            "have to trust it once. Your own certificate and key are PEM files. Changes take "
            "effect when the relay restarts.")))

        self.boxes: list[QGroupBox] = [self.network_box, self.https_box, self.limits_box,
                                       self.abuse_box]
        for editor in (self.relay_cidrs, self.proxies):
            editor.changed.connect(self.changed)
        for spin in self.spins.values():
            spin.valueChanged.connect(self.changed)
        self.tls_mode.currentIndexChanged.connect(self.changed)
        for edit in self.files.values():
            edit.textChanged.connect(self.changed)

    # --- form <-> values ------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the fields say, in the settings' own shapes."""
        result: dict[str, Any] = {"relay_allowed_cidrs": self.relay_cidrs.values(),
                                  "trusted_proxies": self.proxies.values(),
                                  "tls_mode": self.tls_mode.currentData()}
        result.update({key: spin.value() for key, spin in self.spins.items()})
        result.update({key: edit.text().strip() for key, edit in self.files.items()})
        return result

    def show_value(self, key: str, value: Any) -> None:
        if key == "relay_allowed_cidrs":
            self.relay_cidrs.set_values(list(value))
        elif key == "trusted_proxies":
            self.proxies.set_values(list(value))
        elif key in self.spins:
            self.spins[key].setValue(int(value))
        elif key == "tls_mode":
            self.tls_mode.setCurrentIndex(max(0, self.tls_mode.findData(value)))
        elif key in self.files:
            self.files[key].setText(str(value))

    def show_fingerprint(self, fingerprint: str | None) -> None:
        """The running relay's certificate pin, for clients that pin it (or a reason why not)."""
        self.fingerprint.setText(fingerprint or "")
        self.fingerprint.setPlaceholderText(self.tr("The relay is not serving HTTPS right now"))
        self.copy_fingerprint.setEnabled(bool(fingerprint))

    # --- picking files ----------------------------------------------------------------------

    async def browse(self, key: str) -> str | None:
        """Pick a PEM file for ``key``; the chosen path goes into its field (not yet saved)."""
        edit = self.files[key]
        parent = edit.window()
        title = (self.tr("Choose the certificate file") if key == "tls_cert_file"
                 else self.tr("Choose the private key file"))
        picker = QFileDialog(parent, title, edit.text().strip())
        picker.setFileMode(QFileDialog.FileMode.ExistingFile)
        picker.setNameFilters([self.tr("PEM files (*.pem *.crt *.cer *.key)"),
                               self.tr("All files (*)")])
        self.last_dialog = picker
        accepted = await ask(picker) == QDialog.DialogCode.Accepted
        chosen = picker.selectedFiles()
        picker.deleteLater()
        if not accepted or not chosen:
            return None
        edit.setText(chosen[0])
        return chosen[0]
