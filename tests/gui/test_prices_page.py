"""Prices page, driven through its widgets; every check reads the pricing service's state."""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app import pricing, settings
from app.pricing import Price
from gui.dialogs.price_edit import PriceEditDialog
from gui.pages.prices import PricesPage
from tests.app.support import unchanged
from tests.gui.conftest import grab, settle_page, track, until

pytestmark = pytest.mark.usefixtures("tracked_pages")


def new_page(backend) -> PricesPage:  # type: ignore[no-untyped-def]
    return track(PricesPage(backend))


async def shown_page(backend) -> PricesPage:  # type: ignore[no-untyped-def]
    page = new_page(backend)
    page.resize(900, 420)
    page.show()
    await settle_page(page)
    return page


async def open_dialog(page: PricesPage, button):  # type: ignore[no-untyped-def]
    page.last_dialog = None
    assert button.isEnabled()
    button.click()
    await until(lambda: page.last_dialog is not None and page.last_dialog.isVisible())
    return page.last_dialog


def rows(page: PricesPage) -> list[list[str]]:
    model = page.view.model()
    return [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]


def select(page: PricesPage, model: str) -> None:
    assert page.select_model(model)


@pytest.fixture
def priced(sqlite_db, fake_clock) -> None:
    pricing.set_price("glm-4-plus", "50", "50")
    pricing.set_price("deepseek-chat", "2", "8", "0.5")


async def test_add_price_cached_defaults_to_input(backend, sqlite_db, fake_clock) -> None:
    page = await shown_page(backend)
    assert rows(page) == [] and not page.edit_button.isEnabled()
    dialog = await open_dialog(page, page.add_button)
    assert isinstance(dialog, PriceEditDialog) and not dialog.model.isReadOnly()
    dialog.model.setText("qwen-max")
    dialog.input.setText("2.4")
    dialog.output.setText("9.6")
    dialog.ok_button.click()
    await settle_page(page)
    assert pricing.get_price("qwen-max") == Price(2_400_000, 2_400_000, 9_600_000)
    assert rows(page) == [["qwen-max", "2.400000", "2.400000", "9.600000"]]  # prices: 6 places


async def test_edit_price(backend, priced) -> None:
    page = await shown_page(backend)
    assert rows(page) == [["deepseek-chat", "2.000000", "0.500000", "8.000000"],
                          ["glm-4-plus", "50.000000", "50.000000", "50.000000"]]
    select(page, "glm-4-plus")
    dialog = await open_dialog(page, page.edit_button)
    assert dialog.model.text() == "glm-4-plus" and dialog.model.isReadOnly()
    assert (dialog.input.text(), dialog.cached.text(), dialog.output.text()) == (
        "50.00", "50.00", "50.00")
    assert dialog.max_output.text() == "default"
    dialog.input.setText("5")
    dialog.cached.setText("0.000001")
    dialog.output.setText("5")
    dialog.max_output.setValue(8192)
    dialog.ok_button.click()
    await settle_page(page)
    assert pricing.get_price("glm-4-plus") == Price(5_000_000, 1, 5_000_000, 8192)
    assert rows(page)[1][:4] == ["glm-4-plus", "5.000000", "0.000001", "5.000000"]
    assert page.selected_price().model == "glm-4-plus"  # still selected after the reload
    dialog = await open_dialog(page, page.edit_button)
    assert dialog.max_output.value() == 8192
    dialog.max_output.setValue(0)  # back to the default_max_tokens setting
    dialog.ok_button.click()
    await settle_page(page)
    assert pricing.get_price("glm-4-plus").max_output_tokens is None


@pytest.mark.parametrize(("field", "text", "message"), [
    ("input", "abc", "Input price is not a number: 'abc' (write it like 12.50)"),
    ("input", "", "Input price is required"),
    ("output", "1.1234567", "Output price has more than 6 decimal places: 1.1234567"),
    ("cached", "-1", "Cached input price cannot be negative"),
    ("model", "has space",
     "Model name 'has space' is not valid: use 1-128 characters without spaces"),
])
async def test_bad_price_text_changes_nothing(backend, priced, field, text, message) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.add_button)
    dialog.model.setText("new-model")
    dialog.input.setText("1")
    dialog.output.setText("2")
    getattr(dialog, field).setText(text)
    with unchanged():
        dialog.ok_button.click()
        await until(lambda: dialog.isVisible() and dialog.message.isVisible())
        assert dialog.message.text() == message
        dialog.reject()
        await settle_page(page)
    assert pricing.get_price("new-model") is None


async def test_remove_asks_first(backend, priced) -> None:
    page = await shown_page(backend)
    select(page, "deepseek-chat")
    box = await open_dialog(page, page.remove_button)
    assert isinstance(box, QMessageBox) and "deepseek-chat" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    await settle_page(page)
    assert pricing.get_price("deepseek-chat") is not None
    select(page, "deepseek-chat")
    box = await open_dialog(page, page.remove_button)
    [confirm] = [b for b in box.buttons() if box.buttonRole(b) ==
                 QMessageBox.ButtonRole.DestructiveRole]
    confirm.click()
    await settle_page(page)
    assert pricing.get_price("deepseek-chat") is None
    assert [r[0] for r in rows(page)] == ["glm-4-plus"]
    assert not page.remove_button.isEnabled()


async def test_shortcuts_and_currency_hint(backend, priced) -> None:
    page = await shown_page(backend)
    assert "CNY per 1,000,000 tokens" in page.hint.text()
    keys = {a.shortcut().toString(): a for a in page.actions()}
    assert {"Ctrl+N", "F2", "Del", "F5"} <= set(keys)
    keys["Ctrl+N"].trigger()
    await until(lambda: isinstance(page.last_dialog, PriceEditDialog)
                and page.last_dialog.isVisible())
    page.last_dialog.reject()
    await settle_page(page)
    settings.set("currency", "usd")
    backend.changed.emit("settings")
    await settle_page(page)
    assert "USD per 1,000,000 tokens" in page.hint.text()


DEMO = [  # model, input, output, cached (CNY per 1M tokens)
    ("deepseek-chat", "2", "8", "0.5"), ("deepseek-reasoner", "4", "16", "1"),
    ("glm-4-plus", "5", "5", None), ("glm-4-flash", "0", "0", None),
    ("qwen-max", "2.4", "9.6", "0.96"), ("qwen-turbo", "0.3", "0.6", "0.12"),
    ("qwen-plus-2025-07-28", "0.8", "8", "0.16"), ("gpt-4o-mini", "1.1", "4.4", "0.55"),
]


async def test_render(backend, sqlite_db, fake_clock, tmp_path) -> None:
    """For looking at: prices_page.png and price_dialog.png."""
    for model, inp, out, cached in DEMO:
        fake_clock.advance(hours=5, minutes=13)
        pricing.set_price(model, inp, out, cached)
    shots = Path(os.environ.get("GUI_SHOTS_DIR", tmp_path))
    page = new_page(backend)
    page.resize(990, 460)
    page.show()
    await settle_page(page)
    select(page, "qwen-max")
    assert grab(page, shots / "prices_page.png").stat().st_size > 0
    dialog = await open_dialog(page, page.edit_button)
    grab(dialog, shots / "price_dialog.png")
    dialog.output.setText("1.1234567")
    dialog.ok_button.click()
    await until(lambda: dialog.isVisible() and dialog.message.isVisible())
    grab(dialog, shots / "price_dialog_refused.png")
    dialog.reject()
    await settle_page(page)
