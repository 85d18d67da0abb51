"""Security page, driven through its widgets: bans with Unban, security events, admin tokens.
Every check reads the service layer's state."""

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import QInputDialog, QMessageBox, QTableView

from app import admintokens, bans, settings
from app.admintokens import hash_token
from app.models import AdminToken, IpBan
from gui.dialogs.token_created import TokenCreatedDialog
from gui.pages.security import SecurityPage
from tests.gui.conftest import settle_page, track, until
from tests.gui.layout import layout_problems

pytestmark = pytest.mark.usefixtures("tracked_pages")


async def shown_page(backend) -> SecurityPage:  # type: ignore[no-untyped-def]
    page = track(SecurityPage(backend))
    page.resize(1100, 480)
    page.show()
    await settle_page(page)
    return page


def cells(model: QStandardItemModel) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def column(model: QStandardItemModel, index: int) -> list[str]:
    return [row[index] for row in cells(model)]


def pick(table: QTableView, row: int) -> None:
    """Select a row the way a click does: through the view's selection model."""
    table.selectionModel().select(
        table.model().index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)


async def dialog_of(page: SecurityPage, kind: type) -> object:
    await until(lambda: isinstance(page.last_dialog, kind) and page.last_dialog.isVisible())
    return page.last_dialog


def press(box: QMessageBox, role: QMessageBox.ButtonRole) -> None:
    [button] = [b for b in box.buttons() if box.buttonRole(b) == role]
    button.click()


async def test_empty_states_explain_each_section(backend) -> None:
    page = await shown_page(backend)
    assert page.bans_model.rowCount() == 0 and page.bans_empty.isVisible()
    assert page.bans_empty.text().startswith("No address is banned.")
    assert not page.tokens_empty.isHidden() and "No admin tokens" in page.tokens_empty.text()
    assert page.tabs.tabText(0) == "Active bans"
    assert not page.unban_button.isEnabled() and not page.revoke_button.isEnabled()


async def test_ban_is_listed_and_unban_lifts_it_after_confirmation(backend) -> None:
    bans.ban("192.0.2.7", reason="invalid_api_key", failures=10)
    bans.ban("2001:db8::5", reason="admin_auth", failures=4)
    page = await shown_page(backend)
    assert column(page.bans_model, 0) == ["2001:db8::/64", "192.0.2.7"]  # newest first
    row = cells(page.bans_model)[1]
    assert row[1:3] == ["Invalid API keys", "10"] and row[3] and row[4] > row[3]
    assert page.tabs.tabText(0) == "Active bans (2)" and not page.bans_empty.isVisible()

    pick(page.bans_table, 1)
    assert page.unban_button.isEnabled()
    page.unban_button.click()
    box = await dialog_of(page, QMessageBox)
    assert "192.0.2.7" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()  # cancelling changes nothing
    await settle_page(page)
    assert set(bans.banned_until()) == {"192.0.2.7", "2001:db8::/64"}

    pick(page.bans_table, 1)
    page.unban_button.click()
    press(await dialog_of(page, QMessageBox), QMessageBox.ButtonRole.DestructiveRole)
    await settle_page(page)
    assert set(bans.banned_until()) == {"2001:db8::/64"}
    lifted = IpBan.get(IpBan.ip == "192.0.2.7")
    assert lifted.lifted_at is not None and lifted.lifted_by == "admin"
    assert column(page.bans_model, 0) == ["2001:db8::/64"]
    assert page.tabs.tabText(0) == "Active bans (1)"


async def test_events_list_bans_unbans_and_whitelist_changes_in_words(backend) -> None:
    bans.ban("192.0.2.7", reason="invalid_api_key", failures=10, minutes=15)
    bans.unban("192.0.2.7", actor="admin")
    settings.set("admin_ip_whitelist", ["127.0.0.1/32", "192.168.1.0/24"])
    settings.set("log_retention_days", 30)  # not a security setting: not listed
    page = await shown_page(backend)
    rows = cells(page.events_model)
    assert [r[1] for r in rows] == ["Security setting changed", "Ban lifted", "Address banned"]
    whitelist, unban, ban = rows
    assert whitelist[2:4] == ["Administrator", "Admin IP whitelist"]
    assert whitelist[5] == "Now: 127.0.0.1/32, 192.168.1.0/24"
    assert unban[2:5] == ["Administrator", "192.0.2.7", "192.0.2.7"]
    assert ban[2] == "Relay (automatic)"
    assert ban[5] == "Invalid API keys; 10 failures; for 15 minutes"
    assert all(r[0][:4].isdigit() and len(r[0]) == 19 for r in rows)  # local time, seconds

    settings.set("ban_threshold", 0)  # refresh shows what happened meanwhile
    page.refresh_button.click()
    await settle_page(page)
    newest = cells(page.events_model)[0]
    assert newest[1:4] == ["Security setting changed", "Administrator", "Failures before a ban"]
    assert newest[5] == "Now: never ban"


async def test_events_reload_each_time_the_page_is_shown(backend) -> None:
    page = await shown_page(backend)
    assert page.events_model.rowCount() == 0 and not page.events_empty.isHidden()
    page.hide()
    bans.ban("198.51.100.9", reason="login", failures=5)  # e.g. by the relay meanwhile
    page.show()
    await until(lambda: page.events_model.rowCount() == 1)
    await settle_page(page)
    assert cells(page.events_model)[0][1] == "Address banned"
    assert column(page.bans_model, 1) == ["Failed sign-ins"]


async def test_new_token_is_shown_once_and_only_its_hash_is_stored(backend) -> None:
    page = await shown_page(backend)
    page.tabs.setCurrentIndex(2)
    page.new_token_button.click()
    form = await dialog_of(page, QInputDialog)
    form.setTextValue("backup-script")
    form.accept()
    shown_dialog = await dialog_of(page, TokenCreatedDialog)
    shown = shown_dialog.token_field.text()
    assert shown.startswith(admintokens.TOKEN_PREFIX)
    row = AdminToken.get(AdminToken.name == "backup-script")
    assert hash_token(shown) == row.token_hash and row.token_hash != shown
    shown_dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == shown
    shown_dialog.done_button.click()
    assert shown_dialog.token_field.text() == ""  # not left in a widget
    await settle_page(page)
    assert admintokens.verify(shown) is not None
    assert cells(page.tokens_model) == [["backup-script", row.prefix, "Active",
                                         cells(page.tokens_model)[0][3], "never", ""]]
    assert cells(page.events_model)[0][1:3] == ["Admin token created", "Administrator"]
    everything = [cell for model in (page.bans_model, page.events_model, page.tokens_model)
                  for r in cells(model) for cell in r]
    assert not any(shown in cell or shown[-12:] in cell for cell in everything)


async def test_empty_token_name_is_refused_with_the_service_message(backend) -> None:
    page = await shown_page(backend)
    page.new_token_button.click()
    form = await dialog_of(page, QInputDialog)
    form.setTextValue("   ")
    form.accept()
    await until(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                            for w in page.findChildren(QMessageBox)))
    [box] = [w for w in page.findChildren(QMessageBox) if w.isVisible()]
    assert "Token name must be 1-64 characters" in box.text()
    box.close()
    await settle_page(page)
    assert AdminToken.select().count() == 0


async def test_revoke_asks_then_changes_the_status(backend) -> None:
    token, plaintext = admintokens.create_token("monitoring")
    admintokens.verify(plaintext, ip="192.168.1.20")
    page = await shown_page(backend)
    page.tabs.setCurrentIndex(2)
    assert cells(page.tokens_model)[0][5] == "192.168.1.20"
    pick(page.tokens_table, 0)
    page.revoke_button.click()
    box = await dialog_of(page, QMessageBox)
    assert "monitoring" in box.text() and token.prefix in box.text()
    press(box, QMessageBox.ButtonRole.DestructiveRole)
    await settle_page(page)
    assert admintokens.get_token(token.id).status == "revoked"
    assert admintokens.verify(plaintext) is None
    assert cells(page.tokens_model)[0][2] == "Revoked"
    assert not page.revoke_button.isEnabled()  # a revoked token cannot be revoked again
    assert cells(page.events_model)[0][1] == "Admin token revoked"


async def test_no_tab_cuts_off_text(backend) -> None:
    """Each tab's note, buttons and every cell (an IPv6 network, event details) show in full."""
    bans.ban("192.168.1.77", reason="invalid_api_key", failures=10)
    bans.ban("2001:db8:85a3::8a2e:370:7334", reason="admin_auth", failures=5)
    settings.set("admin_ip_whitelist", ["127.0.0.1/32", "::1/128", "192.168.1.0/24"])
    admintokens.create_token("backup-script")
    page = await shown_page(backend)
    for index, model in enumerate((page.bans_model, page.events_model, page.tokens_model)):
        page.tabs.setCurrentIndex(index)
        await settle_page(page)
        assert page.tabs.currentWidget().isVisible() and model.rowCount() > 0
        assert layout_problems(page) == []


async def test_admin_token_actor_and_new_address_read_in_words(backend) -> None:
    bans.note_admin_access("192.168.1.5", actor="token:nightly-backup")
    page = await shown_page(backend)
    assert cells(page.events_model)[0][1:5] == [
        "Admin access from a new address", "Admin token “nightly-backup”", "192.168.1.5",
        "192.168.1.5"]


async def test_labels_are_translated_to_chinese(backend) -> None:
    from PySide6.QtWidgets import QApplication

    from gui import i18n

    app = QApplication.instance()
    installed = i18n.install(app, "zh_CN")
    try:
        bans.ban("192.0.2.7", reason="invalid_api_key", failures=10, minutes=15)
        settings.set("trusted_proxies", ["10.0.0.5"])
        page = await shown_page(backend)
        assert page.title() == "安全" and page.tabs.tabText(0) == "当前封禁（1）"
        assert cells(page.bans_model)[0][1] == "无效的 API 密钥"
        proxies, ban = cells(page.events_model)
        assert proxies[1:4] == ["安全设置已更改", "管理员", "受信任的反向代理"]
        assert ban[1:3] == ["地址已封禁", "中转服务（自动）"]
        assert ban[5] == "无效的 API 密钥; 失败 10 次; 封禁 15 分钟"
    finally:
        for translator in installed:
            app.removeTranslator(translator)


async def test_a_ban_made_by_the_relay_thread_appears_while_the_page_is_open(backend) -> None:
    """The relay bans from its database thread; the open page follows without a Refresh."""
    page = await shown_page(backend)
    assert page.bans_model.rowCount() == 0
    await backend.call(bans.ban, "198.51.100.9", reason="invalid_api_key", failures=10)
    await until(lambda: column(page.bans_model, 0) == ["198.51.100.9"])
    await backend.call(bans.unban, "198.51.100.9")
    await until(lambda: page.bans_model.rowCount() == 0)
