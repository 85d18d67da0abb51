"""Settings page, "Purge now…": the plan's counts in a confirmation box, then the purge through
the backend with a progress bar, then pages showing logs and money reload."""

from datetime import datetime, timedelta

from PySide6.QtWidgets import QMessageBox

from app import accounts, ledger, recharges, retention
from app.models import AuditEvent, LedgerEntry, RechargeRecord, RequestLog, User
from gui.pages.settings import SettingsPage
from tests.gui.conftest import settle_page, until

NOW = datetime(2026, 6, 1, 12, 0, 0)


def old_records(fake_clock) -> None:  # type: ignore[no-untyped-def]
    """A 400-day-old recharge and adjustment, 1,500 old request logs, one recent, 2 old logins."""
    fake_clock.current = NOW - timedelta(days=400)
    alice = accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 20_000_000)
    ledger.adjust(alice.id, -1_000_000, "old correction")
    fake_clock.current = NOW
    RequestLog.insert_many([{"request_id": f"r{i}", "created_at": NOW - timedelta(days=91, hours=i)}
                            for i in range(1500)]).execute()
    RequestLog.create(request_id="recent", created_at=NOW - timedelta(days=1))
    for action in ("login", "admin.login_failed"):
        AuditEvent.create(actor="admin", action=action, created_at=NOW - timedelta(days=95))


async def open_page(backend) -> SettingsPage:  # type: ignore[no-untyped-def]
    page = SettingsPage(backend)
    await page.reload()
    return page


async def confirmation(page: SettingsPage) -> QMessageBox:
    page.purge_button.click()
    await until(lambda: isinstance(page.last_dialog, QMessageBox)
                and page.last_dialog.isVisible())
    assert page.last_dialog is not None
    return page.last_dialog


async def test_purge_asks_with_the_counts_then_deletes(backend, fake_clock) -> None:
    old_records(fake_clock)
    changed: list[str] = []
    backend.changed.connect(changed.append)
    page = await open_page(backend)
    assert page.purge_button.text() == "Purge now…" and page.purge_progress.isHidden()

    box = await confirmation(page)
    assert box.text() == (
        "This will delete 1,500 request logs older than 90 days, 1 payment records older than "
        "365 days and 2 login and security events older than 90 days, and fold 2 ledger entries "
        "older than 365 days into 1 carried-forward entries.")
    assert "Balances do not change" in box.informativeText()
    assert not page.purge_button.isEnabled()
    box.button(QMessageBox.StandardButton.Cancel).click()  # cancelling changes nothing
    await settle_page(page)
    assert RequestLog.select().count() == 1501 and changed == []
    assert page.purge_button.isEnabled()

    box = await confirmation(page)
    shown: list[tuple[int, int]] = []  # (value, maximum) while the purge runs
    page.purge_progress.valueChanged.connect(
        lambda value: shown.append((value, page.purge_progress.maximum())))
    [confirm] = [b for b in box.buttons()
                 if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    confirm.click()
    await settle_page(page)

    assert [r.request_id for r in RequestLog.select()] == ["recent"]
    assert not RechargeRecord.select().exists()
    assert AuditEvent.select().where(AuditEvent.action.in_(["login", "admin.login_failed"])
                                     ).count() == 0
    assert [e.kind for e in LedgerEntry.select()] == ["carry_forward"]
    assert User.get().balance_micros == 19_000_000
    [event] = AuditEvent.select().where(AuditEvent.action == retention.AUDIT_ACTION)
    assert (event.actor, event.detail["request_logs"]) == ("admin", 1500)
    # progress: several batches (1,000 rows each), out of the planned total, then hidden
    assert len(shown) >= 2 and shown[-1] == (1505, 1505)
    assert all(maximum == 1505 for _, maximum in shown)
    assert page.purge_progress.isHidden() and page.purge_button.isEnabled()
    assert changed == ["logs", "money"]
    assert page.message.text() == (
        "Deleted 1,500 request logs, 1 payment records and 2 login and security events; folded "
        "2 ledger entries into 1 carried-forward entries.")


async def test_nothing_to_purge_says_so_without_asking(backend, fake_clock) -> None:
    RequestLog.create(request_id="recent", created_at=NOW - timedelta(days=1))
    page = await open_page(backend)
    page.purge_button.click()
    await settle_page(page)
    assert page.last_dialog is None
    assert "nothing to delete" in page.message.text()
    assert RequestLog.select().count() == 1 and page.purge_button.isEnabled()


async def test_unsaved_retention_changes_come_first(backend, fake_clock) -> None:
    old_records(fake_clock)
    page = await open_page(backend)
    page.retention["log_retention_days"].setValue(30)
    page.purge_button.click()
    await settle_page(page)
    assert page.last_dialog is None
    assert "Save or discard" in page.message.text()
    assert RequestLog.select().count() == 1501


async def test_the_purge_follows_the_saved_periods(backend, fake_clock) -> None:
    old_records(fake_clock)
    page = await open_page(backend)
    page.retention["log_retention_days"].setValue(365)
    page.save_button.click()
    await settle_page(page)
    box = await confirmation(page)
    assert box.text().startswith("This will delete 0 request logs older than 365 days, ")
    box.reject()
    await settle_page(page)
    assert RequestLog.select().count() == 1501
