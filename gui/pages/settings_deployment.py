"""Settings → Deployment: whether this window works on this computer's database (the relay runs
here) or manages a RelayDesk deployment on PostgreSQL; applied from the next start.

The choice is this computer's, not a setting in the database: it is saved at once through
app/deployment.py (the password to the keyring), apart from the page's Save.
"""

import os
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from app import deployment
from app.errors import ServiceError
from gui.dialogs.first_run import ERROR_STYLE, OK_STYLE, DeploymentForm
from gui.errors import error_text
from gui.pages.base import Page
from gui.pages.settings_parts import note


class DeploymentSettings(QGroupBox):
    """The "Deployment" group of the Settings page; loads the saved choice when first shown.

    Attributes:
        saved: the choice in deployment.json when last loaded or saved.
    """

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.setTitle(self.tr("Deployment"))
        self.page = page
        self.backend = page.backend
        self.saved: deployment.Choice | None = None
        where = self.backend.deployment
        self.current = note(
            self.tr("This window manages the deployment {where}; no relay runs on this "
                    "computer.").format(where=where) if where is not None else
            self.tr("This window works on this computer's database, and the relay runs here."))
        self.current.setStyleSheet("font-weight: bold")
        self.here = QRadioButton(self.tr("This computer (local database, the relay runs here)"))
        self.remote = QRadioButton(self.tr("A RelayDesk deployment on PostgreSQL"))
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.here)
        self.modes.addButton(self.remote)
        self.here.setChecked(True)
        self.form = DeploymentForm(self, keep_stored=True)
        self.remote.toggled.connect(self.form.setVisible)
        self.form.hide()
        self.save_button = QPushButton(self.tr("Save choice"))
        self.save_button.clicked.connect(lambda: self.page.spawn(self.save()))
        self.message = QLabel("")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addWidget(self.here)
        layout.addWidget(self.remote)
        layout.addWidget(self.form)
        layout.addLayout(row)
        layout.addWidget(note(self.tr(
            "Managing a deployment, this window works on its PostgreSQL database: users, "
            "balances, providers, prices and logs are those its relays use. The choice is "
            "used from the next start. The password is kept in the OS keyring.")))
        if os.environ.get("DATABASE_URL"):
            layout.addWidget(note(self.tr(
                "DATABASE_URL is set in this computer's environment: it names the database, "
                "whatever is chosen here.")))
        self._loaded = False

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.page.spawn(self.load())

    def restrict(self, *boxes: QGroupBox) -> None:
        """Managing a deployment, the settings of a relay on this computer do nothing: they
        are turned off and say why."""
        if not self.backend.managed:
            return
        for box in boxes:
            box.setEnabled(False)
            layout = box.layout()
            if isinstance(layout, QVBoxLayout):
                layout.insertWidget(0, note(self.tr(
                    "Not used while this window manages a deployment: its relays listen and "
                    "serve HTTPS as set up on its servers.")))

    async def load(self) -> None:
        try:
            choice = await self.backend.call(deployment.load, self.backend.config.data_dir)
        except ServiceError as exc:  # a damaged file: choosing again replaces it
            self._say(error_text(exc), error=True)
            return
        stored = choice.target is not None and await self.backend.call(
            deployment.password, choice.target) is not None
        self.saved = choice
        self.form.show_target(choice.target, stored=stored)
        (self.remote if choice.mode == "deployment" else self.here).setChecked(True)

    async def save(self) -> bool:
        """Save the choice; a deployment only once it answered the connection test."""
        folder = self.backend.config.data_dir
        previous = self.saved.target if self.saved is not None else None
        if self.remote.isChecked():
            if await self.form.test() is None:
                self._say(self.tr("Not saved: the deployment did not answer as it should (see "
                                  "above)."), error=True)
                return False
            choice = deployment.Choice("deployment", self.form.target())
            password = self.form.password.text() or None
        else:
            choice, password = deployment.Choice("local", previous), None
        try:
            await self.backend.call(deployment.save, folder, choice, password)
        except ServiceError as exc:
            self._say(self.tr("Not saved: {why}").format(why=error_text(exc)), error=True)
            return False
        await self.load()
        running = self.backend.managed, self.backend.deployment
        wanted = choice.managed, choice.target.label if choice.target and choice.managed else None
        self._say(self.tr("Saved. Restart RelayDesk to apply it.") if running != wanted
                  else self.tr("Saved."))
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setText(text)
