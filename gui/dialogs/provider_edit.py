"""Add or edit an upstream provider, including its API key and proxy password (both go to the
OS keyring), its proxy, extra headers and CA bundle.

The dialog saves through the providers service itself and stays open on a refusal, so the
operator can fix the field the message names (or clear the key when no keyring exists) without
retyping everything.
"""

import asyncio
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import providers
from app.errors import KeystoreUnavailable, ServiceError
from gui.asyncdialog import ask
from gui.backend import Backend
from gui.dialogs.model_picker import ModelPickerDialog
from gui.errors import error_text, show_error

if TYPE_CHECKING:
    from gui.pages.providers_model import ProviderRow


def kind_label(kind: str) -> str:
    """A readable name for a provider kind (brand names stay untranslated)."""
    names = {"deepseek": "DeepSeek", "zhipu": "Zhipu GLM", "dashscope": "DashScope (Qwen)",
             "openai": QCoreApplication.translate("QWidget", "OpenAI or compatible")}
    return names.get(kind, kind)


class ProviderEditDialog(QDialog):
    """Attributes:
        saving: the running save task after OK was clicked (tests await it).
        fetching: the running "Fetch models" task (tests await it).
        picker: the model list to pick from, while it is open.
        file_dialog: the CA bundle file chooser while it is open (tests pick a file).
    """

    def __init__(self, backend: Backend, existing: "ProviderRow | None" = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.existing = existing
        self.saving: asyncio.Task[bool] | None = None
        self.fetching: asyncio.Task[bool] | None = None
        self.picker: ModelPickerDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.setWindowTitle(self.tr("Add provider") if existing is None else
                            self.tr("Edit provider {name}").format(name=existing.name))
        self.setMinimumWidth(560)

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("required, e.g. deepseek-main"))
        self.kind = QComboBox()
        for kind in providers.KINDS:
            self.kind.addItem(kind_label(kind), kind)
        self.base_url = QLineEdit()
        self.anthropic_url = QLineEdit()
        self.anthropic_url.setPlaceholderText(self.tr(
            "Empty: Claude Code requests are translated to Chat Completions"))
        self.anthropic_url.setToolTip(self.tr(
            "Where the provider serves the Anthropic Messages API. Claude Code requests pass "
            "through here unchanged; empty: they are translated to Chat Completions and sent "
            "to the base URL."))
        self.responses_native = QCheckBox(self.tr("Serves the Responses API natively"))
        self.responses_native.setToolTip(self.tr(
            "Codex CLI requests (/v1/responses) pass through to the base URL unchanged; "
            "unchecked: they are translated to Chat Completions."))
        self.models = QLineEdit()
        self.models.setPlaceholderText(self.tr("required, comma-separated, e.g. deepseek-chat, "
                                               "deepseek-reasoner"))
        self.fetch_button = QPushButton(self.tr("Fetch models"))
        self.fetch_button.setToolTip(self.tr("Ask the provider for the models it offers, with "
                                             "the base URL, key and proxy above, and pick."))
        self.fetch_button.clicked.connect(self._on_fetch)
        models_row = QHBoxLayout()
        models_row.addWidget(self.models, 1)
        models_row.addWidget(self.fetch_button)
        self.models_status = QLabel("")
        self.models_status.setWordWrap(True)
        self.models_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.models_status.hide()
        self.priority = QSpinBox()
        self.priority.setRange(-1000, 1000)
        self.priority.setToolTip(self.tr("Higher priority providers are tried first."))
        self.weight = QSpinBox()
        self.weight.setRange(1, 1000)
        self.weight.setValue(1)
        self.weight.setToolTip(self.tr("Share of traffic among providers of equal priority."))
        self.enabled = QCheckBox(self.tr("Send requests to this provider"))
        self.enabled.setChecked(True)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setClearButtonEnabled(True)
        key_note = QLabel(self.tr("The key is kept in the operating system's keyring, never in "
                                  "the database, and is never shown again."))
        key_note.setWordWrap(True)
        key_note.setStyleSheet("color: palette(placeholder-text)")

        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels([self.tr("Model clients ask for"),
                                                self.tr("Model sent upstream")])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mapping.setToolTip(self.tr("Optional: let clients ask for a model under another "
                                        "name; the relay sends the upstream name instead."))
        self.mapping.setMinimumHeight(110)
        self.mapping.setMaximumHeight(150)
        self.add_mapping_button = QPushButton(self.tr("Add mapping"))
        self.add_mapping_button.clicked.connect(lambda: self.add_mapping_row("", "", edit=True))
        self.remove_mapping_button = QPushButton(self.tr("Remove mapping"))
        self.remove_mapping_button.clicked.connect(self.remove_mapping_row)
        mapping_buttons = QHBoxLayout()
        mapping_buttons.addWidget(self.add_mapping_button)
        mapping_buttons.addWidget(self.remove_mapping_button)
        mapping_buttons.addStretch(1)
        mapping_box = QVBoxLayout()
        mapping_box.setContentsMargins(0, 0, 0, 0)
        mapping_box.addWidget(self.mapping)
        mapping_box.addLayout(mapping_buttons)

        self.proxy_mode = QComboBox()
        self.proxy_mode.addItem(self.tr("None (direct)"), "none")
        self.proxy_mode.addItem(self.tr("System proxy"), "system")
        self.proxy_mode.addItem(self.tr("Custom"), "custom")
        self.proxy_mode.setToolTip(self.tr(
            "System proxy: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY from the relay's "
            "environment."))
        self.proxy_url = QLineEdit()
        self.proxy_url.setPlaceholderText("http://user:password@127.0.0.1:7890")
        self.proxy_url.setToolTip(self.tr(
            "http, https, socks5 or socks5h. A password goes to the keyring and is shown back "
            "as ***; leave *** to keep it."))
        self.proxy_mode.currentIndexChanged.connect(self._on_proxy_mode_changed)
        proxy_row = QHBoxLayout()
        proxy_row.addWidget(self.proxy_mode)
        proxy_row.addWidget(self.proxy_url, 1)
        self.headers = QPlainTextEdit()
        self.headers.setPlaceholderText(self.tr("One per line, e.g. OpenAI-Organization: org-…"))
        self.headers.setTabChangesFocus(True)
        self.headers.setFixedHeight(max(self.headers.minimumSizeHint().height(),
                                        self.fontMetrics().lineSpacing() * 3 + 16))
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setPlaceholderText(self.tr("Optional: a PEM file of extra trusted CA "
                                                  "certificates"))
        self.ca_browse_button = QPushButton(self.tr("Browse…"))
        self.ca_browse_button.clicked.connect(self.browse_ca_bundle)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(self.ca_browse_button)

        numbers = QHBoxLayout()
        numbers.addWidget(self.priority)
        numbers.addSpacing(16)
        numbers.addWidget(QLabel(self.tr("Weight:")))
        numbers.addWidget(self.weight)
        numbers.addStretch(1)

        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Kind:"), self.kind)
        form.addRow(self.tr("Base URL:"), self.base_url)
        form.addRow(self.tr("Anthropic API base URL:"), self.anthropic_url)
        form.addRow("", self.responses_native)
        form.addRow(self.tr("Models:"), models_row)
        form.addRow("", self.models_status)
        form.addRow(self.tr("Model mapping:"), mapping_box)
        form.addRow(self.tr("Priority:"), numbers)
        form.addRow("", self.enabled)
        form.addRow(self.tr("API key:"), self.api_key)
        form.addRow("", key_note)
        form.addRow(self.tr("Proxy:"), proxy_row)
        form.addRow(self.tr("Extra headers:"), self.headers)
        form.addRow(self.tr("CA bundle:"), ca_row)

        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.finished.connect(self._stop_fetching)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        if existing is None:
            self.api_key.setPlaceholderText(self.tr("Paste the provider's API key"))
            self._on_kind_changed()
        else:
            self._fill(existing)
        self._on_proxy_mode_changed()

    # --- filling and reading the form -------------------------------------------------------

    def _fill(self, row: "ProviderRow") -> None:
        self.name.setText(row.name)
        self.name.setEnabled(False)
        self.name.setToolTip(self.tr("A provider cannot be renamed; add a new one instead."))
        self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind)))
        self.base_url.setText(row.base_url)
        self.anthropic_url.setText(row.anthropic_base_url or "")
        self.responses_native.setChecked(row.responses_native)
        self.models.setText(", ".join(row.models))
        for alias, upstream in row.model_map.items():
            self.add_mapping_row(alias, upstream)
        self.priority.setValue(row.priority)
        self.weight.setValue(row.weight)
        self.enabled.setChecked(row.enabled)
        self.api_key.setPlaceholderText(
            self.tr("Key stored — leave empty to keep it") if row.key_stored else
            self.tr("No key stored — paste the provider's API key"))
        mode = row.proxy if row.proxy in (None, "system") else "custom"
        self.proxy_mode.setCurrentIndex(self.proxy_mode.findData(mode or "none"))
        self.proxy_url.setText(row.proxy if mode == "custom" else "")
        self.headers.setPlainText("\n".join(f"{k}: {v}" for k, v in row.extra_headers.items()))
        self.ca_bundle.setText(row.ca_bundle or "")

    def _on_proxy_mode_changed(self) -> None:
        self.proxy_url.setEnabled(self.proxy_mode.currentData() == "custom")

    def browse_ca_bundle(self) -> None:
        """A non-modal file chooser (open(), not exec()) so the event loop keeps running."""
        dialog = QFileDialog(self, self.tr("CA bundle"), self.ca_bundle.text().strip(),
                             self.tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.ca_bundle.setText)
        self.file_dialog = dialog
        dialog.open()

    def _on_kind_changed(self) -> None:
        """Fill the kind's usual URLs unless the operator typed their own."""
        kind = self.kind.currentData()
        current = self.base_url.text().strip().rstrip("/")
        default = providers.KIND_DEFAULT_URLS.get(kind, "")
        if not current or current in providers.KIND_DEFAULT_URLS.values():
            self.base_url.setText(default)
        self.base_url.setPlaceholderText(default)
        current = self.anthropic_url.text().strip().rstrip("/")
        if not current or current in providers.KIND_ANTHROPIC_URLS.values():
            self.anthropic_url.setText(providers.KIND_ANTHROPIC_URLS.get(kind, ""))

    def add_mapping_row(self, alias: str, upstream: str, *, edit: bool = False) -> None:
        row = self.mapping.rowCount()
        self.mapping.insertRow(row)
        first = QTableWidgetItem(alias)
        self.mapping.setItem(row, 0, first)
        self.mapping.setItem(row, 1, QTableWidgetItem(upstream))
        if edit:
            self.mapping.setCurrentCell(row, 0)
            self.mapping.editItem(first)

    def remove_mapping_row(self) -> None:
        rows = sorted({index.row() for index in self.mapping.selectedIndexes()}, reverse=True)
        if not rows and self.mapping.currentRow() >= 0:
            rows = [self.mapping.currentRow()]
        for row in rows:
            self.mapping.removeRow(row)

    def mapping_pairs(self) -> list[str]:
        """``alias=upstream`` for each non-empty row; half-filled rows go to the service,
        which explains what is missing."""
        pairs = []
        for row in range(self.mapping.rowCount()):
            alias, upstream = (self.mapping.item(row, c) for c in (0, 1))
            a = alias.text().strip() if alias else ""
            u = upstream.text().strip() if upstream else ""
            if a or u:
                pairs.append(f"{a}={u}")
        return pairs

    def values(self) -> dict[str, Any]:
        """The form as keyword arguments for add_provider/update_provider."""
        return {
            "kind": self.kind.currentData(),
            "base_url": self.base_url.text().strip() or None,
            "anthropic_base_url": self.anthropic_url.text().strip(),  # "": none, not the preset
            "responses_native": self.responses_native.isChecked(),
            "models": [m for m in re.split(r"[,\s]+", self.models.text()) if m],
            "model_map": self.mapping_pairs(),
            "priority": self.priority.value(),
            "weight": self.weight.value(),
            "enabled": self.enabled.isChecked(),
            # "custom" with no URL goes to the service as is: it explains what a proxy must be
            "proxy": (self.proxy_url.text().strip() or "custom"
                      if self.proxy_mode.currentData() == "custom"
                      else self.proxy_mode.currentData()),
            "extra_headers": self.headers.toPlainText(),
            "ca_bundle": self.ca_bundle.text().strip(),
        }

    # --- fetching the provider's model list ---------------------------------------------------

    def _on_fetch(self) -> None:
        if self.fetching is None or self.fetching.done():
            self.fetching = asyncio.ensure_future(self.fetch_models())

    def _stop_fetching(self) -> None:
        """A closed dialog has no use for the list (nor for a picker popping up later)."""
        if self.fetching is not None and not self.fetching.done():
            self.fetching.cancel()

    def _models_note(self, text: str, *, error: bool = False) -> None:
        self.models_status.setText(text)
        self.models_status.setStyleSheet("color: #b42318" if error else "")
        self.models_status.setVisible(bool(text))

    async def fetch_models(self) -> bool:
        """Ask the provider, as the form describes it (nothing is saved), for its models and let
        the operator pick; True when the models field was changed."""
        from relay.probe import ModelListError, draft_models  # the relay loads on first use

        values = self.values()
        self.fetch_button.setEnabled(False)
        self.fetch_button.setText(self.tr("Fetching…"))
        self._models_note(self.tr("Asking the provider for its models…"))
        try:
            listed = await draft_models(
                values["kind"], base_url=values["base_url"], api_key=self.api_key.text(),
                proxy=values["proxy"], extra_headers=values["extra_headers"],
                ca_bundle=values["ca_bundle"],
                existing=self.existing.name if self.existing is not None else None)
        except (ModelListError, ServiceError) as exc:
            why = (error_text(exc) if isinstance(exc, ServiceError)
                   else exc.message[:1].upper() + exc.message[1:])
            self._models_note(self.tr("Could not fetch the model list: {why}").format(why=why),
                              error=True)
            return False
        finally:
            self.fetch_button.setText(self.tr("Fetch models"))
            self.fetch_button.setEnabled(True)
        if not listed:
            self._models_note(self.tr("The provider listed no models; type their names."),
                              error=True)
            return False
        self._models_note(self.tr("The provider lists {count} models.").format(
            count=len(listed)))
        current = values["models"]
        self.picker = ModelPickerDialog(listed, set(current), self.name.text().strip(), self)
        try:
            if await ask(self.picker) != QDialog.DialogCode.Accepted:
                return False
            chosen = self.picker.checked_models()
        finally:
            self.picker.deleteLater()
            self.picker = None
        # Names typed that the provider does not list (an alias, a model it hides) stay.
        kept = [m for m in current if m not in listed or m in chosen]
        self.models.setText(", ".join(kept + [m for m in chosen if m not in kept]))
        return True

    # --- saving ------------------------------------------------------------------------------

    def _on_ok(self) -> None:
        if self.saving is None or self.saving.done():
            self.saving = asyncio.ensure_future(self.save())

    async def save(self) -> bool:
        """Write the provider; on success close, on a refusal show why and stay open."""
        kwargs = self.values()
        key = self.api_key.text().strip()
        self.ok_button.setEnabled(False)
        self.error.hide()
        try:
            if self.existing is None:
                await self.backend.call(providers.add_provider, self.name.text().strip(),
                                        kwargs.pop("kind"), api_key=key or None, **kwargs)
            else:
                await self.backend.call(providers.update_provider, self.existing.name,
                                        api_key=key or None, **kwargs)
        except ServiceError as exc:
            text = error_text(exc)
            if isinstance(exc, KeystoreUnavailable):
                text = self.tr("{why}\nYou can also clear the API key field and save the "
                               "provider without a key for now.").format(why=text)
            self.error.setText(text)
            self.error.show()
            self.adjustSize()  # grow to fit the message instead of squeezing the form
            return False
        except Exception as exc:  # noqa: BLE001 - unexpected: logged and shown by the shared handler
            show_error(self, exc)
            return False
        finally:
            self.ok_button.setEnabled(True)
        self.api_key.clear()
        self.backend.changed.emit("providers")
        self.accept()
        return True
