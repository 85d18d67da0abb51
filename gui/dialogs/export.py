"""File → Export user data…: pick a user and a format, choose a file, watch the progress."""

import asyncio
import threading
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from app import accounts
from gui.asyncdialog import ask
from gui.backend import Backend
from gui.errors import show_error

FORMATS = {"JSON": "json", "CSV (zip)": "csv"}


class ExportDialog(QDialog):
    def __init__(self, backend: Backend, parent: QWidget | None = None,
                 username: str | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(self.tr("Export user data"))
        self.user = QComboBox()
        self.user.setEditable(False)
        self.format = QComboBox()
        self.format.addItems(list(FORMATS))
        form = QFormLayout()
        form.addRow(self.tr("User:"), self.user)
        form.addRow(self.tr("Format:"), self.format)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(lambda: asyncio.ensure_future(self._choose_file()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.done_event = asyncio.Event()
        self.last_result: object = None
        self.last_box: QMessageBox | None = None  # the "saved" message, once shown
        self._loading = asyncio.ensure_future(self._load(username))  # referenced: not collected

    async def _load(self, preselect: str | None) -> None:
        users = await self.backend.call(accounts.list_users)
        self.user.addItems([u.username for u in users])
        if preselect:
            self.user.setCurrentText(preselect)

    async def _choose_file(self) -> None:
        fmt = FORMATS[self.format.currentText()]
        suffix = ".json" if fmt == "json" else ".zip"
        picker = QFileDialog(self, self.tr("Save export as"),
                             str(Path.home() / f"{self.user.currentText()}-export{suffix}"))
        picker.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        picker.setDefaultSuffix(suffix[1:])
        picker.setNameFilters([self.tr("JSON files (*.json)") if fmt == "json" else
                               self.tr("ZIP archives of CSV files (*.zip)"),
                               self.tr("All files (*)")])
        if await ask(picker) != QDialog.DialogCode.Accepted or not picker.selectedFiles():
            return
        path = Path(picker.selectedFiles()[0])
        if await self.export_to(self.user.currentText(), path, fmt) is not None:
            await self.say_saved(path)
        self.accept()

    async def say_saved(self, path: Path) -> None:
        """Where the export went, with a button that opens its folder."""
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Export saved"),
                          self.tr("The export was saved as {path}.").format(path=path),
                          QMessageBox.StandardButton.Ok, self)
        folder = box.addButton(self.tr("Open folder"), QMessageBox.ButtonRole.ActionRole)
        self.last_box = box
        await ask(box)
        if box.clickedButton() is folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    async def export_to(self, username: str, path: Path, fmt: str) -> object:
        """Run the export with a cancellable progress dialog; returns the service's result."""
        from app import export  # the export service (privacy issue)

        progress = QProgressDialog(self.tr("Exporting {user}…").format(user=username),
                                   self.tr("Cancel"), 0, 100, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        cancelled = threading.Event()
        progress.canceled.connect(cancelled.set)
        loop = asyncio.get_running_loop()

        def report(done: int, total: int) -> None:  # called from the worker thread
            percent = 100 if total <= 0 else min(100, done * 100 // total)
            loop.call_soon_threadsafe(progress.setValue, percent)

        try:
            self.last_result = await self.backend.call(
                export.export_user, username, path, fmt=fmt, progress=report,
                cancel=cancelled.is_set)
        except Exception as exc:  # noqa: BLE001 - show_error shows it, logging unexpected ones
            if not cancelled.is_set():
                show_error(self, exc)
            self.last_result = None
        finally:
            progress.reset()
            progress.deleteLater()
            self.done_event.set()
        return self.last_result
