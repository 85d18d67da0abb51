"""Balances & recharges page, driven through its widgets; every check reads the service state."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog

from app import accounts, ledger, recharges, settings
from app.ledger import Kind
from app.models import RechargeRecord
from app.money import parse_amount
from gui.dialogs.adjust import AdjustDialog
from gui.dialogs.recharge import RechargeDialog
from gui.dialogs.refund import RefundDialog
from gui.pages import balances
from gui.pages.balances import BalancesPage
from tests.app.support import unchanged
from tests.gui.conftest import grab, settle_page, track, until

pytestmark = pytest.mark.usefixtures("tracked_pages")


def new_page(backend) -> BalancesPage:  # type: ignore[no-untyped-def]
    return track(BalancesPage(backend))


async def shown_page(backend) -> BalancesPage:  # type: ignore[no-untyped-def]
    page = new_page(backend)
    page.resize(1000, 700)
    page.show()
    await settle_page(page)
    return page


async def open_dialog(page: BalancesPage, button) -> QDialog:  # type: ignore[no-untyped-def]
    """Click ``button`` and wait for the dialog it opens."""
    page.last_dialog = None
    assert button.isEnabled()
    button.click()
    await until(lambda: page.last_dialog is not None and page.last_dialog.isVisible())
    assert page.last_dialog is not None
    return page.last_dialog


async def refused(page: BalancesPage, dialog) -> str:  # type: ignore[no-untyped-def]
    """Click OK and wait for the dialog to come back with the service's refusal."""
    dialog.ok_button.click()
    await until(lambda: dialog.isVisible() and dialog.message.isVisible())
    return str(dialog.message.text())


def balance(name: str) -> int:
    return accounts.get_user(name).balance_micros


def column(view, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    model = view.model()
    return [model.index(r, col).data() for r in range(model.rowCount())]


def select_record(page: BalancesPage, order_no: str) -> None:
    row = column(page.records_view, 0).index(order_no)
    page.records_view.selectRow(row)


@pytest.fixture
def people(sqlite_db, fake_clock) -> None:
    for name in ("alice", "bob", "carol"):
        accounts.add_user(name, f"{name}@example.com")


async def test_recharge_credits_balance_and_shows_order_number(backend, people) -> None:
    page = await shown_page(backend)
    assert page.select_user("bob")
    await settle_page(page)
    dialog = await open_dialog(page, page.recharge_button)
    assert isinstance(dialog, RechargeDialog)
    assert dialog.username() == "bob"  # the selected user is preselected
    dialog.amount.setText("100.50")
    dialog.method.setCurrentIndex(dialog.method.findData("alipay"))
    dialog.note.setText("receipt 42")
    dialog.ok_button.click()
    await settle_page(page)

    record = RechargeRecord.get()
    assert (record.user.username, record.amount_micros, record.method, record.note) == (
        "bob", 100_500_000, "alipay", "receipt 42")
    assert balance("bob") == 100_500_000
    [entry] = ledger.entries(accounts.get_user("bob").id)
    assert (entry.kind, entry.amount_micros, entry.ref) == ("recharge", 100_500_000,
                                                            record.order_no)
    assert page.last_notice is not None and record.order_no in page.last_notice.text()
    assert record.order_no in page.notice.text()
    # the page reloaded: bob's balance, his ledger and the new record are shown
    assert column(page.users_view, 1) == ["0.00", "100.50", "0.00"]
    assert column(page.ledger_view, 1) == ["Recharge"]
    assert column(page.records_view, 0) == [record.order_no]
    assert "Alipay" in column(page.records_view, 3)
    page.last_notice.accept()


async def test_recharge_refusal_keeps_the_dialog_open(backend, people) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.recharge_button)
    for text, message in (("abc", "Amount is not a number"), ("0", "Amount must not be zero"),
                          ("-5", "Amount must be positive"), ("", "Amount is required"),
                          ("1.1234567", "Amount has more than 6 decimal")):
        dialog.amount.setText(text)
        with unchanged():
            assert message in await refused(page, dialog)
    dialog.reject()
    await settle_page(page)
    assert RechargeRecord.select().count() == 0


async def test_shortcuts(backend, people) -> None:
    page = await shown_page(backend)
    keys = {a.shortcut().toString(): a for a in page.actions()}
    assert {"Ctrl+Shift+R", "Ctrl+Shift+U", "Ctrl+Shift+A", "F5", "Ctrl+F"} <= set(keys)
    assert QKeySequence("Ctrl+R").toString() not in keys  # Restart relay in the main window
    keys["Ctrl+Shift+R"].trigger()
    await until(lambda: isinstance(page.last_dialog, RechargeDialog)
                and page.last_dialog.isVisible())
    page.last_dialog.reject()
    await settle_page(page)
    keys["Ctrl+F"].trigger()
    assert page.search.hasFocus() or page.focusWidget() is page.search


async def test_refund_part_then_whole(backend, people) -> None:
    order = recharges.recharge("alice", 100_000_000, method="cash").order_no
    page = await shown_page(backend)
    assert not page.refund_button.isEnabled()  # nothing selected
    select_record(page, order)
    dialog = await open_dialog(page, page.refund_button)
    assert isinstance(dialog, RefundDialog)
    assert dialog.amount.text() == "100.00"  # the refundable remainder
    dialog.amount.setText("30")
    dialog.note.setText("returned unused credit")
    dialog.ok_button.click()
    await settle_page(page)
    record = recharges.get_recharge(order)
    assert (record.status, record.refunded_micros, record.note) == (
        "partially_refunded", 30_000_000, "returned unused credit")
    assert balance("alice") == 70_000_000
    assert column(page.records_view, 4) == ["Partly refunded"]

    select_record(page, order)
    dialog = await open_dialog(page, page.refund_button)
    assert dialog.amount.text() == "70.00"
    dialog.ok_button.click()
    await settle_page(page)
    record = recharges.get_recharge(order)
    assert (record.status, record.refunded_micros) == ("refunded", 100_000_000)
    assert balance("alice") == 0
    kinds = [(e.kind, e.amount_micros) for e in ledger.entries(accounts.get_user("alice").id)]
    assert kinds == [("refund", -70_000_000), ("refund", -30_000_000), ("recharge", 100_000_000)]
    select_record(page, order)
    assert not page.refund_button.isEnabled()  # nothing left to give back


async def test_refund_beyond_refundable_changes_nothing(backend, people) -> None:
    order = recharges.recharge("alice", 50_000_000).order_no
    recharges.refund(order, 20_000_000)
    page = await shown_page(backend)
    select_record(page, order)
    dialog = await open_dialog(page, page.refund_button)
    assert dialog.amount.text() == "30.00"
    dialog.amount.setText("30.01")
    with unchanged():
        message = await refused(page, dialog)
        assert message == (f"The refund of 30.01 is more than the 30.00 of {order} that can "
                           "still be refunded")
        dialog.reject()
        await settle_page(page)
    assert recharges.get_recharge(order).refunded_micros == 20_000_000


async def test_refund_is_refused_when_the_money_was_spent(backend, people) -> None:
    order = recharges.recharge("alice", 10_000_000).order_no
    user = accounts.get_user("alice")
    ledger.post(user.id, Kind.CHARGE, -9_000_000, ref="req-1", actor="relay")
    page = await shown_page(backend)
    select_record(page, order)
    dialog = await open_dialog(page, page.refund_button)
    with unchanged():
        assert "cannot cover this charge of 10.00" in await refused(page, dialog)
        dialog.reject()
        await settle_page(page)


async def test_adjust_needs_a_reason(backend, people) -> None:
    recharges.recharge("carol", 10_000_000)
    page = await shown_page(backend)
    assert page.select_user("carol")
    await settle_page(page)
    dialog = await open_dialog(page, page.adjust_button)
    assert isinstance(dialog, AdjustDialog)
    assert dialog.username() == "carol" and dialog.balance.text() == "10.00 CNY"
    dialog.amount.setText("-2.5")
    with unchanged():
        assert await refused(page, dialog) == ("Reason is required: the ledger keeps why each "
                                               "adjustment was made")
    dialog.reason.setText("request failed upstream, charged twice")
    dialog.ok_button.click()
    await settle_page(page)
    assert balance("carol") == 7_500_000
    entry = ledger.entries(accounts.get_user("carol").id)[0]
    assert (entry.kind, entry.amount_micros, entry.reason, entry.actor) == (
        "adjustment", -2_500_000, "request failed upstream, charged twice", "admin")
    assert column(page.ledger_view, 2)[0] == "-2.50"
    assert "now 7.50 CNY" in page.notice.text()


async def test_adjust_below_zero_is_refused(backend, people) -> None:
    page = await shown_page(backend)
    dialog = await open_dialog(page, page.adjust_button)
    dialog.user.setCurrentText("bob")
    dialog.amount.setText("-1")
    dialog.reason.setText("typo")
    with unchanged():
        assert "cannot cover this charge of 1.00" in await refused(page, dialog)
    dialog.reject()
    await settle_page(page)


@pytest.fixture
def orders(people, fake_clock) -> dict[str, str]:
    """June 1: alice 100, bob 50.50 (all refunded). June 3: alice 20, carol 10 (4 refunded)."""
    made = {"alice1": recharges.recharge("alice", 100_000_000, method="cash").order_no}
    made["bob"] = recharges.recharge("bob", 50_500_000, method="alipay").order_no
    recharges.refund(made["bob"])
    fake_clock.advance(days=2)
    made["alice2"] = recharges.recharge("alice", 20_000_000).order_no
    made["carol"] = recharges.recharge("carol", 10_000_000, method="wechat").order_no
    recharges.refund(made["carol"], 4_000_000)
    return made


async def choose(page: BalancesPage, combo, data: object) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))
    await settle_page(page)


async def test_filters_narrow_records_and_totals(backend, orders) -> None:
    page = await shown_page(backend)
    assert column(page.records_view, 0) == [orders[k] for k in ("carol", "alice2", "bob",
                                                               "alice1")]
    # 100 + 50.50 + 20 + 10 = 180.50 recharged; 50.50 + 4 = 54.50 refunded
    assert page.totals.text() == ("4 of 4 records shown. Recharged 180.50 CNY, refunded "
                                  "54.50 CNY, net 126.00 CNY.")
    await choose(page, page.filters.user, "alice")
    assert column(page.records_view, 0) == [orders["alice2"], orders["alice1"]]
    assert "Recharged 120.00 CNY, refunded 0.00 CNY, net 120.00 CNY" in page.totals.text()
    await choose(page, page.filters.user, None)
    await choose(page, page.filters.status, "refunded")
    assert column(page.records_view, 0) == [orders["bob"]]
    assert "Recharged 50.50 CNY, refunded 50.50 CNY, net 0.00 CNY" in page.totals.text()
    await choose(page, page.filters.status, None)
    page.filters.set_range(date(2026, 6, 3), date(2026, 6, 3))
    await settle_page(page)
    assert column(page.records_view, 0) == [orders["carol"], orders["alice2"]]
    assert page.totals.text() == ("2 of 2 records shown. Recharged 30.00 CNY, refunded "
                                  "4.00 CNY, net 26.00 CNY.")
    page.filters.set_range(date(2026, 6, 2), date(2026, 6, 1))
    await settle_page(page)
    assert column(page.records_view, 0) == []
    assert page.totals.text() == "The end of the date range must be after its start"
    await choose(page, page.filters.period, "all")
    assert len(column(page.records_view, 0)) == 4


async def test_period_choices(backend, people) -> None:
    page = await shown_page(backend)
    filters, today = page.filters, date(2026, 6, 15)
    expected = {"all": (None, None), "today": (today, today),
                "7d": (date(2026, 6, 9), today), "30d": (date(2026, 5, 17), today),
                "month": (date(2026, 6, 1), today)}
    for code, dates in expected.items():
        filters.period.setCurrentIndex(filters.period.findData(code))
        assert filters.dates(today) == dates
        assert not filters.since.isVisible()
    filters.period.setCurrentIndex(filters.period.findData("custom"))
    assert filters.since.isVisible() and filters.until.isVisible()
    await settle_page(page)


async def test_load_more(backend, people, monkeypatch) -> None:
    monkeypatch.setattr(balances, "PAGE", 3)
    alice = accounts.get_user("alice")
    for n in range(4):
        recharges.recharge("alice", (n + 1) * 1_000_000)
    ledger.post(alice.id, Kind.HOLD, -500_000, ref="req-1", actor="relay")
    ledger.post(alice.id, Kind.RELEASE, 500_000, ref="req-1", actor="relay")
    ledger.post(alice.id, Kind.CHARGE, -1_234, ref="req-1", actor="relay")
    page = await shown_page(backend)
    assert page.select_user("alice")
    await settle_page(page)
    assert column(page.ledger_view, 1) == ["Charge", "Recharge", "Recharge"]
    page.ledger_more.click()
    await settle_page(page)
    assert column(page.ledger_view, 2) == ["-0.001234", "4.00", "3.00", "2.00", "1.00"]
    assert not page.ledger_more.isEnabled() and page.ledger_count.text() == "5 entries shown"
    page.hide_holds.setChecked(False)
    await settle_page(page)
    assert column(page.ledger_view, 1) == ["Charge", "Release", "Hold"]
    assert page.ledger_more.isEnabled()

    assert len(column(page.records_view, 0)) == 3
    page.records_more.click()
    await settle_page(page)
    assert column(page.records_view, 2) == ["4.00", "3.00", "2.00", "1.00"]
    assert not page.records_more.isEnabled()
    # a change elsewhere reloads without losing the rows already shown
    backend.changed.emit("money")
    await settle_page(page)
    assert len(column(page.records_view, 0)) == 4
    assert len(column(page.ledger_view, 0)) == 3  # hide_holds unchecked: the newest 3


async def test_user_search_and_disabled_users(backend, people) -> None:
    accounts.set_status("bob", "disabled")
    page = await shown_page(backend)
    assert column(page.users_view, 0) == ["alice", "bob (disabled)", "carol"]
    page.search.setText("CAR")
    assert column(page.users_view, 0) == ["carol"]
    page.search.clear()
    recharges.recharge("alice", 9_000_000)
    recharges.recharge("carol", 10_000_000)
    backend.changed.emit("money")
    await settle_page(page)
    page.users_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    # by the amount, not the text ("9.00" > "10.00" as text)
    assert column(page.users_view, 1) == ["10.00", "9.00", "0.00"]


async def test_currency_follows_the_setting(backend, people) -> None:
    page = await shown_page(backend)
    settings.set("currency", "usd")
    backend.changed.emit("settings")
    await settle_page(page)
    header = page.records_view.model().headerData
    assert header(2, Qt.Orientation.Horizontal) == "Amount (USD)"
    assert "net 0.00 USD" in page.totals.text()


DEMO = [  # username, email, [(days later, amount, method, note)]
    ("zhang.wei", "zhang.wei@qq.com", [(0, "500", "alipay", "年卡 annual plan"),
                                       (9, "200", "wechat", None)]),
    ("li_na", "li.na@lab.cn", [(1, "1000", "bank", "invoice 2026-061")]),
    ("wang.fang", "wangfang@163.com", [(2, "50", "cash", "counter, receipt 0042")]),
    ("chen-jie", "chen.jie@example.cn", [(3, "88.88", "epay", None),
                                         (12, "300", "hupijiao", None)]),
    ("alice", "alice@example.com", [(5, "150", "manual", "trial credit")]),
    ("liu.yang", "liu.yang@example.cn", [(6, "12000", "bank", "department budget Q3")]),
]


def add_demo_data(fake_clock) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Users recharging in CNY over two weeks, a refund, adjustments and relayed requests."""
    start, orders = fake_clock.current, {}
    for name, email, _ in DEMO:
        accounts.add_user(name, email)
    events = sorted((days, name, amount, method, note)
                    for name, _, items in DEMO for days, amount, method, note in items)
    for days, name, amount, method, note in events:
        fake_clock.current = start + timedelta(days=days, minutes=37 * days)
        orders[name] = recharges.recharge(name, parse_amount(amount), method=method,
                                          note=note).order_no
    recharges.refund(orders["wang.fang"], 20_000_000, note="left the team")
    recharges.refund(orders["li_na"], note="paid twice by bank transfer")
    zhang = accounts.get_user("zhang.wei")
    for n in range(6):
        fake_clock.advance(minutes=11)
        ref = f"req_{n:02d}a81f{n}c0e2"
        ledger.post(zhang.id, Kind.HOLD, -40_000, ref=ref, actor="relay")
        ledger.post(zhang.id, Kind.RELEASE, 40_000, ref=ref, actor="relay")
        ledger.post(zhang.id, Kind.CHARGE, -(3_117 + 977 * n), ref=ref, actor="relay")
    ledger.adjust(zhang.id, 5_000_000, "compensation for the outage on June 9")
    ledger.adjust(accounts.get_user("chen-jie").id, -8_880_000, "duplicate epay callback")
    return orders


async def test_render(backend, sqlite_db, fake_clock, tmp_path) -> None:
    """For looking at: balances_page.png and the three dialogs."""
    orders = add_demo_data(fake_clock)
    out = Path(os.environ.get("GUI_SHOTS_DIR", tmp_path))
    page = new_page(backend)
    page.resize(1000, 720)
    page.show()
    await settle_page(page)
    assert page.select_user("zhang.wei")
    await settle_page(page)
    select_record(page, orders["wang.fang"])
    assert grab(page, out / "balances_page.png").stat().st_size > 0
    for button, name in ((page.recharge_button, "recharge_dialog"),
                         (page.refund_button, "refund_dialog"),
                         (page.adjust_button, "adjust_dialog")):
        dialog = await open_dialog(page, button)
        dialog.amount.setText({"adjust_dialog": "-2.5"}.get(name, dialog.amount.text()))
        grab(dialog, out / f"{name}.png")
        if name == "adjust_dialog":
            assert "Reason is required" in await refused(page, dialog)
            grab(dialog, out / "adjust_dialog_refused.png")
        dialog.reject()
        await settle_page(page)


async def test_one_ledger_entry_is_counted_in_the_singular(backend, people) -> None:
    accounts.add_user("solo", "solo@example.com")
    recharges.recharge("solo", 1_000_000)
    page = await shown_page(backend)
    assert page.select_user("solo")
    await settle_page(page)
    assert page.ledger_count.text() == "1 entry shown"


async def test_the_page_follows_the_relays_billing_without_refresh(backend, monkeypatch) -> None:
    """A request billed by the relay shows in the balance and the ledger by itself (5 billed
    requests later the page used to show the recharge only, until Refresh)."""
    import aiohttp

    from app import apikeys, keystore, pricing, providers
    from tests.helpers.fake_upstream import FakeUpstream

    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 10_000_000)
    pricing.set_price("m1", "2", "8", "0.5")
    _, key = apikeys.create_key("alice")
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        monkeypatch.setenv(keystore.env_var_name("up"), up.api_key)
        providers.add_provider("up", "openai", models=["m1"], base_url=up.base_url)
        assert await backend.start_relay()
        try:
            page = await shown_page(backend)
            assert page.select_user("alice")
            await settle_page(page)
            assert column(page.ledger_view, 1) == ["Recharge"]
            async with aiohttp.ClientSession() as session:
                async with session.post(f"{backend.relay_urls()[0]}/chat/completions",
                                        json={"model": "m1", "messages": [
                                            {"role": "user", "content": "hi"}]},
                                        headers={"Authorization": f"Bearer {key}"}) as resp:
                    assert resp.status == 200
            await until(lambda: column(page.ledger_view, 1)[:1] == ["Charge"], timeout=10)
            assert accounts.get_user("alice").balance_micros < 10_000_000
        finally:
            await backend.stop_relay()


async def test_a_negative_balance_is_marked_and_red(backend, people) -> None:
    """The same minus sign and red as the Users page, in the users list and the ledger."""
    from gui.tables import NEGATIVE

    user = accounts.get_user("bob")
    ledger.post(user.id, Kind.CHARGE, -2, allow_negative=True)
    page = await shown_page(backend)
    assert page.select_user("bob")
    await settle_page(page)
    row = [u.username for u in page.users_model.rows].index("bob")
    balance = page.users_model.index(row, 1)
    assert balance.data() == "-0.000002"
    assert balance.data(Qt.ItemDataRole.ForegroundRole) == NEGATIVE
    entry = page.ledger_model.index(0, 3)
    assert entry.data() == "-0.000002"
    assert entry.data(Qt.ItemDataRole.ForegroundRole) == NEGATIVE
