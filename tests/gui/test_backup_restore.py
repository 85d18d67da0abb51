"""File → Backup now… → Restore…, and File → Export anonymized statistics…."""

import asyncio
import csv
import io
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from peewee import SqliteDatabase
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel, QLineEdit, QMessageBox

from app import accounts, backup, db, recharges, requestlog, settings
from app.models import AuditEvent, User
from gui.dialogs.backup import TOPICS, BackupDialog
from gui.dialogs.damaged import DamagedDatabaseDialog
from gui.main import start_or_recover
from gui.main_window import MainWindow
from tests.app.support import dump


def _usernames(path) -> set[str]:
    """Usernames stored in another SQLite file (a backup or the aside copy)."""
    other = SqliteDatabase(str(path))
    try:
        with other.bind_ctx([User]):
            return {u.username for u in User.select(User.username)}
    finally:
        other.close()


async def _visible(kind, parent=None, timeout: float = 5.0):  # type: ignore[no-untyped-def]
    """The visible widget of ``kind`` (a child of ``parent``, or top-level), once it shows."""
    async with asyncio.timeout(timeout):
        while True:
            pool = parent.findChildren(kind) if parent is not None else \
                QApplication.topLevelWidgets()
            found = [w for w in pool if isinstance(w, kind) and w.isVisible()]
            if found:
                return found[-1]
            await asyncio.sleep(0.01)


@pytest.fixture
def history(gui_config):
    """alice, then a backup, then bob: returns the backup's path."""
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    accounts.add_user("alice", "alice@example.com")
    taken = backup.backup_now(gui_config).path
    accounts.add_user("bob", "bob@example.com")
    return taken


async def _dialog(backend) -> BackupDialog:  # type: ignore[no-untyped-def]
    dialog = BackupDialog(backend)
    await dialog.loaded
    return dialog


async def test_restore_after_confirming_keeps_the_current_database_aside(
        backend, gui_config, history) -> None:
    assert await backend.start_relay()
    changed: list[str] = []
    backend.changed.connect(changed.append)
    dialog = await _dialog(backend)
    assert not dialog.restore_button.isEnabled()  # nothing selected yet
    dialog.list.setCurrentRow(0)
    assert dialog.restore_button.isEnabled()

    task = asyncio.ensure_future(dialog.run_restore())
    box = await _visible(QMessageBox, dialog)
    assert history.name in box.text()
    assert "kept aside" in box.informativeText() and "Restart RelayDesk" in box.informativeText()
    box.button(QMessageBox.StandardButton.Yes).click()
    aside = await task

    assert aside is not None and aside.parent == gui_config.data_dir / "backups"
    assert aside.name.startswith("before-restore-")
    assert aside.stat().st_mode & 0o777 == 0o600
    assert _usernames(aside) == {"alice", "bob"}  # written after the backup: kept aside
    assert [u.username for u in await backend.call(accounts.list_users)] == ["alice"]
    assert [u.username for u in accounts.list_users()] == ["alice"]  # this thread too
    assert AuditEvent.select().where(AuditEvent.action == "backup.restore").count() == 1
    assert "Restore done — restart RelayDesk" in dialog.status.text()
    assert aside.name in dialog.status.text()
    assert set(TOPICS) <= set(changed)
    assert backend.relay is not None and backend.relay.running  # started again, restored data
    assert dialog.backup_button.isEnabled() and dialog.list.count() == 1
    assert dialog.list.currentRow() == 0 and dialog.restore_button.isEnabled()
    dialog.reject()
    await backend.stop_relay()


async def test_cancel_changes_nothing(backend, gui_config, history) -> None:
    dialog = await _dialog(backend)
    dialog.list.setCurrentRow(0)
    task = asyncio.ensure_future(dialog.run_restore())
    box = await _visible(QMessageBox, dialog)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert await task is None
    assert {u.username for u in accounts.list_users()} == {"alice", "bob"}
    assert not list((gui_config.data_dir / "backups").glob("before-restore-*"))
    dialog.reject()


async def test_refused_while_another_program_has_the_database(backend, gui_config,
                                                              history) -> None:
    assert await backend.start_relay()
    other = SqliteDatabase(str(gui_config.sqlite_path))  # e.g. `relaydesk serve`, idle
    with other.bind_ctx([User]):
        User.select().count()
    dialog = await _dialog(backend)
    try:
        assert await dialog.restore(history) is None
    finally:
        other.close()
    error = await _visible(QMessageBox, dialog)
    assert "still open" in error.text()
    error.reject()
    assert dialog.status.text() == "Nothing was restored."
    assert {u.username for u in await backend.call(accounts.list_users)} == {"alice", "bob"}
    assert backend.relay is not None and backend.relay.running  # the relay is back
    assert not list((gui_config.data_dir / "backups").glob("before-restore-*"))
    dialog.reject()
    await backend.stop_relay()


async def test_a_restart_hook_is_used_when_the_backend_has_one(backend, history) -> None:
    calls: list[None] = []
    backend.request_restart = lambda: calls.append(None)  # type: ignore[attr-defined]
    dialog = await _dialog(backend)
    assert await dialog.restore(history) is not None
    assert calls == [None]
    dialog.reject()


@pytest.mark.parametrize("any_db", ["postgres"], indirect=True)
async def test_postgres_is_told_to_use_pg_dump(any_db) -> None:
    from gui.backend import Backend
    pg_backend = Backend(any_db)
    try:
        dialog = await _dialog(pg_backend)
        assert "pg_dump" in dialog.status.text()
        assert not dialog.backup_button.isEnabled() and not dialog.restore_button.isEnabled()
        dialog.reject()
    finally:
        await pg_backend.close()


# --- anonymized statistics ------------------------------------------------------------------


def _traffic() -> None:
    moment = datetime(2026, 6, 1, 11, 0, 0)
    rows = []
    for n in range(1, 6):
        user = accounts.add_user(f"person{n}", f"person{n}@example.com")
        rows.append({"created_at": moment - timedelta(minutes=n), "request_id": f"r{n}",
                     "user": user.id, "username": user.username, "model": "m-shared",
                     "prompt_tokens": 10, "completion_tokens": 5, "cost_micros": 100,
                     "client_ip": "192.168.5.55"})
    rows.append({"created_at": moment, "request_id": "r-solo", "user": user.id,
                 "username": user.username, "model": "m-solo", "prompt_tokens": 1,
                 "completion_tokens": 1, "cost_micros": 1, "client_ip": "192.168.5.55"})
    requestlog.insert_many(rows)


async def test_export_anonymized_statistics_through_the_file_menu(backend, fake_clock,
                                                                  tmp_path) -> None:
    _traffic()
    window = MainWindow(backend, [])
    assert window.stats_action in window.menuBar().actions()[0].menu().actions()
    target = tmp_path / "usage.csv"
    window.stats_action.trigger()
    picker = await _visible(QFileDialog)
    picker.findChild(QLineEdit, "fileNameEdit").setText(str(target))  # as if typed
    picker.accept()
    async with asyncio.timeout(10):
        while not target.exists():
            await asyncio.sleep(0.01)
    text = target.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["date", "model", "requests", "tokens", "spend_micros"],
                    ["2026-06-01", "m-shared", "5", "75", "500"]]  # m-solo: one user, left out
    assert "person" not in text and "192.168" not in text and "example.com" not in text
    assert await window.export_statistics(tmp_path / "all.csv", min_group=1) == 2
    assert "2 rows" in window.statusBar().currentMessage()
    window.close()


async def test_statistics_export_cancelled_writes_nothing(backend, tmp_path) -> None:
    window = MainWindow(backend, [])
    task = asyncio.ensure_future(window.export_statistics())
    picker = await _visible(QFileDialog)
    picker.reject()
    assert await task is None
    window.close()


# --- start-up on a damaged database -----------------------------------------------------------


def _damage(config) -> None:  # type: ignore[no-untyped-def]
    """64 KB of random bytes over the start of the database, and no WAL to repair it from."""
    db.close_database()
    with open(config.sqlite_path, "r+b") as handle:
        handle.write(os.urandom(64 * 1024))
    for suffix in ("-wal", "-shm"):
        Path(f"{config.sqlite_path}{suffix}").unlink(missing_ok=True)


def _books() -> dict[str, list[tuple[object, ...]]]:
    """Users, ledger and recharges of the bound database, row by row."""
    rows = dump()
    return {t: rows[t] for t in ("user", "ledger_entry", "recharge_record")}


def test_start_up_on_a_damaged_database_offers_to_restore_a_backup(gui_config) -> None:
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 5_000_000)
    taken = backup.backup_now(gui_config).path
    expected = _books()  # what the backup holds
    accounts.add_user("bob", "bob@example.com")
    _damage(gui_config)
    shown: list[DamagedDatabaseDialog] = []

    def operator(dialog: DamagedDatabaseDialog) -> int:
        shown.append(dialog)
        texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert str(gui_config.sqlite_path) in texts and "damaged" in texts
        assert dialog.list.count() == 1 and taken.name in dialog.list.item(0).text()
        dialog.restore_button.click()  # the newest backup is preselected
        return dialog.result()

    config = start_or_recover(gui_config.data_dir, show=operator)
    assert config is not None and len(shown) == 1
    assert shown[0].aside is not None and shown[0].aside.stat().st_mode & 0o777 == 0o600
    assert _books() == expected
    assert [u.username for u in accounts.list_users()] == ["alice"]  # opened and usable


def test_quitting_at_the_damaged_database_dialog_changes_nothing(gui_config) -> None:
    backup.backup_now(gui_config)
    _damage(gui_config)
    damaged = gui_config.sqlite_path.read_bytes()
    assert start_or_recover(gui_config.data_dir,
                            show=lambda dialog: QDialog.DialogCode.Rejected) is None
    assert gui_config.sqlite_path.read_bytes() == damaged
    assert not list((gui_config.data_dir / "backups").glob("before-restore-*"))


def test_a_newer_relaydesks_database_is_refused_with_a_reason(gui_config) -> None:
    """A downgraded app quits saying why, and leaves the newer data as it was."""
    from app.migrations import latest_version
    from app.models import SchemaVersion

    SchemaVersion.update(version=latest_version() + 1).execute()
    db.close_database()
    shown: list[str] = []

    def operator(box: QMessageBox) -> int:
        shown.append(f"{box.text()} {box.informativeText()}")
        return 0

    assert start_or_recover(gui_config.data_dir, show=operator) is None  # type: ignore[arg-type]
    assert len(shown) == 1 and "newer RelayDesk" in shown[0], shown
    with SqliteDatabase(gui_config.sqlite_path).bind_ctx([SchemaVersion]):
        assert [v.version for v in SchemaVersion.select()] == [latest_version() + 1]
