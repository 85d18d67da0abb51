"""File → Backup now…: writes a checked backup, lists the kept ones, restores one."""

import asyncio
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import backup, db, settings
from gui.asyncdialog import ask
from gui.backend import Backend
from gui.errors import show_error

# Everything a page may show comes from the database: after a restore all of it reloads.
TOPICS = ("users", "money", "providers", "prices", "settings", "logs")


class BackupDialog(QDialog):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.infos: list[backup.BackupInfo] = []
        self.setWindowTitle(self.tr("Backups"))
        self.resize(560, 380)
        self.status = QLabel(self.tr("Backups are kept in the data folder, readable only by "
                                     "your account."))
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._selection_changed)
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.clicked.connect(lambda: asyncio.ensure_future(self.run_backup()))
        self.restore_button = QPushButton(self.tr("Restore…"))
        self.restore_button.setToolTip(self.tr("Replace the database with the selected backup"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(lambda: asyncio.ensure_future(self.run_restore()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.backup_button)
        actions.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.list)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        self._busy = False
        self.loaded = asyncio.ensure_future(self.load())

    async def load(self) -> None:
        if not self.backend.config.is_sqlite:
            self.status.setText(backup.PG_MESSAGE)
            self.backup_button.setEnabled(False)
            self.restore_button.setEnabled(False)
            return
        keep = await self.backend.call(settings.get, "backup_keep")
        hours = await self.backend.call(settings.get, "backup_interval_hours")
        schedule = (self.tr("A backup is made automatically every {hours} hours while the "
                            "relay runs.").format(hours=hours) if hours
                    else self.tr("Automatic backups are off."))
        if not self._busy:
            self.status.setText(self.tr("Backups are kept in the data folder, readable only by "
                                        "your account. The newest {keep} are kept.")
                                .format(keep=keep) + " " + schedule)
        infos = await self.backend.call(backup.list_backups, self.backend.config)
        row = self.list.currentRow()
        selected = self.infos[row].path if 0 <= row < len(self.infos) else None
        self.infos = infos
        self.list.clear()
        for info in infos:
            self.list.addItem(f"{info.path.name}   {info.size / 1_048_576:.1f} MB")
        paths = [info.path for info in infos]
        if selected in paths:
            self.list.setCurrentRow(paths.index(selected))
        self._selection_changed()

    def _selection_changed(self, *_: object) -> None:
        self.restore_button.setEnabled(not self._busy and self.backend.config.is_sqlite
                                       and 0 <= self.list.currentRow() < len(self.infos))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.backup_button.setEnabled(not busy and self.backend.config.is_sqlite)
        self._selection_changed()

    async def run_backup(self) -> None:
        self._set_busy(True)
        try:
            keep = await self.backend.call(settings.get, "backup_keep")
            info = await self.backend.call(backup.backup_now, self.backend.config, keep=keep)
            await self.load()
            self.status.setText(self.tr("Backup written: {name}").format(name=info.path.name))
        except Exception as exc:  # noqa: BLE001 - show_error shows it, logging unexpected ones
            show_error(self, exc)
        finally:
            self._set_busy(False)

    # --- restore ----------------------------------------------------------------------------

    def confirm_box(self, name: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Restore backup"), self.tr(
            "Replace the current database with {name}?").format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText(self.tr(
            "Everything recorded since that backup is replaced. The current database is kept "
            "aside first, as backups/before-restore-<time>.sqlite3, so this can be undone.\n\n"
            "The relay stops while the database is replaced and starts again on the restored "
            "one. Restart RelayDesk afterwards so every page loads the restored data."))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box

    async def run_restore(self) -> Path | None:
        """Restore the selected backup after the operator confirms; the kept-aside path."""
        row = self.list.currentRow()
        if not 0 <= row < len(self.infos):
            return None
        info = self.infos[row]
        box = self.confirm_box(info.path.name)
        await ask(box)
        confirmed = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if not confirmed:
            return None
        return await self.restore(info.path)

    async def restore(self, path: Path) -> Path | None:
        """Stop the relay, close this thread's connection, restore and reopen the database on
        the backend's worker, start the relay again. Returns where the old database was kept."""
        backend = self.backend
        relay_was_running = backend.relay is not None and backend.relay.running
        self._set_busy(True)
        self.status.setText(self.tr("Restoring {name}…").format(name=path.name))
        aside: Path | None = None
        try:
            try:
                if relay_was_running:
                    await backend.stop_relay()
                db.close_database()  # the GUI thread's connection; the worker closes its own
                aside = await backend.call(backup.restore_and_reopen, backend.config, path)
            except Exception as exc:  # noqa: BLE001 - show_error shows it, logging unexpected ones
                self.status.setText(self.tr("Nothing was restored."))
                show_error(self, exc)
            finally:
                if relay_was_running:
                    await backend.start_relay()
            if aside is not None:
                self.status.setText(self.tr("Restore done — restart RelayDesk. The previous "
                                            "database was kept as {name}.")
                                    .format(name=aside.name))
                for topic in TOPICS:
                    backend.changed.emit(topic)
            await self.load()  # still busy: the status line stays
        finally:
            self._set_busy(False)
        request_restart = getattr(backend, "request_restart", None)
        if aside is not None and callable(request_restart):
            request_restart()
        return aside
