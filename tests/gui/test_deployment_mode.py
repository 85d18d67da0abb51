"""The desktop app managing a PostgreSQL deployment: chosen at first run or saved beforehand, it
opens the window on the deployment's data (a real PostgreSQL, a password role, a real keyring),
starts no relay and listens on no port, and a deployment that cannot be opened offers this
computer instead."""

import asyncio
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from app import accounts, adminauth, config, db, deployment, ports, recharges, runtime, settings
from app.models import RechargeRecord, User
from tests.app.test_deployment import password_login, target_of
from tests.gui.conftest import grab, settle_page, until
from tests.helpers.pg_sessions import recharges_in
from tests.helpers.postgres import PostgresServer

ADMIN = "the deployment's admin"
RECHARGES, USERS = RechargeRecord._meta.table_name, User._meta.table_name


@pytest.fixture(scope="session")
def pg_login(postgres_server: PostgresServer) -> tuple[str, str]:
    return password_login(postgres_server)


@pytest.fixture
def relay_port() -> int:
    """The port the deployment's settings give its relays: nothing may listen on it here."""
    return free_port()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def deployment_db(postgres_url: str, tmp_path: Path, relay_port: int, cheap_bcrypt: None
                  ) -> str:
    """The deployment's database as its servers left it: an admin, alice with 5.00."""
    runtime.start(tmp_path / "server", environ={"DATABASE_URL": postgres_url})
    try:
        adminauth.create_admin(ADMIN)
        accounts.add_user("alice", "alice@example.com")
        recharges.recharge("alice", 5_000_000)
        settings.set("relay_host", "127.0.0.1")
        settings.set("relay_port", relay_port)
    finally:
        db.close_database()
    return postgres_url


def top_level(cls: type) -> Any:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, cls)
                 and w.isVisible()), None)


async def shown(cls: type) -> Any:
    await until(lambda: top_level(cls) is not None, timeout=30)
    return top_level(cls)


def listening_tcp_ports() -> set[int]:
    """TCP ports this process listens on (Linux /proc: its sockets in the LISTEN state)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    found.add(int(fields[1].rsplit(":", 1)[1], 16))
    return found


async def sign_in_as_admin() -> None:
    from gui.dialogs.login import LoginDialog

    login = await shown(LoginDialog)
    login.password.setText(ADMIN)
    login.accept()


async def check_window(window: Any, url: str, relay_port: int, pictures: Path) -> None:
    """The window on the deployment: its users, a recharge that lands there, no relay here."""
    where = deployment.describe(url)
    assert window.backend.managed and window.backend.deployment == where
    assert f"Managing deployment {where}" == window.relay_label.text()
    assert where in window.windowTitle()
    assert not window.copy_button.isVisible() and not window.url_label.isVisible()
    for action in (window.start_action, window.stop_action, window.restart_action,
                   window.backup_action):
        assert not action.isEnabled() and action.toolTip()
    assert window.tray is None  # closing the window quits
    # no relay: none started, the deployment's relay port is free, nothing listens here
    assert window.backend.relay is None and window.backend.relay_status == "stopped"
    assert ports.port_free("127.0.0.1", relay_port)
    assert listening_tcp_ports() == set()

    window.nav.setCurrentRow(list(window.pages).index("UsersPage"))
    users = window.pages["UsersPage"]
    await until(lambda: [u.username for u in users.model.users] == ["alice"], timeout=15)
    window.nav.setCurrentRow(list(window.pages).index("BalancesPage"))
    balances = window.pages["BalancesPage"]
    await settle_page(balances)
    assert balances.select_user("alice")
    balances.recharge_button.click()
    await until(lambda: balances.last_dialog is not None and balances.last_dialog.isVisible())
    balances.last_dialog.amount.setText("12.34")
    balances.last_dialog.ok_button.click()
    await until(lambda: len(recharges_in(url)) == 2, timeout=15)
    assert recharges_in(url) == [("alice", 5_000_000), ("alice", 12_340_000)]
    await until(lambda: balances.last_notice is not None)
    balances.last_notice.done(0)  # the order number's notice
    window.nav.setCurrentRow(list(window.pages).index("SettingsPage"))
    page = window.pages["SettingsPage"]
    await settle_page(page)
    await until(lambda: page.deployment.remote.isChecked())
    assert page.deployment.form.host.text() == "127.0.0.1"
    assert not page.port.isEnabled() and not page.restart_button.isEnabled()  # relay's own
    grab(window, pictures / "deployment-settings.png")
    window.nav.setCurrentRow(0)
    await settle_page(window.pages["DashboardPage"])
    grab(window, pictures / "deployment-window.png")
    for shown_page in window.pages.values():  # nothing still loading when the window closes
        await shown_page.idle()


@pytest.mark.keyring
async def test_first_run_chooses_a_deployment_and_manages_it_without_a_relay(
        real_keyring: object, deployment_db: str, pg_login: tuple[str, str], tmp_path: Path,
        relay_port: int) -> None:
    from gui.dialogs.first_run import FirstRunDialog
    from gui.main import session
    from gui.main_window import MainWindow

    user, password = pg_login
    laptop = runtime.start(tmp_path / "laptop", environ={})  # a new install: no admin yet
    assert not laptop.managed
    running = asyncio.ensure_future(session(QApplication.instance(), laptop))
    wizard = await shown(FirstRunDialog)
    assert wizard.here.isChecked() and not wizard.deployment_form.isVisible()
    grab(wizard, tmp_path / "first-run-local.png")
    wizard.remote.setChecked(True)
    assert not wizard.local_part.isVisible() and wizard.deployment_form.isVisible()
    target = target_of(deployment_db, user, sslmode="disable")
    form = wizard.deployment_form
    form.host.setText(target.host)
    form.port.setValue(target.port)
    form.database.setText(target.database)
    form.user.setText(user)
    form.sslmode.setCurrentIndex(form.sslmode.findData("disable"))
    form.password.setText("not the password")
    [buttons] = wizard.findChildren(QDialogButtonBox)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()  # a wrong password: refused in words, the wizard stays
    await until(lambda: "refused the password" in form.result.text(), timeout=15)
    assert wizard.isVisible() and not (tmp_path / "laptop" / deployment.FILENAME).exists()

    form.password.setText(password)
    form.test_button.click()
    await until(lambda: form.result.text().startswith("Connected to PostgreSQL"), timeout=15)
    assert "schema version" in form.result.text()
    grab(wizard, tmp_path / "first-run-deployment.png")
    ok.click()
    await sign_in_as_admin()  # the deployment's own administrator
    window = await shown(MainWindow)
    await check_window(window, deployment_db, relay_port, tmp_path)

    saved = (tmp_path / "laptop" / deployment.FILENAME).read_bytes()
    assert password.encode() not in saved
    assert deployment.load(tmp_path / "laptop") == deployment.Choice("deployment", target)
    assert keyring.get_password("RelayDesk", f"database:{target.secret_name}") == password
    window.close()
    assert await asyncio.wait_for(running, 20) == 0


@pytest.mark.keyring
async def test_started_in_deployment_mode_it_opens_on_the_deployment(
        real_keyring: object, deployment_db: str, pg_login: tuple[str, str], tmp_path: Path,
        relay_port: int) -> None:
    from gui.main import session, start_or_recover
    from gui.main_window import MainWindow

    user, password = pg_login
    folder = tmp_path / "laptop"
    folder.mkdir()
    target = target_of(deployment_db, user, sslmode="disable")
    deployment.save(folder, deployment.Choice("deployment", target), password)

    config = start_or_recover(folder, show=lambda box: pytest.fail("asked: " + box.text()))
    assert config is not None and config.managed and db.is_postgres()
    running = asyncio.ensure_future(session(QApplication.instance(), config))
    await sign_in_as_admin()
    window = await shown(MainWindow)
    await check_window(window, deployment_db, relay_port, tmp_path)
    window.close()
    assert await asyncio.wait_for(running, 20) == 0


def choose(label: str, seen: list[str]) -> Callable[[QMessageBox], int]:
    def operator(box: QMessageBox) -> int:
        seen.append(box.informativeText())
        next(b for b in box.buttons() if b.text() == label).click()
        return 0
    return operator


def test_an_unreachable_deployment_at_start_offers_this_computer(tmp_path: Path) -> None:
    from gui.main import start_or_recover

    folder = tmp_path / "laptop"
    folder.mkdir()
    target = deployment.make_target("127.0.0.1", free_port(), "relaydesk", "relaydesk", "disable")
    deployment.save(folder, deployment.Choice("deployment", target))
    seen: list[str] = []

    assert start_or_recover(folder, show=choose("Quit", seen)) is None
    assert deployment.load(folder).managed  # quitting changes nothing
    config = start_or_recover(folder, show=choose("Use this computer instead", seen))
    try:
        assert config is not None and config.is_sqlite and not config.managed
    finally:
        db.close_database()
    assert len(seen) == 2 and all("the connection was refused" in text for text in seen)
    assert deployment.load(folder) == deployment.Choice("local", target)


def test_a_damaged_choice_file_is_shown_and_can_be_replaced(tmp_path: Path) -> None:
    from gui.main import start_or_recover

    folder = tmp_path / "laptop"
    folder.mkdir()
    (folder / deployment.FILENAME).write_text("{not json")
    seen: list[str] = []
    config = start_or_recover(folder, show=choose("Use this computer instead", seen))
    try:
        assert config is not None and config.is_sqlite
    finally:
        db.close_database()
    assert deployment.FILENAME in seen[0] and deployment.load(folder).mode == "local"


@pytest.mark.keyring
async def test_settings_choose_a_deployment_for_the_next_start(
        real_keyring: object, backend: Any, postgres_url: str, pg_login: tuple[str, str]
) -> None:
    from gui.pages.settings import SettingsPage

    user, password = pg_login
    folder = backend.config.data_dir
    page = SettingsPage(backend)
    page.show()
    await settle_page(page)
    group = page.deployment
    await until(lambda: group.saved is not None)
    assert group.here.isChecked() and not group.form.isVisible()
    assert page.port.isEnabled()  # the relay runs here: its settings are live
    group.remote.setChecked(True)
    target = target_of(postgres_url, user, sslmode="disable")
    group.form.show_target(target)
    group.form.password.setText("not the password")
    assert not await group.save()
    assert "refused the password" in group.form.result.text()
    assert group.message.text().startswith("Not saved")
    assert not (folder / deployment.FILENAME).exists()

    group.form.password.setText(password)
    assert await group.save()
    assert group.message.text() == "Saved. Restart RelayDesk to apply it."
    assert group.form.password.text() == "" and "keyring" in group.form.password.placeholderText()
    assert password.encode() not in (folder / deployment.FILENAME).read_bytes()
    chosen = config.resolve(folder, {})
    assert chosen.managed and deployment.describe(chosen.database_url) == target.label

    group.here.setChecked(True)  # back to what runs now
    assert await group.save()
    assert group.message.text() == "Saved."
    assert deployment.load(folder) == deployment.Choice("local", target)
    assert keyring.get_password("RelayDesk", f"database:{target.secret_name}") is None


