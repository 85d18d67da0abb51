"""Codes page, driven through its widgets: generate (the codes shown once, copied and saved as
CSV), the list with each code's state, disabling, and refusals shown in the dialog; every
check reads the redemption service's state."""

import csv
import io
import stat
from datetime import timedelta

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QMessageBox

from app import accounts, clock, redemption
from app.models import RedemptionCode
from gui.dialogs.codes import CodesCreatedDialog, GenerateCodesDialog
from gui.pages.codes import CodesPage
from gui.pages.registry import all_pages
from tests.app.support import unchanged
from tests.gui.conftest import settle_page, track, until
from tests.gui.test_portal_page import column, confirm, next_dialog, open_dialog

pytestmark = pytest.mark.usefixtures("tracked_pages")


async def shown_page(backend) -> CodesPage:  # type: ignore[no-untyped-def]
    page = track(CodesPage(backend))
    page.resize(1000, 480)
    page.show()
    await settle_page(page)
    return page


def test_the_page_is_listed() -> None:
    assert CodesPage in all_pages()


async def test_generate_shows_the_codes_once_copies_and_saves_them(backend, sqlite_db,
                                                                   tmp_path) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.generate_button)
    assert isinstance(dialog, GenerateCodesDialog)
    dialog.count.setValue(3)
    dialog.amount.setText("12.50")
    dialog.expires.setChecked(True)
    dialog.note.setText("fair")
    dialog.ok_button.click()
    shown = await next_dialog(page, dialog)
    assert isinstance(shown, CodesCreatedDialog)
    codes = shown.text.toPlainText().splitlines()
    assert len(set(codes)) == 3
    shown.copy_button.click()
    assert QGuiApplication.clipboard().text().splitlines() == codes
    target = tmp_path / "codes.csv"
    shown.save_button.click()
    await until(lambda: shown.picker is not None and shown.picker.isVisible())
    assert shown.picker is not None
    shown.picker.findChild(QLineEdit, "fileNameEdit").setText(str(target))  # as if typed
    shown.picker.accept()
    await until(lambda: shown.saved_to == target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r[0] for r in rows[1:]] == codes and {r[1] for r in rows[1:]} == {"12.50"}
    shown.accept()
    assert shown.text.toPlainText() == ""  # not left in a widget
    await settle_page(page)
    rows_stored = redemption.list_codes()
    assert {r.code_hash for r in rows_stored} == {redemption.hash_code(c) for c in codes}
    assert {(r.amount_micros, r.note) for r in rows_stored} == {(12_500_000, "fair")}
    now = clock.now()
    assert all(now + timedelta(days=29) < r.expires_at < now + timedelta(days=32)
               for r in rows_stored)
    assert column(page.view, 2) == ["Active"] * 3
    assert all(c not in column(page.view, 0) for c in codes)


@pytest.mark.parametrize(("amount", "message"), [("", "Amount is required"), ("0", "zero"),
                                                 ("1.0000001", "6 decimal places")])
async def test_a_refused_amount_is_shown_and_changes_nothing(backend, sqlite_db, amount,
                                                             message) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.generate_button)
    dialog.amount.setText(amount)
    with unchanged():
        dialog.ok_button.click()
        await until(lambda: dialog.message.isVisible())
        assert message in dialog.message.text()
        dialog.reject()
        await settle_page(page)


async def test_states_and_disabling(backend, sqlite_db, fake_clock) -> None:
    used, active, old = redemption.generate(3, 1_000_000)
    ann = accounts.add_user("ann", "ann@example.com")
    redemption.redeem(ann.id, used.code)
    expiring = redemption.generate(1, 2_000_000, expires_at=clock.now() + timedelta(hours=1))
    fake_clock.advance(hours=2)
    page = await shown_page(backend)
    states = dict(zip(column(page.view, 0), column(page.view, 2), strict=True))
    assert states == {used.row.prefix: "Used", active.row.prefix: "Active",
                      old.row.prefix: "Active", expiring[0].row.prefix: "Expired"}
    assert dict(zip(column(page.view, 0), column(page.view, 4), strict=True))[
        used.row.prefix] == "ann"
    page.view.selectRow(column(page.view, 0).index(used.row.prefix))
    assert not page.disable_button.isEnabled()  # a used code is the user's money
    page.view.selectRow(column(page.view, 0).index(active.row.prefix))
    box = await open_dialog(page, page.disable_button)
    box.button(QMessageBox.StandardButton.Cancel).click()
    await settle_page(page)
    assert RedemptionCode.get_by_id(active.row.id).status == "active"
    page.view.selectRow(column(page.view, 0).index(active.row.prefix))
    box = await open_dialog(page, page.disable_button)
    confirm(box)
    await settle_page(page)
    assert RedemptionCode.get_by_id(active.row.id).status == "disabled"
    page.status.setCurrentIndex(page.status.findData("disabled"))
    await page.reload()
    assert column(page.view, 0) == [active.row.prefix]


async def test_disabling_a_code_gone_meanwhile_is_refused(backend, sqlite_db) -> None:
    [item] = redemption.generate(1, 1_000_000)
    page = await shown_page(backend)
    page.view.selectRow(0)
    RedemptionCode.delete().execute()  # gone behind the page's back: an unknown ID
    box = await open_dialog(page, page.disable_button)
    confirm(box)
    warning = await next_dialog(page, box)
    assert f"no redemption code with ID {item.row.id}" in warning.text()
    warning.accept()
    await settle_page(page)
    assert column(page.view, 0) == []
