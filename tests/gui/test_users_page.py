"""Users page, driven through its widgets; every check reads the service layer's state."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

from app import accounts, apikeys, passwords, recharges
from app.errors import NotFound
from app.money import parse_amount
from gui.dialogs.api_keys import ApiKeysDialog
from gui.dialogs.user_edit import UserEditDialog
from gui.pages.users import UsersPage
from tests.gui.conftest import grab, settle_page, until

DEMO_USERS = [  # username, email, phone, balance
    ("zhang.wei", "zhang.wei@qq.com", "+86 138 0013 8000", "268.50"),
    ("li_na", "李娜@研发部.cn", "139-1234-5678", "1024.000125"),
    ("wang.fang", "wangfang@163.com", "", "0"),
    ("chen-jie", "chen.jie@bytedance-lab.cn", "+86 186 2233 4455", "57.30"),
    ("alice", "alice.johnson@example.com", "+1 415 555 0132", "150.00"),
    ("bob.smith", "bob@smith-consulting.co.uk", "", "3.75"),
    ("liu.yang", "刘洋@实验室.中国", "+86 150 9988 7766", "12000"),
    ("emma-w", "emma.wilson@university.edu", "+44 20 7946 0958", "0.000420"),
]


def add_demo_users(count: int = len(DEMO_USERS)) -> None:
    for name, email, phone, balance in DEMO_USERS[:count]:
        accounts.add_user(name, email, phone=phone or None)
        if balance != "0":
            recharges.recharge(name, parse_amount(balance))


async def shown_page(backend) -> UsersPage:  # type: ignore[no-untyped-def]
    page = UsersPage(backend)
    page.resize(1000, 420)
    page.show()
    await settle_page(page)
    return page


def usernames(page: UsersPage) -> list[str]:
    proxy = page.table.model()
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def pick(page: UsersPage, username: str) -> None:
    """Select a row the way a click does: through the view's selection model."""
    proxy = page.table.model()
    row = usernames(page).index(username)
    page.table.selectionModel().select(
        proxy.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)


async def dialog_of(page: UsersPage, kind: type) -> object:
    await until(lambda: isinstance(page.last_dialog, kind) and page.last_dialog.isVisible())
    return page.last_dialog


async def test_add_user_through_the_dialog(backend) -> None:
    page = await shown_page(backend)
    assert "No users yet" in page.footer.text()
    page.add_button.click()
    dialog = await dialog_of(page, UserEditDialog)
    dialog.username.setText("zhang.wei")
    dialog.email.setText("zhang.wei@qq.com")
    dialog.phone.setText("+86 138 0013 8000")
    dialog.password.setText("correct horse")
    dialog.confirm.setText("correct horse")
    dialog.save_button().click()
    await dialog.idle()
    await settle_page(page)
    user = accounts.get_user("zhang.wei")
    assert (user.email, user.phone, user.status) == ("zhang.wei@qq.com", "+86 138 0013 8000",
                                                     "active")
    assert passwords.verify_password("correct horse", user.password_hash)
    assert usernames(page) == ["zhang.wei"] and page.selected_username() == "zhang.wei"
    assert page.footer.text() == "One user"
    page.close()


async def test_bad_email_is_shown_in_the_dialog_and_creates_nothing(backend) -> None:
    page = await shown_page(backend)
    page.add_button.click()
    dialog = await dialog_of(page, UserEditDialog)
    dialog.username.setText("wang.fang")
    dialog.email.setText("wang.fang at 163.com")
    dialog.save_button().click()
    await dialog.idle()
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert "not a valid email address" in dialog.error.text()
    assert accounts.list_users() == []
    dialog.email.setText("wang.fang@163.com")  # fixing the typo keeps the rest of the form
    dialog.save_button().click()
    await dialog.idle()
    await settle_page(page)
    assert not dialog.isVisible() and accounts.get_user("wang.fang").email == "wang.fang@163.com"
    page.close()


async def test_mismatched_passwords_never_reach_the_service(backend) -> None:
    page = await shown_page(backend)
    page.spawn(page.add_user())
    dialog = await dialog_of(page, UserEditDialog)
    dialog.username.setText("alice")
    dialog.email.setText("alice@example.com")
    dialog.password.setText("first-password")
    dialog.confirm.setText("second-password")
    assert not await dialog.save()
    assert "do not match" in dialog.error.text() and accounts.list_users() == []
    dialog.reject()
    await settle_page(page)
    assert accounts.list_users() == []
    page.close()


async def test_edit_email_phone_and_password(backend) -> None:
    add_demo_users(3)
    page = await shown_page(backend)
    pick(page, "li_na")
    page.edit_button.click()
    dialog = await dialog_of(page, UserEditDialog)
    assert dialog.username.isReadOnly() and dialog.username.text() == "li_na"
    assert dialog.email.text() == "李娜@研发部.cn"
    dialog.email.setText("li.na@example.cn")
    dialog.phone.setText("")  # clearing the phone is allowed
    dialog.password.setText("new-password-1")
    dialog.confirm.setText("new-password-1")
    dialog.save_button().click()
    await dialog.idle()
    await settle_page(page)
    user = accounts.get_user("li_na")
    assert (user.email, user.phone) == ("li.na@example.cn", None)
    assert passwords.verify_password("new-password-1", user.password_hash)
    assert page.selected_username() == "li_na"
    page.close()


async def test_edit_without_new_password_keeps_it_and_double_click_opens(backend) -> None:
    accounts.add_user("alice", "alice@example.com", password="alice-password")
    page = await shown_page(backend)
    pick(page, "alice")
    page.table.doubleClicked.emit(page.table.model().index(0, 1))
    dialog = await dialog_of(page, UserEditDialog)
    dialog.email.setText("alice.johnson@example.com")
    dialog.save_button().click()
    await dialog.idle()
    await settle_page(page)
    user = accounts.get_user("alice")
    assert user.email == "alice.johnson@example.com"
    assert passwords.verify_password("alice-password", user.password_hash)
    page.close()


async def test_disable_then_enable(backend) -> None:
    add_demo_users(2)
    page = await shown_page(backend)
    pick(page, "zhang.wei")
    assert page.status_button.text() == "&Disable"
    page.status_button.click()
    await settle_page(page)
    assert accounts.get_user("zhang.wei").status == "disabled"
    row = usernames(page).index("zhang.wei")
    assert page.table.model().index(row, 3).data() == "Disabled"
    assert page.status_button.text() == "E&nable"
    page.status_button.click()
    await settle_page(page)
    assert accounts.get_user("zhang.wei").status == "active"
    assert accounts.get_user("li_na").status == "active"
    page.close()


async def test_delete_asks_what_it_does_then_erases(backend) -> None:
    add_demo_users(3)
    _, plaintext = apikeys.create_key("wang.fang", name="laptop")
    page = await shown_page(backend)
    name = "wang.fang"
    pick(page, name)
    page.delete_button.click()
    box = await dialog_of(page, QMessageBox)
    text = box.text() + " " + box.informativeText()
    assert name in text and "API keys and login history are erased" in text
    assert "kept de-identified until their retention period ends" in text
    box.button(QMessageBox.StandardButton.Cancel).click()  # cancelling changes nothing
    await settle_page(page)
    assert accounts.get_user(name).status == "active"
    pick(page, name)
    page.delete_button.click()
    box = await dialog_of(page, QMessageBox)
    [confirm] = [b for b in box.buttons()
                 if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    confirm.click()
    await settle_page(page)
    assert name not in usernames(page) and len(usernames(page)) == 2
    with pytest.raises(NotFound):
        accounts.get_user(name)
    assert apikeys.lookup(plaintext) is None
    page.close()


async def test_delete_confirmation_mentions_a_remaining_balance(backend) -> None:
    add_demo_users(1)
    page = await shown_page(backend)
    pick(page, "zhang.wei")
    page.delete_button.click()
    box = await dialog_of(page, QMessageBox)
    assert "balance of 268.50" in box.informativeText()
    box.reject()
    await settle_page(page)
    assert accounts.get_user("zhang.wei").status == "active"
    page.close()


async def test_search_filters_after_a_pause_in_typing(backend) -> None:
    add_demo_users()
    page = await shown_page(backend)
    assert len(usernames(page)) == len(DEMO_USERS)
    page.search.setText("zhang")
    await settle_page(page)
    assert page.search_timer.isActive() and len(usernames(page)) == len(DEMO_USERS)
    page.search_timer.timeout.emit()  # what the timer does 250 ms after the last keystroke
    await settle_page(page)
    assert usernames(page) == ["zhang.wei"]
    assert page.footer.text() == "One user matches “zhang”."
    page.search.setText("研发部")  # email, in Chinese
    page.flush_search()
    await settle_page(page)
    assert usernames(page) == ["li_na"]
    page.search.setText("555 0132")  # phone
    page.search.returnPressed.emit()
    await settle_page(page)
    assert usernames(page) == ["alice"]
    page.search.setText("nobody-like-this")
    page.flush_search()
    await settle_page(page)
    assert usernames(page) == [] and "No user matches" in page.footer.text()
    page.search.clear()
    page.flush_search()
    await settle_page(page)
    assert len(usernames(page)) == len(DEMO_USERS)
    page.close()


async def test_balances_are_money_text_right_aligned_and_sort_numerically(backend) -> None:
    add_demo_users()
    page = await shown_page(backend)
    proxy = page.table.model()
    column = 4
    assert proxy.headerData(column, Qt.Orientation.Horizontal) == "Balance (CNY)"
    page.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    shown = [proxy.index(r, column).data() for r in range(proxy.rowCount())]
    assert shown == ["12000.00", "1024.000125", "268.50", "150.00", "57.30", "3.75",
                     "0.000420", "0.00"]
    alignment = Qt.AlignmentFlag(proxy.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole))
    assert alignment & Qt.AlignmentFlag.AlignRight
    page.close()


async def test_money_change_elsewhere_reloads_the_page(backend) -> None:
    add_demo_users(1)
    page = await shown_page(backend)
    recharges.recharge("zhang.wei", parse_amount("1.5"))
    backend.changed.emit("money")
    await settle_page(page)
    assert page.table.model().index(0, 4).data() == "270.00"
    page.close()


async def test_shortcuts(backend) -> None:
    add_demo_users(2)
    page = await shown_page(backend)
    keys = {a.shortcut().toString(): a for a in page.actions()}
    assert {"Ctrl+N", "Ctrl+F", "Ctrl+K", "F5"} <= set(keys)
    table_keys = {a.shortcut().toString() for a in page.table.actions()}
    assert {"Del", "Return", "Enter"} <= table_keys  # only on the table: not while searching
    keys["Ctrl+F"].trigger()
    assert page.search.hasFocus() or page.focusWidget() is page.search
    keys["Ctrl+N"].trigger()
    dialog = await dialog_of(page, UserEditDialog)
    dialog.reject()
    await settle_page(page)
    pick(page, "li_na")
    keys["Ctrl+K"].trigger()
    keys_dialog = await dialog_of(page, ApiKeysDialog)
    assert keys_dialog.username == "li_na"
    await keys_dialog.idle()
    keys_dialog.reject()
    await settle_page(page)
    page.close()


async def test_actions_need_a_selection(backend) -> None:
    add_demo_users(2)
    page = await shown_page(backend)
    page.table.clearSelection()
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    assert not page.keys_button.isEnabled() and page.add_button.isEnabled()
    pick(page, "li_na")
    assert page.edit_button.isEnabled() and page.keys_button.isEnabled()
    page.close()


async def test_render_users_page(backend, fake_clock, tmp_path: Path) -> None:
    """Renders the page with realistic data, for a person to look at."""
    for index, (name, email, phone, balance) in enumerate(DEMO_USERS):
        fake_clock.advance(days=3 + index * 5, hours=index)
        accounts.add_user(name, email, phone=phone or None)
        if balance != "0":
            recharges.recharge(name, parse_amount(balance))
    accounts.set_status("bob.smith", "disabled")
    page = await shown_page(backend)
    page.resize(1000, 380)
    pick(page, "chen-jie")
    out = Path(os.environ.get("GUI_SHOTS_DIR", tmp_path))
    assert grab(page, out / "users_page.png").stat().st_size > 0
    page.search.setText("zh")
    page.flush_search()
    await settle_page(page)
    grab(page, out / "users_page_search.png")
    pick(page, "zhang.wei")
    page.edit_button.click()
    dialog = await dialog_of(page, UserEditDialog)
    grab(dialog, out / "user_edit.png")
    dialog.email.setText("zhang.wei@")
    dialog.save_button().click()
    await dialog.idle()
    grab(dialog, out / "user_edit_error.png")
    dialog.reject()
    page.spawn(page.add_user())
    dialog = await dialog_of(page, UserEditDialog)
    grab(dialog, out / "user_add.png")
    dialog.reject()
    await settle_page(page)
    page.spawn(page.delete_user("liu.yang"))
    box = await dialog_of(page, QMessageBox)
    grab(box, out / "user_delete_box.png")
    box.reject()
    await settle_page(page)
    assert accounts.get_user("liu.yang").status == "active"
    page.close()


async def test_a_negative_balance_is_marked_and_red(backend) -> None:
    """A request that cost more than its hold can leave a balance below zero: it reads
    "-0.000002" in the same red as on the Balances page."""
    from app import ledger
    from gui.tables import NEGATIVE

    user = accounts.add_user("overrun", "overrun@example.com")
    ledger.post(user.id, ledger.Kind.CHARGE, -2, allow_negative=True)
    page = await shown_page(backend)
    index = page.table.model().index(0, page.model.BALANCE)
    assert index.data() == "-0.000002"
    assert index.data(Qt.ItemDataRole.ForegroundRole) == NEGATIVE
    page.close()
