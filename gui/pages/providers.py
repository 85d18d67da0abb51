"""Providers page: the upstream AI services the relay forwards to, their keys and health.

Health comes from two places: what the relay persisted (so the CLI and other processes see
it) and, while the embedded relay runs, its live in-memory failure counts and cool-downs.
"""

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import providers
from gui.asyncdialog import ask
from gui.backend import Backend
from gui.dialogs.provider_edit import ProviderEditDialog
from gui.pages.base import Page
from gui.pages.providers_model import (
    SORT_ROLE,
    ProviderRow,
    ProvidersModel,
    lay_out_columns,
    live_health,
    load_rows,
    local_time,
)
from gui.sorting import SortProxy

__all__ = ["ProviderRow", "ProvidersPage"]


class ProvidersPage(Page):
    """Attributes:
        last_dialog: the most recent edit dialog or confirmation box (tests click it).
    """

    topics = ("providers", "prices")

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.last_dialog: QWidget | None = None
        self._testing: set[str] = set()
        intro = QLabel(self.tr("Upstream AI services the relay forwards to. Higher priority is "
                               "tried first; equal priorities share traffic by weight. API keys "
                               "stay in the system keyring."))
        intro.setWordWrap(True)
        self.model = ProvidersModel(self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        lay_out_columns(self.view, self.model)
        # Enter and double-click both "activate" a row: open it for editing.
        self.view.activated.connect(lambda _: self.spawn(self.edit_selected()))
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

        self.add_button = self._button(self.tr("Add…"), QKeySequence.StandardKey.New,
                                       lambda: self.spawn(self.add_provider()))
        self.edit_button = self._button(self.tr("Edit…"), None,
                                        lambda: self.spawn(self.edit_selected()))
        self.edit_button.setToolTip(self.tr("Enter or double-click a row"))
        self.toggle_button = self._button(self.tr("Disable"), "Ctrl+D",
                                          lambda: self.spawn(self.toggle_selected()))
        self.remove_button = self._button(self.tr("Remove…"), QKeySequence.StandardKey.Delete,
                                          lambda: self.spawn(self.remove_selected()))
        self.test_button = self._button(self.tr("Test"), "Ctrl+T",
                                        lambda: self.spawn(self.test_selected()))
        self.refresh_button = self._button(self.tr("Refresh"), QKeySequence.StandardKey.Refresh,
                                           lambda: self.spawn(self.reload()))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.toggle_button,
                       self.remove_button, self.test_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status_row = QHBoxLayout()
        status_row.addWidget(self.busy)
        status_row.addWidget(self.status, 1)

        self.details = QGroupBox(self.tr("Selected provider"))
        details_form = QFormLayout(self.details)
        self.detail: dict[str, QLabel] = {}
        for key, label in (("url", self.tr("Base URL:")), ("models", self.tr("Models:")),
                           ("mapping", self.tr("Mapping:")), ("apis", self.tr("Client APIs:")),
                           ("network", self.tr("Connection:")), ("health", self.tr("Health:")),
                           ("error", self.tr("Last error:")), ("test", self.tr("Last test:"))):
            value = QLabel("")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.detail[key] = value
            details_form.addRow(label, value)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        layout.addLayout(status_row)
        backend.traffic.connect(self._on_traffic)
        self._update_buttons()

    def title(self) -> str:
        return self.tr("Providers")

    def _button(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
                slot: Any) -> QPushButton:
        """A button, plus a page-wide shortcut (only the visible page's shortcuts fire)."""
        button = QPushButton(text)
        button.clicked.connect(slot)
        if shortcut is None:
            return button
        action = QAction(self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: button.click() if button.isEnabled() else None)
        self.addAction(action)
        button.setToolTip(QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText))
        return button

    # --- loading ----------------------------------------------------------------------------

    async def refresh(self) -> None:
        selected = self.selected()
        rows = await self.backend.call(load_rows)
        for row in rows:
            row.test = (self.tr("Testing…") if row.name in self._testing
                        else self._test_text(row.test_ok, row.test_ms, row.test_message))
        self.model.set_rows(rows)
        self.apply_live_health()
        if selected is not None:
            self.select(selected.name)
        self._update_buttons()

    def _on_traffic(self, _per_minute: int, _in_flight: int) -> None:
        """The backend's sampling tick: cheap, in-memory only, no database call."""
        if self.model.rows:
            self.apply_live_health()

    def apply_live_health(self) -> None:
        """Overlay the running relay's in-memory failure counts and cool-downs."""
        live = live_health(self.backend)
        for index, row in enumerate(self.model.rows):
            failures, left = live.get(row.id, (None, 0.0))
            updated = replace(row, live=failures is not None, live_cooldown_s=left,
                              failures=row.failures if failures is None else failures)
            if updated != row:
                self.model.rows[index] = updated
                self.model.update_row(index)
        self._update_details(self.selected())

    # --- selection --------------------------------------------------------------------------

    def selected(self) -> ProviderRow | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.rows[self.proxy.mapToSource(rows[0]).row()]

    def select(self, name: str) -> None:
        for index, row in enumerate(self.model.rows):
            if row.name == name:
                self.view.selectRow(self.proxy.mapFromSource(self.model.index(index, 0)).row())
                return

    def _update_buttons(self) -> None:
        row = self.selected()
        for button in (self.edit_button, self.toggle_button, self.remove_button):
            button.setEnabled(row is not None)
        self.test_button.setEnabled(row is not None and row.name not in self._testing)
        self.toggle_button.setText(self.tr("Enable") if row is not None and not row.enabled
                                   else self.tr("Disable"))
        self._update_details(row)

    def _update_details(self, row: ProviderRow | None) -> None:
        """The selected provider in full: long URLs, errors and test results fit here."""
        self.details.setEnabled(row is not None)
        for key, label in self.detail.items():
            if row is None:
                label.setText("")
            elif key == "health":
                label.setText(self._health_text(row))
            else:
                label.setText(self.model.text_for(row, key) or "—")

    def _health_text(self, row: ProviderRow) -> str:
        if row.live_cooldown_s > 0:
            return self.tr("Cooling down for {seconds} more seconds after {n} failures in a "
                           "row (live from the running relay).").format(
                seconds=int(row.live_cooldown_s + 0.999), n=row.failures)
        if row.health == "cooling" and row.cooldown_until is not None:
            return self.tr("Cooling down until {time} after {n} failures in a row.").format(
                time=local_time(row.cooldown_until), n=row.failures)
        if row.health == "healthy":
            return (self.tr("Healthy, but the last {n} requests failed.").format(n=row.failures)
                    if row.failures else self.tr("Healthy."))
        return self.tr("Not used yet: health is recorded once requests go through the relay.")

    # --- actions ----------------------------------------------------------------------------

    async def add_provider(self) -> bool:
        dialog = ProviderEditDialog(self.backend, None, self)
        self.last_dialog = dialog
        if await ask(dialog) != ProviderEditDialog.DialogCode.Accepted:
            return False
        await self.reload()
        self.select(dialog.name.text().strip())
        self.status.setText(self.tr("Provider {name} added.").format(
            name=dialog.name.text().strip()))
        return True

    async def edit_selected(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        dialog = ProviderEditDialog(self.backend, row, self)
        self.last_dialog = dialog
        if await ask(dialog) != ProviderEditDialog.DialogCode.Accepted:
            return False
        await self.reload()
        self.status.setText(self.tr("Provider {name} saved.").format(name=row.name))
        return True

    async def toggle_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        await self.backend.call(providers.update_provider, row.name, enabled=not row.enabled)
        self.status.setText((self.tr("Provider {name} disabled: the relay no longer uses it.")
                             if row.enabled else self.tr("Provider {name} enabled."))
                            .format(name=row.name))
        self.backend.changed.emit("providers")
        await self.reload()

    async def remove_selected(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove provider"),
                          self.tr("Remove the provider {name}? Its stored API key is deleted "
                                  "from the keyring too. Request logs keep their history.")
                          .format(name=row.name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.last_dialog = box
        if await ask(box) != QMessageBox.StandardButton.Yes:
            return False
        await self.backend.call(providers.remove_provider, row.name)
        self.status.setText(self.tr("Provider {name} removed.").format(name=row.name))
        self.backend.changed.emit("providers")
        await self.reload()
        return True

    async def test_selected(self) -> None:
        row = self.selected()
        if row is not None:
            await self.test_provider(row.name)

    async def test_provider(self, name: str) -> None:
        """Send one small request through the provider and show its latency or the error."""
        self._set_test(name, self.tr("Testing…"))
        self._testing.add(name)
        self.busy.show()
        self.status.setText(self.tr("Testing {name}…").format(name=name))
        self._update_buttons()
        try:
            from relay.probe import probe_provider
            result = await probe_provider(name)
        except BaseException:
            self._set_test(name, "")
            self.status.setText("")
            raise
        finally:
            self._testing.discard(name)
            self.busy.setVisible(bool(self._testing))
            self._update_buttons()
        if result.ok:
            self.status.setText(self.tr("{name} answered in {ms} ms.").format(
                name=name, ms=result.latency_ms))
        else:
            self.status.setText(self.tr("{name} failed the test: {why}").format(
                name=name, why=result.message))
        self._set_test(name, self._test_text(result.ok, result.latency_ms, result.message))
        # Kept, so the column says it again after a restart.
        await self.backend.call(providers.record_test, name, ok=result.ok,
                                latency_ms=result.latency_ms, message=result.message)

    def _test_text(self, ok: bool | None, ms: int | None, message: str | None) -> str:
        if ok is None:
            return ""
        if ok:
            return self.tr("OK, {ms} ms").format(ms=ms or 0)
        return self.tr("Failed: {why}").format(why=message or "")

    def _set_test(self, name: str, text: str) -> None:
        for index, row in enumerate(self.model.rows):
            if row.name == name:
                row.test = text
                self.model.update_row(index)
        self._update_details(self.selected())
