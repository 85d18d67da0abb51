"""The main window: page navigation, relay status bar, menus, tray icon.

Holds no business logic: pages call services through the Backend, menus open dialogs. Managing
a deployment, it says which one and leaves out what only a relay on this computer offers.
"""

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QSystemTrayIcon,
    QWidget,
)

from app import __version__
from gui.backend import Backend
from gui.pages.base import Page
from gui.resources import resource


class MainWindow(QMainWindow):
    """Signals:
        close_requested(): the operator closed the window or chose Quit; the app shuts down.
    """

    close_requested = Signal()

    def __init__(self, backend: Backend, pages: list[type[Page]]) -> None:
        super().__init__()
        self.backend = backend
        self._tasks: set[asyncio.Task[Any]] = set()
        self.setWindowTitle("RelayDesk")
        self.setWindowIcon(QIcon(str(resource("icons", "relaydesk.svg"))))
        self.resize(1180, 760)
        self.nav = QListWidget()
        self.nav.setFixedWidth(190)
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet("#navigation { border: none; } "
                               "#navigation::item { padding: 8px 12px; }")
        self.nav.setIconSize(QSize(18, 18))
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        for index, page_class in enumerate(pages):
            page = page_class(backend)
            self.pages[page_class.__name__] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(page.title())
            self.nav.addItem(item)
            if index < 9:
                action = QAction(self)
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
                action.triggered.connect(lambda _=False, i=index: self.nav.setCurrentRow(i))
                self.addAction(action)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_status_bar()
        self._build_menus()
        self._build_tray()
        backend.relay_state.connect(self._on_relay_state)
        self._on_relay_state(backend.relay_status)  # it may have started before this window
        backend.traffic.connect(self._on_traffic)
        if backend.deployment is not None:
            self._managing(backend.deployment)
        self.nav.setCurrentRow(0)
        self._quitting = False

    def _managing(self, where: str) -> None:
        """No relay here: say which deployment this is, and why the relay's actions are off."""
        self.setWindowTitle(self.tr("RelayDesk — {where}").format(where=where))
        self.relay_label.setText(self.tr("Managing deployment {where}").format(where=where))
        for widget in (self.url_label, self.copy_button, self.traffic_label):
            widget.hide()
        why = self.tr("This window manages a deployment on PostgreSQL: its relays run on its "
                      "servers (relaydesk serve), none on this computer.")
        backup_why = self.tr("A deployment's database is backed up on its server, with "
                             "pg_dump; RelayDesk backs up only this computer's database.")
        for action, text in ((self.start_action, why), (self.stop_action, why),
                             (self.restart_action, why), (self.backup_action, backup_why)):
            action.setEnabled(False)
            action.setToolTip(text)
            action.setStatusTip(text)

    # --- status bar -------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.relay_label = QLabel(self.tr("Relay stopped"))
        self.url_label = QLabel("")
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton(self.tr("Copy URL"))
        self.copy_button.setToolTip(self.tr("Copy the base URL clients should use"))
        self.copy_button.clicked.connect(self.copy_url)
        self.copy_button.setEnabled(False)
        self.traffic_label = QLabel(self.tr("0 requests/min"))
        bar.addWidget(self.relay_label)
        bar.addWidget(self.url_label)
        bar.addWidget(self.copy_button)
        bar.addPermanentWidget(self.traffic_label)

    def copy_url(self) -> None:
        urls = self.backend.relay_urls()
        if urls:
            QGuiApplication.clipboard().setText(urls[0])
            self.statusBar().showMessage(self.tr("Copied {url}").format(url=urls[0]), 3000)

    def _on_relay_state(self, state: str) -> None:
        if self.backend.managed:
            return  # nothing runs here; the status bar names the deployment
        urls = self.backend.relay_urls()
        if state == "running":
            self.relay_label.setText(self.tr("Relay running"))
            self.url_label.setText(urls[0] if urls else "")
            fingerprint = self.backend.tls_fingerprint  # the pin for HTTPS clients
            self.url_label.setToolTip(f"SHA-256 {fingerprint}" if fingerprint else "")
        elif state == "starting":
            self.relay_label.setText(self.tr("Relay starting…"))
        elif state.startswith("error: "):
            self.relay_label.setText(self.tr("Relay not running: {why}").format(why=state[7:]))
            self.url_label.setText("")
        else:
            self.relay_label.setText(self.tr("Relay stopped"))
            self.url_label.setText("")
        self.copy_button.setEnabled(bool(urls) and state == "running")
        self.start_action.setEnabled(state != "running")
        self.stop_action.setEnabled(state == "running")

    def _on_traffic(self, per_minute: int, in_flight: int) -> None:
        self.traffic_label.setText(self.tr("{n} requests/min, {m} in flight").format(
            n=per_minute, m=in_flight))

    # --- menus ------------------------------------------------------------------------------

    def _action(self, text: str, slot: Any,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
                ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.export_action = self._action(self.tr("&Export user data…"), self.export_user_data,
                                          "Ctrl+E")
        file_menu.addAction(self.export_action)
        self.backup_action = self._action(self.tr("&Backup now…"), self.backup_now, "Ctrl+B")
        file_menu.addAction(self.backup_action)
        self.stats_action = self._action(self.tr("Export anonymized &statistics…"),
                                         lambda _=False: self._spawn(
                                             self.export_statistics()))
        file_menu.addAction(self.stats_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action(self.tr("&Quit"), self.quit,
                                         QKeySequence.StandardKey.Quit))
        relay_menu = self.menuBar().addMenu(self.tr("&Relay"))
        relay_menu.setToolTipsVisible(True)  # managing a deployment, they say why they are off
        file_menu.setToolTipsVisible(True)
        self.start_action = self._action(self.tr("&Start relay"), self._start_relay)
        self.stop_action = self._action(self.tr("S&top relay"), self._stop_relay)
        self.restart_action = self._action(self.tr("&Restart relay"), self._restart_relay,
                                           "Ctrl+R")
        for action in (self.start_action, self.stop_action, self.restart_action):
            relay_menu.addAction(action)
        self.stop_action.setEnabled(False)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&About RelayDesk"), self.about))
        help_menu.addAction(self._action(self.tr("Open &data folder"), self.open_data_folder))
        help_menu.addAction(self._action(self.tr("&Privacy policy"), self.privacy_policy,
                                         QKeySequence.StandardKey.HelpContents))

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run ``coro`` in the background, holding a reference: the loop keeps only a weak one,
        so an unreferenced task can be garbage-collected before it finishes."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _start_relay(self) -> None:
        self._spawn(self.backend.start_relay())

    def _stop_relay(self) -> None:
        self._spawn(self.backend.stop_relay())

    def _restart_relay(self) -> None:
        self._spawn(self.backend.restart_relay())

    def export_user_data(self) -> None:
        from gui.dialogs.export import ExportDialog
        ExportDialog(self.backend, self).open()

    def backup_now(self) -> None:
        from gui.dialogs.backup import BackupDialog
        BackupDialog(self.backend, self).open()

    async def export_statistics(self, path: Path | None = None, days: int = 30,
                                min_group: int = 5) -> int | None:
        """File → Export anonymized statistics…: per-day, per-model totals as CSV, without
        users, addresses or keys and without groups of fewer than ``min_group`` users
        (app.stats). Asks for the file unless ``path`` is given; returns the rows written."""
        from PySide6.QtWidgets import QDialog, QFileDialog

        from app import stats
        from gui.asyncdialog import ask
        from gui.errors import show_error

        if path is None:
            picker = QFileDialog(self, self.tr("Save anonymized statistics as"),
                                 str(Path.home() / "relaydesk-statistics.csv"))
            picker.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            picker.setDefaultSuffix("csv")
            picker.setNameFilter(self.tr("CSV files (*.csv)"))
            accepted = await ask(picker) == QDialog.DialogCode.Accepted
            chosen = picker.selectedFiles()
            picker.deleteLater()
            if not accepted or not chosen:
                return None
            path = Path(chosen[0])
        try:
            rows = await self.backend.call(stats.write_anonymized_csv, path, days, min_group)
        except Exception as exc:  # noqa: BLE001 - show_error shows it, logging unexpected ones
            show_error(self, exc)
            return None
        self.statusBar().showMessage(self.tr("Wrote {n} rows of anonymized statistics to "
                                             "{path}").format(n=rows, path=path), 5000)
        return rows

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox
        QMessageBox.about(self, self.tr("About RelayDesk"), self.tr(
            "<b>RelayDesk {version}</b><p>An all-in-one AI API relay for your LAN: per-user "
            "keys, balances, exact metering and request logs.</p>").format(version=__version__))

    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.backend.config.data_dir)))

    def privacy_policy(self) -> None:
        from gui.dialogs.privacy import PrivacyDialog
        PrivacyDialog(self).open()

    # --- tray and closing -------------------------------------------------------------------

    def _build_tray(self) -> None:
        """With a system tray, closing the window hides it there: the relay serves the LAN
        whatever the window does. Quit (menu or tray) is what stops it."""
        self.tray: QSystemTrayIcon | None = None
        # Managing a deployment there is nothing to keep serving: closing the window quits.
        if QSystemTrayIcon.isSystemTrayAvailable() and not self.backend.managed:
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setToolTip("RelayDesk")
            self.tray.activated.connect(self.bring_forward)
            menu = QMenu(self)
            menu.addAction(self.tr("Show RelayDesk"), self.bring_forward)
            menu.addSeparator()
            menu.addAction(self.tr("Quit RelayDesk"), self.quit)
            self.tray.setContextMenu(menu)
            self.tray.show()

    def bring_forward(self, *_: object) -> None:
        """Show the window on top (the tray icon, a second launch)."""
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def quit(self) -> None:
        """Stop RelayDesk: the relay ends after its open requests (or a short grace)."""
        if not self._quitting:
            self._quitting = True
            self.close_requested.emit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """To the tray when there is one; else closing the window shuts RelayDesk down (the
        app awaits the relay's clean stop)."""
        if not self._quitting and self.tray is not None:
            event.ignore()
            self.hide()
            self._tray_notice()
            return
        if not self._quitting:
            self._quitting = True
            self.close_requested.emit()
        event.accept()

    def _tray_notice(self) -> None:
        """Once per data folder: say where the window went and that the relay still runs."""
        assert self.tray is not None
        marker = self.backend.config.data_dir / "tray-notice-shown"
        if marker.exists():
            return
        self.tray.showMessage("RelayDesk", self.tr(
            "RelayDesk keeps serving the LAN from the tray. Choose Quit RelayDesk there (or "
            "File → Quit) to stop the relay."))
        try:
            marker.touch()
        except OSError:  # a read-only data folder: the notice shows again next time
            pass
