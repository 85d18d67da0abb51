"""Groups page, the user dialog's group choice and the Users page's Group column, driven
through their widgets; every check reads the groups service's state."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app import accounts, groups
from gui.dialogs.group_edit import GroupEditDialog
from gui.dialogs.user_edit import UserEditDialog
from gui.pages.groups import GroupsPage
from gui.pages.registry import all_pages
from gui.pages.users import UsersPage
from tests.app.support import unchanged
from tests.gui.conftest import grab, settle_page, track, until

pytestmark = pytest.mark.usefixtures("tracked_pages")


async def shown_page(backend, kind: type = GroupsPage):  # type: ignore[no-untyped-def]
    page = track(kind(backend))
    page.resize(900, 420)
    page.show()
    await settle_page(page)
    return page


async def open_dialog(page, button):  # type: ignore[no-untyped-def]
    page.last_dialog = None
    assert button.isEnabled()
    button.click()
    await until(lambda: page.last_dialog is not None and page.last_dialog.isVisible())
    return page.last_dialog


def rows(page: GroupsPage) -> list[list[str]]:
    model = page.view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


@pytest.fixture
def staffed(sqlite_db) -> None:
    groups.add_group("staff", multiplier="0.8", models=["deepseek-chat", "qwen-max"],
                     description="the lab")
    accounts.add_user("zhang.wei", "zhang.wei@qq.com", group="staff")
    accounts.add_user("li_na", "li.na@qq.com")


async def test_the_page_comes_right_after_users() -> None:
    assert all_pages()[1:3] == [UsersPage, GroupsPage]


async def test_groups_are_listed_with_multiplier_models_and_users(backend, staffed) -> None:
    page = await shown_page(backend)
    assert rows(page) == [
        ["default", "1", "All priced models", "1", ""],
        ["staff", "0.8", "deepseek-chat, qwen-max", "1", "the lab"]]
    assert page.select_group("default")
    assert page.edit_button.isEnabled() and not page.remove_button.isEnabled()
    accounts.add_user("wang.fang", "wang.fang@163.com", group="staff")
    backend.changed.emit("users")  # what the Users page says after adding someone
    await settle_page(page)
    assert rows(page)[1][3] == "2"


async def test_add_a_group(backend, sqlite_db) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.add_button)
    assert isinstance(dialog, GroupEditDialog) and dialog.multiplier.text() == "1"
    dialog.name.setText("guests")
    dialog.multiplier.setText("1.333333")
    dialog.models.setText("glm-4-flash, , qwen-turbo")
    dialog.description.setText("visitors")
    dialog.ok_button.click()
    await settle_page(page)
    guests = groups.get_group("guests")
    assert (guests.multiplier_ppm, guests.models, guests.description) == (
        1_333_333, ["glm-4-flash", "qwen-turbo"], "visitors")
    assert page.selected_group().name == "guests"
    assert rows(page)[1][:3] == ["guests", "1.333333", "glm-4-flash, qwen-turbo"]


async def test_edit_a_group(backend, staffed) -> None:
    page = await shown_page(backend)
    assert page.select_group("staff")
    dialog = await open_dialog(page, page.edit_button)
    assert (dialog.name.text(), dialog.multiplier.text(), dialog.models.text(),
            dialog.description.text()) == ("staff", "0.8", "deepseek-chat, qwen-max", "the lab")
    dialog.multiplier.setText("1.25")
    dialog.models.setText("")
    dialog.ok_button.click()
    await settle_page(page)
    staff = groups.get_group("staff")
    assert (staff.multiplier_ppm, staff.models) == (1_250_000, None)
    assert page.select_group("default")
    dialog = await open_dialog(page, page.edit_button)
    assert dialog.name.isReadOnly()  # "default" keeps its name
    dialog.reject()
    await settle_page(page)


@pytest.mark.parametrize(("field", "text", "message"), [
    ("multiplier", "0.1234567", "more than 6 decimal places"),
    ("multiplier", "-1", "must not be negative"),
    ("multiplier", "abc", "not a number"),
    ("name", "has space", "group name must be"),
    ("models", "has space", "invalid model name"),
])
async def test_bad_group_text_is_shown_and_changes_nothing(backend, staffed, field, text,
                                                           message) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.add_button)
    dialog.name.setText("guests")
    getattr(dialog, field).setText(text)
    with unchanged():
        dialog.ok_button.click()
        await until(lambda: dialog.isVisible() and dialog.message.isVisible())
        assert message in dialog.message.text().lower()
        dialog.reject()
        await settle_page(page)


async def test_remove_asks_first_and_a_group_with_users_stays(backend, staffed) -> None:
    groups.add_group("empty")
    page = await shown_page(backend)
    assert page.select_group("staff")
    box = await open_dialog(page, page.remove_button)
    [confirm] = [b for b in box.buttons()
                 if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    confirm.click()
    refused = await until_box(page, box)
    assert "still has 1 user" in refused.text()
    refused.button(QMessageBox.StandardButton.Ok).click()
    await settle_page(page)
    assert groups.get_group("staff") is not None
    assert page.select_group("empty")
    box = await open_dialog(page, page.remove_button)
    [confirm] = [b for b in box.buttons()
                 if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    confirm.click()
    await settle_page(page)
    assert [r[0] for r in rows(page)] == ["default", "staff"]


async def until_box(page: GroupsPage, previous: QMessageBox) -> QMessageBox:
    await until(lambda: page.last_dialog is not previous and page.last_dialog is not None
                and page.last_dialog.isVisible())
    box = page.last_dialog
    assert isinstance(box, QMessageBox)
    return box


async def test_a_new_user_is_put_in_the_chosen_group(backend, staffed) -> None:
    page = await shown_page(backend, UsersPage)
    page.add_button.click()
    await until(lambda: isinstance(page.last_dialog, UserEditDialog)
                and page.last_dialog.isVisible())
    dialog = page.last_dialog
    await until(lambda: dialog.group.count() == 2)
    assert [dialog.group.itemText(i) for i in range(2)] == ["default", "staff"]
    assert dialog.group.currentText() == "default"
    dialog.username.setText("wang.fang")
    dialog.email.setText("wang.fang@163.com")
    dialog.group.setCurrentText("staff")
    dialog.save_button().click()
    await dialog.idle()
    await settle_page(page)
    assert groups.group_name(accounts.get_user("wang.fang")) == "staff"


async def test_editing_a_user_shows_and_changes_their_group(backend, staffed) -> None:
    page = await shown_page(backend, UsersPage)
    group_column = page.model.columnCount() - 1
    assert page.model.headerData(group_column, Qt.Orientation.Horizontal) == "Group"
    proxy = page.table.model()
    shown = {proxy.index(r, 0).data(): proxy.index(r, group_column).data()
             for r in range(proxy.rowCount())}
    assert shown == {"li_na": "default", "zhang.wei": "staff"}
    edited = page.spawn(page.edit_user("zhang.wei"))
    await until(lambda: isinstance(page.last_dialog, UserEditDialog)
                and page.last_dialog.isVisible())
    dialog = page.last_dialog
    await until(lambda: dialog.group.count() == 2)
    assert dialog.group.currentText() == "staff"
    dialog.group.setCurrentText("default")
    dialog.save_button().click()
    await dialog.idle()
    await edited
    await settle_page(page)
    assert groups.group_name(accounts.get_user("zhang.wei")) == "default"
    assert proxy.index(1, group_column).data() == "default"


async def test_render(backend, staffed, tmp_path) -> None:
    """For looking at: groups_page.png and group_dialog.png."""
    groups.add_group("guests", multiplier="1.25", description="visitors, pay as you go")
    groups.add_group("free", multiplier="0", models=["glm-4-flash"], description="trial")
    shots = Path(os.environ.get("GUI_SHOTS_DIR", tmp_path))
    page = await shown_page(backend)
    page.resize(990, 460)
    assert page.select_group("staff")
    assert grab(page, shots / "groups_page.png").stat().st_size > 0
    dialog = await open_dialog(page, page.edit_button)
    grab(dialog, shots / "group_dialog.png")
    dialog.reject()
    await settle_page(page)
