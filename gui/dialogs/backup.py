"""File → Backup now…: writes a checked backup and lists the kept ones."""

import asyncio

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QPushButton, \
    QVBoxLayout, QWidget

from app import backup
from gui.backend import Backend
from gui.errors import show_error


class BackupDialog(QDialog):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(self.tr("Backups"))
        self.resize(560, 360)
        self.status = QLabel(self.tr("Backups are kept in the data folder, readable only by "
                                     "your account. The newest 7 are kept."))
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.clicked.connect(lambda: asyncio.ensure_future(self.run_backup()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.list)
        layout.addWidget(self.backup_button)
        layout.addWidget(buttons)
        asyncio.ensure_future(self.load())

    async def load(self) -> None:
        if not self.backend.config.is_sqlite:
            self.status.setText(backup.PG_MESSAGE)
            self.backup_button.setEnabled(False)
            return
        items = await self.backend.call(backup.list_backups, self.backend.config)
        self.list.clear()
        for info in items:
            self.list.addItem(f"{info.path.name}   {info.size / 1_048_576:.1f} MB")

    async def run_backup(self) -> None:
        self.backup_button.setEnabled(False)
        try:
            info = await self.backend.call(backup.backup_now, self.backend.config)
            self.status.setText(self.tr("Backup written: {name}").format(name=info.path.name))
            await self.load()
        except Exception as exc:
            show_error(self, exc)
        finally:
            self.backup_button.setEnabled(True)
