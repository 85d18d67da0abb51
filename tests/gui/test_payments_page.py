"""Payments page: gateway settings saved (the key into the keyring, never shown), the Test
button against the simulators, and the orders list with a refund; every check reads the
services' state."""

import pytest

from app import accounts, keystore, settings
from app.payments import gateways, orders
from app.payments.epay import Notice
from gui.dialogs.payments import OrderRefundDialog
from gui.pages.payments import PaymentsPage
from gui.pages.registry import all_pages
from tests.gui.conftest import settle_page, track, until
from tests.helpers.gateways import EpaySimulator, HupijiaoSimulator

pytestmark = pytest.mark.usefixtures("tracked_pages")


@pytest.fixture
def no_gateway_keys(real_keyring):  # type: ignore[no-untyped-def]
    """The Secret Service lives for the session: start without keys earlier tests stored."""
    for name in gateways.GATEWAYS:
        keystore.delete_secret(gateways.SECRET_KIND, name)
    return real_keyring


async def shown_page(backend):  # type: ignore[no-untyped-def]
    page = track(PaymentsPage(backend))
    page.resize(1000, 600)
    page.show()
    await settle_page(page)
    return page


def column(view, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    model = view.model()
    return [model.index(r, col).data() for r in range(model.rowCount())]


async def test_settings_are_saved_and_gateways_tested(backend, sqlite_db,
                                                      no_gateway_keys) -> None:
    assert PaymentsPage in all_pages()
    async with EpaySimulator() as epay_sim, HupijiaoSimulator() as hpj_sim:
        page = await shown_page(backend)
        assert page.epay.key.placeholderText() == "not set"
        page.epay.url.setText(epay_sim.url)
        page.epay.merchant_id.setText(epay_sim.pid)
        page.epay.key.setText(epay_sim.key)
        page.hupijiao.url.setText(hpj_sim.url)
        page.hupijiao.merchant_id.setText(hpj_sim.appid)
        page.hupijiao.key.setText(hpj_sim.secret)
        page.public_base_url.setText("https://relay.example.com/")
        page.expiry.setValue(45)
        assert await page.save()
        assert settings.get("payments_epay_url") == epay_sim.url
        assert settings.get("public_base_url") == "https://relay.example.com"
        assert settings.get("payments_order_expiry_minutes") == 45
        assert keystore.get_secret("payment", "epay") == epay_sim.key
        assert gateways.available() == ["epay", "hupijiao"]
        await settle_page(page)
        assert page.epay.key.text() == "" and "keyring" in page.epay.key.placeholderText()
        assert epay_sim.key not in str(settings.all_settings())
        assert await page.test_gateway("epay")
        assert "answered" in page.epay.result.text() and epay_sim.queries == 1
        assert await page.test_gateway("hupijiao")
        assert "signature verified" in page.hupijiao.result.text() and hpj_sim.queries == 1
    assert not (await page.test_gateway("epay"))  # the simulator is gone
    assert "did not answer" in page.epay.result.text()
    assert not epay_sim.errors and not hpj_sim.errors


async def test_a_bad_address_changes_nothing(backend, sqlite_db, no_gateway_keys) -> None:
    page = await shown_page(backend)
    page.epay.url.setText("ftp://pay.example")
    page.epay.key.setText("never-stored-key-1")
    page.expiry.setValue(60)
    page.spawn(page.save())
    await until(lambda: page.last_dialog is not None and page.last_dialog.isVisible())
    page.last_dialog.accept()
    await page.idle()
    assert settings.get("payments_epay_url") == ""
    assert settings.get("payments_order_expiry_minutes") == 30
    assert keystore.get_secret("payment", "epay") is None


async def test_orders_list_and_refund(backend, sqlite_db, real_keyring) -> None:
    settings.set("payments_epay_url", "https://pay.example")
    settings.set("payments_epay_pid", "1001")
    gateways.set_key("epay", "gui-test-key-3c")
    user = accounts.add_user("ann", "ann@example.com")
    paid = orders.create_order(user.id, 8_000_000, "epay")
    orders.confirm("epay", Notice(paid.order_no, "TN77", 8_000_000, True, "1001"), "1001",
                   source="notify")
    pending = orders.create_order(user.id, 1_000_000, "epay")
    page = await shown_page(backend)
    assert sorted(column(page.orders_view, 0)) == sorted([paid.order_no, pending.order_no])
    assert "TN77" in column(page.orders_view, 5)
    page.status_filter.setCurrentIndex(page.status_filter.findData("pending"))
    page.status_filter.activated.emit(page.status_filter.currentIndex())
    await until(lambda: column(page.orders_view, 0) == [pending.order_no])
    page.orders_view.selectRow(0)
    assert not page.refund_button.isEnabled()  # nothing paid to refund
    page.status_filter.setCurrentIndex(page.status_filter.findData("paid"))
    page.status_filter.activated.emit(page.status_filter.currentIndex())
    await until(lambda: column(page.orders_view, 0) == [paid.order_no])
    page.orders_view.selectRow(0)
    assert page.refund_button.isEnabled()
    page.refund_button.click()
    await until(lambda: isinstance(page.last_dialog, OrderRefundDialog)
                and page.last_dialog.isVisible())
    dialog = page.last_dialog
    dialog.amount.setText("99")
    dialog.accept()
    await until(lambda: dialog.message.isVisible())  # more than was paid: refused, stays open
    dialog.amount.setText("3")
    dialog.note.setText("asked by phone")
    dialog.accept()
    await page.idle()
    record = orders.get_order(paid.order_no)
    assert (record.status, record.refunded_micros) == ("partially_refunded", 3_000_000)
    assert accounts.get_user("ann").balance_micros == 5_000_000
