"""The one and only time a new API key's plaintext is visible: copy it now or issue another.

Only a SHA-256 of the key is stored, so nothing (not this program, not the database) can show it
again. The field is cleared when the dialog closes so the secret does not linger in a widget.
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.dialogs.agent_snippets import ClientSnippets


def client_settings(base_url: str, key: str, cert_file: Path | None = None) -> str:
    """Ready-to-paste settings for the common clients: the OpenAI SDKs' environment variables,
    Cherry Studio / ChatBox fields, curl; with HTTPS, how each trusts the relay's certificate."""
    host = base_url.removesuffix("/v1")
    lines = ["# OpenAI SDKs (Python, Node) and most tools",
             f"export OPENAI_BASE_URL={base_url}", f"export OPENAI_API_KEY={key}"]
    if cert_file is not None:  # how each trusts the relay's own certificate
        lines += [f"export SSL_CERT_FILE={cert_file}        # Python",
                  f"export NODE_EXTRA_CA_CERTS={cert_file}  # Node"]
    lines += ["", "# Cherry Studio / ChatBox: provider type OpenAI (API compatible)",
              f"API host: {host}", f"API key:  {key}", "",
              "# curl",
              f"curl {base_url}/chat/completions" + (f" --cacert {cert_file}" if cert_file else "")
              + f' -H "Authorization: Bearer {key}" -H "Content-Type: application/json"'
              ' -d \'{"model": "MODEL", "messages": [{"role": "user", "content": "hi"}]}\'']
    return "\n".join(lines)


class KeyCreatedDialog(QDialog):
    def __init__(self, username: str, key_name: str, plaintext: str, base_url: str | None = None,
                 parent: QWidget | None = None, *, fingerprint: str | None = None,
                 cert_file: Path | None = None, model: str | None = None) -> None:
        """``model``: one the key may use, for the agents' settings (None: their default)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("API key created"))
        self.settings_box: QPlainTextEdit | None = None  # with a base URL: the client snippets
        self.snippets: ClientSnippets | None = None
        title = QLabel(self.tr("<b>New key “{name}” for {user}</b>").format(name=key_name,
                                                                             user=username))
        warning = QLabel(self.tr("Copy this key now and give it to the user. It will not be "
                                 "shown again: RelayDesk keeps only a fingerprint of it. If it "
                                 "is lost, revoke it and create a new one."))
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #b54708")
        self.key_field = QLineEdit(plaintext)
        self.key_field.setReadOnly(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.key_field.setFont(mono)
        self.key_field.setMinimumWidth(self.key_field.fontMetrics().horizontalAdvance(plaintext)
                                       + 24)
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setToolTip(self.tr("Copy the key to the clipboard"))
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.key_field, 1)
        row.addWidget(self.copy_button)
        self.copied = QLabel(self.tr("Copied to the clipboard."))
        self.copied.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(warning)
        layout.addLayout(row)
        layout.addWidget(self.copied)
        if base_url:
            hint = QLabel(self.tr("Clients use it as their OpenAI API key, with this base URL:"))
            url = QLabel(base_url)
            url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            url.setFont(mono)
            layout.addWidget(hint)
            layout.addWidget(url)
            if fingerprint:
                pin = QLabel(self.tr("HTTPS certificate (SHA-256): {pin}\nCertificate file to hand "
                                     "out: {path}").format(pin=fingerprint, path=cert_file or ""))
                pin.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                pin.setWordWrap(True)
                layout.addWidget(pin)
            layout.addWidget(QLabel(self.tr("Ready-to-paste settings for common clients:")))
            trusted = cert_file if fingerprint else None  # HTTPS with the relay's certificate
            self.snippets = ClientSnippets(client_settings(base_url, plaintext, trusted),
                                           base_url, plaintext, model, trusted)
            self.settings_box = self.snippets.openai.text_box
            layout.addWidget(self.snippets)
        buttons = QDialogButtonBox()
        self.done_button = buttons.addButton(self.tr("I have copied the key"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.key_field.selectAll()
        self.copy_button.setFocus()
        self.finished.connect(self._forget)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key_field.text())
        self.copied.show()

    def _forget(self) -> None:
        self.key_field.clear()
        if self.snippets is not None:
            self.snippets.clear()
