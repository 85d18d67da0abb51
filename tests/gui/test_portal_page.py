"""Portal page (registration mode, invites, deletion requests, announcements) and the
registration choice on the Settings page, driven through their widgets; every check reads the
services' state."""

from datetime import timedelta

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from app import accounts, announcements, clock, deletion_requests, invites, settings
from app.models import Invite
from gui.dialogs.portal import AnnouncementDialog, InviteCodeDialog, InviteDialog, RejectDialog
from gui.pages.portal import PortalPage, portal_urls
from gui.pages.registry import all_pages
from gui.pages.settings import SettingsPage
from tests.app.support import unchanged
from tests.gui.conftest import settle_page, track, until

pytestmark = pytest.mark.usefixtures("tracked_pages")


async def shown_page(backend, kind: type = PortalPage):  # type: ignore[no-untyped-def]
    page = track(kind(backend))
    page.resize(900, 480)
    page.show()
    await settle_page(page)
    return page


async def open_dialog(page, button):  # type: ignore[no-untyped-def]
    page.last_dialog = None
    assert button.isEnabled()
    button.click()
    await until(lambda: page.last_dialog is not None and page.last_dialog.isVisible())
    return page.last_dialog


async def next_dialog(page, previous):  # type: ignore[no-untyped-def]
    await until(lambda: page.last_dialog is not previous and page.last_dialog is not None
                and page.last_dialog.isVisible())
    return page.last_dialog


def confirm(box: QMessageBox) -> None:
    [go] = [b for b in box.buttons()
            if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    go.click()


def column(view, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    model = view.model()
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_portal_address_comes_from_the_relay_urls() -> None:
    assert portal_urls(["https://192.168.1.5:8443/v1", "http://[::1]:80/v1"]) == [
        "https://192.168.1.5:8443/portal/", "http://[::1]:80/portal/"]
    assert all_pages()[-1] is PortalPage


async def test_registration_mode_is_set_from_the_page(backend, sqlite_db) -> None:
    page = await shown_page(backend)
    assert page.registration.currentData() == settings.get("registration_mode") == "closed"
    assert not page.copy_button.isEnabled()  # no relay running, no address
    assert await page.set_registration("invite")
    assert settings.get("registration_mode") == "invite"
    settings.set("registration_mode", "open")
    backend.changed.emit("settings")
    await settle_page(page)
    assert page.registration.currentData() == "open"


async def test_settings_page_sets_registration_mode(backend, sqlite_db) -> None:
    # Not tracked (as in test_settings_page.py): its relay_state lambda outlives a deleted page.
    page = SettingsPage(backend)
    page.show()
    await settle_page(page)
    page.registration.setCurrentIndex(page.registration.findData("open"))
    assert page.changes() == {"registration_mode": "open"}
    assert await page.save()
    assert settings.get("registration_mode") == "open"


async def test_new_invite_shows_its_code_once_and_lists_it(backend, sqlite_db) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.new_invite_button)
    assert isinstance(dialog, InviteDialog)
    dialog.uses.setValue(3)
    dialog.expires.setChecked(True)
    dialog.note.setText("lab")
    dialog.ok_button.click()
    shown = await next_dialog(page, dialog)
    assert isinstance(shown, InviteCodeDialog)
    code = shown.code_field.text()
    shown.copy_button.click()
    assert QGuiApplication.clipboard().text() == code
    shown.accept()
    assert shown.code_field.text() == ""  # not left in a widget
    await settle_page(page)
    [row] = invites.list_invites()
    assert row.code_hash == invites.hash_code(code)
    assert (row.max_uses, row.note) == (3, "lab")
    now = clock.now()
    assert now + timedelta(days=6) < row.expires_at < now + timedelta(days=9)
    assert column(page.invites_view, 5) == ["lab"] and code not in column(page.invites_view, 0)


async def test_invite_refusal_is_shown_and_changes_nothing(backend, sqlite_db) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.new_invite_button)
    dialog.note.setText("x" * 201)
    with unchanged():
        dialog.ok_button.click()
        await until(lambda: dialog.message.isVisible())
        assert "at most 200 characters" in dialog.message.text()
        dialog.reject()
        await settle_page(page)


async def test_revoke_an_invite(backend, sqlite_db) -> None:
    _, made = invites.create_invite(note="old")
    page = await shown_page(backend)
    page.invites_view.selectRow(0)
    box = await open_dialog(page, page.revoke_button)
    confirm(box)
    await settle_page(page)
    assert Invite.get_by_id(made.id).status == "revoked"
    assert column(page.invites_view, 5) == []


async def test_approve_a_deletion_request_deletes_the_account(backend, sqlite_db) -> None:
    accounts.add_user("ann", "ann@example.com")
    deletion_requests.request_deletion("ann")
    page = await shown_page(backend)
    assert column(page.requests_view, 0) == ["ann"]
    page.requests_view.selectRow(0)
    box = await open_dialog(page, page.approve_button)
    box.button(QMessageBox.StandardButton.Cancel).click()
    await settle_page(page)
    assert deletion_requests.list_requests()[0].status == "pending"
    box = await open_dialog(page, page.approve_button)
    confirm(box)
    await settle_page(page)
    [done] = deletion_requests.list_requests(None)
    assert done.status == "approved" and done.user.username.startswith("deleted:")
    assert accounts.list_users(search="ann") == []
    assert column(page.requests_view, 0) == []


async def test_reject_needs_a_reason(backend, sqlite_db) -> None:
    accounts.add_user("bob", "bob@example.com")
    deletion_requests.request_deletion("bob")
    page = await shown_page(backend)
    page.requests_view.selectRow(0)
    dialog = await open_dialog(page, page.reject_button)
    assert isinstance(dialog, RejectDialog)
    dialog.ok_button.click()
    await until(lambda: dialog.message.isVisible())
    assert deletion_requests.list_requests()[0].status == "pending"
    dialog.reason.setText("open invoices")
    dialog.ok_button.click()
    await settle_page(page)
    [row] = deletion_requests.list_requests(None)
    assert (row.status, row.reason) == ("rejected", "open invoices")


async def test_post_an_announcement_by_email(backend, sqlite_db) -> None:
    from app import accounts
    from app.models import MailMessage
    accounts.add_user("ann", "ann@example.com")
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.post_button)
    assert isinstance(dialog, AnnouncementDialog) and not dialog.email.isChecked()
    dialog.title_field.setText("Maintenance")
    dialog.body.setPlainText("Sunday")
    dialog.email.setChecked(True)
    dialog.ok_button.click()
    await settle_page(page)
    assert [m.to_addr for m in MailMessage.select().where(
        MailMessage.kind == "announcement")] == ["ann@example.com"]


async def test_post_and_delete_announcements(backend, sqlite_db) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.post_button)
    assert isinstance(dialog, AnnouncementDialog)
    dialog.title_field.setText("Maintenance")
    dialog.ok_button.click()
    await until(lambda: dialog.message.isVisible())
    assert "Body is required" in dialog.message.text()
    dialog.body.setPlainText("Sunday\n02:00-03:00")
    dialog.ok_button.click()
    await settle_page(page)
    [item] = announcements.recent()
    assert (item.title, item.body) == ("Maintenance", "Sunday\n02:00-03:00")
    assert column(page.announcements_view, 1) == ["Maintenance"]
    page.announcements_view.selectRow(0)
    box = await open_dialog(page, page.delete_button)
    confirm(box)
    await settle_page(page)
    assert announcements.recent() == [] and column(page.announcements_view, 1) == []
