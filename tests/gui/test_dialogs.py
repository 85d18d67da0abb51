"""Menu dialogs: export user data, backup, privacy policy, first run, sign-in lockout, and the
one-instance-per-data-folder lock."""

import asyncio
import json
import zipfile

from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from app import accounts, adminauth, apikeys, backup, recharges
from app.models import AuditEvent
from gui.dialogs.backup import BackupDialog
from gui.dialogs.export import ExportDialog
from gui.dialogs.first_run import FirstRunDialog
from gui.dialogs.privacy import PrivacyDialog
from gui.main_window import MainWindow
from tests.gui.conftest import settle_page, until


class _Idle:
    """Adapter so settle_page can wait on a dialog without background tasks of its own."""

    async def idle(self) -> None:
        return None


async def test_export_through_the_file_menu(backend, tmp_path) -> None:
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 12_500_000)
    _, key = apikeys.create_key("alice")
    window = MainWindow(backend, [])
    window.export_action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, ExportDialog) and w.isVisible())
    await settle_page(_Idle())
    for fmt, name in (("json", "alice.json"), ("csv", "alice.zip")):
        result = await dialog.export_to("alice", tmp_path / name, fmt)
        assert result is not None and (tmp_path / name).stat().st_mode & 0o077 == 0
    data = json.loads((tmp_path / "alice.json").read_text(encoding="utf-8"))
    assert data["user"]["username"] == "alice" and data["balance_micros"] == 12_500_000
    assert key not in (tmp_path / "alice.json").read_text(encoding="utf-8")
    assert "ledger.csv" in zipfile.ZipFile(tmp_path / "alice.zip").namelist()
    assert AuditEvent.select().where(AuditEvent.action == "user.export").count() == 2
    dialog.reject()
    window.close()


async def test_backup_dialog_writes_a_checked_owner_only_backup(backend, gui_config) -> None:
    dialog = BackupDialog(backend)
    await dialog.run_backup()
    (info,) = backup.list_backups(gui_config)
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert info.path.name in dialog.status.text()
    assert dialog.list.count() == 1
    dialog.reject()


def test_privacy_policy_dialog_shows_the_policy() -> None:
    dialog = PrivacyDialog()
    text = dialog.view.toPlainText()
    assert "Request logs: kept for 90 days, then automatically cleaned." in text
    assert "bcrypt" in text
    dialog.reject()


def click_ok(dialog: QDialog) -> None:
    [buttons] = dialog.findChildren(QDialogButtonBox)
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_first_run_wizard_validates_before_accepting() -> None:
    wizard = FirstRunDialog()
    wizard.password.setText("short")
    wizard.confirm.setText("short")
    click_ok(wizard)
    assert "8 characters" in wizard.error.text() and not wizard.result()
    wizard.password.setText("long enough 1")
    wizard.confirm.setText("different one")
    click_ok(wizard)
    assert "do not match" in wizard.error.text()
    wizard.confirm.setText("long enough 1")
    wizard.lan.setChecked(False)
    click_ok(wizard)
    assert wizard.result() == 1
    assert wizard.choices() == {"password": "long enough 1", "port": 8765,
                                "host": "127.0.0.1", "currency": "CNY"}


def test_admin_lockout_after_repeated_failures(sqlite_db, fake_clock) -> None:
    import pytest
    adminauth.create_admin("the right password")
    for _ in range(5):
        assert not adminauth.verify_admin("wrong", source="gui")
    with pytest.raises(adminauth.LockedOut):
        adminauth.verify_admin("the right password", source="gui")
    fake_clock.advance(minutes=16)
    assert adminauth.verify_admin("the right password", source="gui")


def test_one_instance_per_data_folder(tmp_path) -> None:
    from gui.main import instance_lock
    first = instance_lock(tmp_path)
    assert first is not None
    assert instance_lock(tmp_path) is None  # a second RelayDesk on this folder is refused
    first.unlock()
    again = instance_lock(tmp_path)
    assert again is not None
    again.unlock()


def test_first_run_wizard_refuses_a_port_in_use() -> None:
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        wizard = FirstRunDialog()
        wizard.password.setText("long enough 1")
        wizard.confirm.setText("long enough 1")
        wizard.lan.setChecked(False)
        wizard.port.setValue(taken.getsockname()[1])
        click_ok(wizard)
        assert "already used by another program" in wizard.error.text() and not wizard.result()


async def test_an_export_says_where_it_went_and_opens_the_folder(backend, tmp_path,
                                                                  monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog = ExportDialog(backend)
    saving = asyncio.ensure_future(dialog.say_saved(tmp_path / "alice.json"))
    await until(lambda: dialog.last_box is not None and dialog.last_box.isVisible())
    box = dialog.last_box
    assert str(tmp_path / "alice.json") in box.text()
    next(b for b in box.buttons() if b.text() == "Open folder").click()
    await saving
    assert opened == [str(tmp_path)]
    dialog.reject()
