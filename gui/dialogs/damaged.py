"""Start-up on a damaged database: say which file, and restore a backup without opening it.

Shown before sign-in, since the admin password is stored in the damaged database; restoring
needs no more than `relaydesk restore FILE --yes` does (access to the data folder).
"""

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import backup
from app.config import Config
from app.db import DatabaseDamaged
from gui.errors import show_error


class DamagedDatabaseDialog(QDialog):
    """Lists the kept backups; Restore replaces the damaged database (kept aside) and accepts.

    Attributes:
        aside: where the damaged database was kept, once a restore succeeded.
    """

    def __init__(self, config: Config, error: DatabaseDamaged,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.aside: Path | None = None
        self.setWindowTitle(self.tr("RelayDesk — damaged database"))
        self.resize(560, 360)
        message = QLabel(self.tr(
            "The database {path} is damaged and cannot be opened ({reason}).\n\nRestore a "
            "backup to continue. The damaged file is kept aside in the backups folder.")
            .format(path=error.path, reason=error.reason))
        message.setWordWrap(True)
        self.infos = backup.list_backups(config)  # reads the folder, not the database
        self.list = QListWidget()
        for info in self.infos:
            self.list.addItem(f"{info.path.name}   {info.size / 1_048_576:.1f} MB")
        if self.infos:
            self.list.setCurrentRow(0)  # the newest
        self.restore_button = QPushButton(self.tr("&Restore selected"))
        self.restore_button.setEnabled(bool(self.infos))
        self.restore_button.clicked.connect(self.restore_selected)
        self.choose_button = QPushButton(self.tr("Restore a &backup…"))
        self.choose_button.setToolTip(self.tr("Choose a backup file anywhere"))
        self.choose_button.clicked.connect(self.choose_file)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.choose_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(QLabel(self.tr("Kept backups, newest first:") if self.infos
                                else self.tr("No backups in the backups folder.")))
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def restore_selected(self) -> bool:
        row = self.list.currentRow()
        return 0 <= row < len(self.infos) and self.restore(self.infos[row].path)

    def choose_file(self) -> bool:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Restore a backup"), str(backup.backup_dir(self.config)),
            self.tr("RelayDesk backups (*.sqlite3);;All files (*)"))
        return bool(name) and self.restore(Path(name))

    def restore(self, path: Path) -> bool:
        """Restore ``path``; accept on success, otherwise say why and stay open."""
        try:
            self.aside = backup.restore(self.config, path, actor="gui")
        except Exception as exc:  # noqa: BLE001 - show_error shows it, logging unexpected ones
            show_error(self, exc)
            return False
        self.accept()
        return True
