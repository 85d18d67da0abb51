"""Start the desktop app: one Qt window and the relay on one qasync event loop, or, managing a
PostgreSQL deployment (app/deployment.py), the window alone: its relays run on servers."""

import asyncio
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtCore import QLockFile
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QSystemTrayIcon

from app import adminauth, db, deployment, runtime, settings
from app import config as config_mod
from app.config import Config
from app.db import DatabaseDamaged
from app.errors import ServiceError
from gui import i18n, single_instance
from gui.asyncdialog import ask
from gui.backend import Backend
from gui.dialogs.damaged import DamagedDatabaseDialog
from gui.errors import error_text, setup_file_log
from gui.gc import GarbageCollector
from gui.main_window import MainWindow
from gui.pages.registry import all_pages
from gui.resources import resource

log = logging.getLogger(__name__)


def no_dbus_autolaunch(environ: "os._Environ[str] | dict[str, str]" = os.environ) -> None:
    """Without a session bus (an ssh or bare X session), Qt's D-Bus use (tray, accessibility)
    would autolaunch a dbus-daemon that outlives the app. An unusable address turns that off;
    Qt falls back to the X11 tray and the keyring to its "none found" message."""
    if sys.platform.startswith("linux") and not environ.get("DBUS_SESSION_BUS_ADDRESS"):
        environ["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"


def run(data_dir: str | Path | None = None, *, minimized: bool = False) -> int:
    """The `relaydesk` command without arguments."""
    no_dbus_autolaunch()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("RelayDesk")
    app.setWindowIcon(QIcon(str(resource("icons", "relaydesk.svg"))))
    config = start_or_recover(data_dir)
    if config is None:
        return 1
    setup_file_log(config.data_dir)
    translators = i18n.install(app, i18n.choose(settings.get("language")))
    lock = instance_lock(config.data_dir)
    if lock is None:
        if single_instance.ask_to_show(config.data_dir):
            return 0  # the running one came forward
        QMessageBox.warning(None, "RelayDesk", app.translate(
            "main", "RelayDesk is already running for this data folder."))
        return 1
    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            return runner.run(session(app, config, minimized=minimized))
    finally:
        lock.unlock()
        del translators


def start_or_recover(data_dir: str | Path | None = None,
                     show: Callable[[QDialog], int] = QDialog.exec) -> Config | None:
    """Open and migrate the database; if it is damaged, offer to restore a backup first, and
    if the chosen deployment cannot be opened, to try again or use this computer instead.

    ``None`` when the operator quits instead, or another RelayDesk has the folder. ``show``
    runs the dialog (tests drive it without a nested loop).
    """
    while True:
        try:
            return runtime.start(data_dir)
        except DatabaseDamaged as exc:
            damaged = exc
            break
        except Exception as exc:
            folder = config_mod.data_folder(data_dir)
            problem = deployment.start_problem(folder, exc)
            if problem is None:
                if not isinstance(exc, ServiceError):
                    raise
                refused(exc, show)  # this computer's database, e.g. a newer RelayDesk's
                return None
            if not unreachable_deployment(folder, problem, show):
                return None
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    config = config_mod.resolve(data_dir)
    translators = i18n.install(app, i18n.choose("auto"))  # the setting is in the damaged file
    lock = instance_lock(config.data_dir)
    try:
        if lock is None:
            QMessageBox.warning(None, "RelayDesk", app.translate(
                "main", "RelayDesk is already running for this data folder."))
            return None
        dialog = DamagedDatabaseDialog(config, damaged)
        if show(dialog) != QDialog.DialogCode.Accepted:
            return None
    finally:
        if lock is not None:
            lock.unlock()
        for translator in translators:
            app.removeTranslator(translator)
    return runtime.start(data_dir)


def refused(problem: ServiceError, show: Callable[[QDialog], int]) -> None:
    """Say why RelayDesk cannot open this computer's database, before quitting."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = i18n.install(app, i18n.choose("auto"))
    try:
        box = QMessageBox(QMessageBox.Icon.Critical, "RelayDesk", app.translate(
            "main", "RelayDesk cannot open its database."))
        box.setInformativeText(error_text(problem))
        show(box)
    finally:
        for translator in translators:
            app.removeTranslator(translator)


def unreachable_deployment(folder: Path, problem: ServiceError,
                           show: Callable[[QDialog], int]) -> bool:
    """Say why the deployment cannot be opened; True to try again (as it is, or after going
    back to this computer), False to quit."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = i18n.install(app, i18n.choose("auto"))  # the setting is in that database
    try:
        box = QMessageBox(QMessageBox.Icon.Warning, "RelayDesk", app.translate(
            "main", "RelayDesk could not open the deployment this computer manages."))
        box.setInformativeText(error_text(problem))
        retry = box.addButton(app.translate("main", "Try again"),
                              QMessageBox.ButtonRole.AcceptRole)
        local = box.addButton(app.translate("main", "Use this computer instead"),
                              QMessageBox.ButtonRole.ActionRole)
        box.addButton(app.translate("main", "Quit"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        show(box)
        if box.clickedButton() is local:
            try:
                target = deployment.load(folder).target
            except ServiceError:
                target = None  # a damaged choice file is replaced
            deployment.save(folder, deployment.Choice("local", target))
        return box.clickedButton() in (retry, local)
    finally:
        for translator in translators:
            app.removeTranslator(translator)


def instance_lock(data_dir: Path) -> QLockFile | None:
    """Only one RelayDesk per data folder: the lock, or ``None`` if another instance holds it.

    A lock left by a crashed instance is stale (its process is gone) and is taken over.
    """
    lock = QLockFile(str(data_dir / "relaydesk.lock"))
    return lock if lock.tryLock(200) else None


async def sign_in(backend: Backend) -> bool:
    """First run: the wizard; later: the admin password, with lockout."""
    from gui.dialogs.first_run import FirstRunDialog
    from gui.dialogs.login import LoginDialog

    while not await backend.call(adminauth.admin_exists):
        wizard = FirstRunDialog(managing=backend.deployment)
        if await ask(wizard) != QDialog.DialogCode.Accepted:
            return False
        chosen = wizard.deployment_choice()
        if chosen is not None:
            await use_deployment(backend, *chosen)
            continue  # the deployment may have its administrator already
        choice = wizard.choices()
        await backend.call(adminauth.create_admin, choice["password"])
        values: list[tuple[str, object]] = [("currency", choice["currency"])]
        if not backend.managed:  # a deployment's relays listen where its servers say
            values += [("relay_port", choice["port"]), ("relay_host", choice["host"])]
        for key, value in values:
            await backend.call(settings.set, key, value)
        return True
    dialog = LoginDialog()
    while True:
        if await ask(dialog) != QDialog.DialogCode.Accepted:
            return False
        try:
            if await backend.call(adminauth.verify_admin, dialog.password.text(), source="gui"):
                return True
            until = await backend.call(adminauth.locked_until)
            dialog.fail(QApplication.translate("LoginDialog", "Wrong password.") if until is None
                        else QApplication.translate(
                            "LoginDialog", "Too many wrong passwords. Try again after {time} "
                            "(UTC).").format(time=until.strftime("%H:%M")))
        except adminauth.LockedOut as exc:
            dialog.fail(error_text(exc))


async def use_deployment(backend: Backend, target: deployment.Target, password: str) -> None:
    """First run chose a deployment: save the choice and move the window onto its database
    (this computer's SQLite file, opened at start, is closed). If it cannot be opened after
    all, this computer's database comes back and the wizard asks again."""
    folder = backend.config.data_dir
    await backend.call(deployment.save, folder, deployment.Choice("deployment", target),
                       password or None)
    await backend.call(db.close_database)  # the worker thread's connection
    db.close_database()  # this thread's, from start-up
    try:
        backend.use_config(await backend.call(runtime.start, folder))
    except Exception as exc:
        problem = deployment.start_problem(folder, exc)
        if problem is None:
            raise
        await backend.call(deployment.save, folder, deployment.Choice("local", target))
        backend.use_config(await backend.call(runtime.start, folder))
        await ask(QMessageBox(QMessageBox.Icon.Warning, "RelayDesk", error_text(problem)))


async def wait_in_tray(instance: single_instance.InstanceServer) -> bool:
    """Started minimized: only a tray icon until the operator opens RelayDesk (True) or quits
    it (False); the relay serves meanwhile. A second launch opens it too."""
    chosen: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def choose(value: bool) -> None:
        if not chosen.done():
            chosen.set_result(value)

    tray = QSystemTrayIcon(QApplication.windowIcon())
    tray.setToolTip("RelayDesk")
    menu = QMenu()
    menu.addAction(QApplication.translate("main", "Open RelayDesk"), lambda: choose(True))
    menu.addSeparator()
    menu.addAction(QApplication.translate("main", "Quit RelayDesk"), lambda: choose(False))
    tray.setContextMenu(menu)
    tray.activated.connect(lambda *_: choose(True))
    instance.show_requested.connect(lambda: choose(True))
    tray.show()
    try:
        return await chosen
    finally:
        tray.hide()
        tray.deleteLater()
        menu.deleteLater()


async def session(app: QApplication, config: Config, *, minimized: bool = False) -> int:
    app.setQuitOnLastWindowClosed(False)  # we quit after the relay has stopped cleanly
    collector = GarbageCollector(app)
    backend = Backend(config, relay_process=True)
    instance = single_instance.InstanceServer(config.data_dir)
    try:
        # Sign-in guards the admin views, not the LAN's service: once set up, the relay serves
        # from the start (and through a sign-in lockout).
        configured = await backend.call(adminauth.admin_exists)
        if configured and not backend.managed:  # a deployment's relays serve on its servers
            await backend.start_relay()
            if (minimized and QSystemTrayIcon.isSystemTrayAvailable()
                    and not await wait_in_tray(instance)):
                return 0
        if not await sign_in(backend):
            return 0
        window = MainWindow(backend, all_pages())
        instance.show_requested.connect(window.bring_forward)
        closed = asyncio.Event()
        window.close_requested.connect(closed.set)
        window.show()
        if not configured and not backend.managed:
            await backend.start_relay()
        await closed.wait()
        window.hide()
        return 0
    finally:
        instance.close()
        await backend.close()
        collector.stop()
