"""Every page's tables fit the main window at its default size, with realistic rows: no column
behind a scrollbar, no header or cell cut off except in the columns that elide long text (which
then show it in full as a tooltip)."""

from datetime import timedelta

from PySide6.QtWidgets import QTableView, QTabWidget

from app import (
    accounts,
    admintokens,
    bans,
    clock,
    ledger,
    pricing,
    providers,
    recharges,
    requestlog,
)
from app.money import parse_amount
from gui.main_window import MainWindow
from gui.pages.registry import all_pages
from gui.tables import elided_columns
from tests.gui.conftest import grab, settle_page
from tests.gui.layout import cut_table


def seed() -> None:
    """A busy operator's data: long names, addresses and messages, large amounts."""
    names = ["zhang_wei_research", "alice", "li.na-lab"]
    ids = {n: accounts.add_user(n, f"{n}@chemistry.example.edu.cn").id
           for n in names}
    for n in names:
        order = recharges.recharge(n, parse_amount("123456.78"), method="bank",
                                   note="Invoice 2026-0042, paid by the department of chemistry")
    recharges.refund(order.order_no, parse_amount("0.000001"))
    ledger.adjust(ids["alice"], -1_234_567, "Duplicate charge of 3 June refunded")
    providers.add_provider(
        "deepseek-backup-eu", "openai", models=["deepseek-chat", "deepseek-reasoner", "glm-4"],
        base_url="https://gateway.example-cloud.com/openai/deployments/deepseek/v1",
        model_map=["gpt-4o=deepseek-chat", "gpt-4o-mini=deepseek-reasoner"])
    providers.add_provider("zhipu", "zhipu", models=["glm-4-flash"])
    cooldown = clock.now() + timedelta(minutes=5)
    providers.record_health(providers.get_provider("zhipu").id, healthy=False, failures=3,
                            cooldown_until=cooldown,
                            error="upstream answered 503 Service Unavailable: overloaded, retry")
    providers.record_test("deepseek-backup-eu", ok=True, latency_ms=1234,
                          message="OK: deepseek-chat answered")
    for model in ("deepseek-chat", "deepseek-reasoner", "glm-4-flash"):
        pricing.set_price(model, "2", "8", "0.5", max_output_tokens=8192)
    now = clock.now()
    requestlog.insert_many([
        {"created_at": now - timedelta(minutes=i), "request_id": f"req-{i}",
         "user": ids[names[i % 3]], "username": names[i % 3], "model": "deepseek-reasoner",
         "provider": "deepseek-backup-eu", "status": 502 if i % 4 == 0 else 200,
         "error_code": "upstream_unavailable" if i % 4 == 0 else None,
         "prompt_tokens": 123_456, "cached_tokens": 12_345, "completion_tokens": 98_765,
         "cost_micros": 1_234_567, "duration_ms": 123_456, "ttfb_ms": 12_345, "stream": True,
         "estimated": True, "written_off_micros": 1_234_567,
         "client_ip": "192.168.100.200"} for i in range(30)])
    bans.ban("2001:db8:85a3::8a2e:370:7334", reason="admin_auth", failures=5)
    admintokens.create_token("nightly-backup-script")


async def test_every_table_fits_the_default_window(backend, tmp_path) -> None:
    seed()
    window = MainWindow(backend, all_pages())
    window.show()
    try:
        for row, page in enumerate(window.pages.values()):
            window.nav.setCurrentRow(row)
            await settle_page(page)
            tabs = page.findChildren(QTabWidget)
            for index in range(max(1, *(t.count() for t in tabs)) if tabs else 1):
                for tab in tabs:
                    tab.setCurrentIndex(min(index, tab.count() - 1))
                await settle_page(page)
                tables = [t for t in page.findChildren(QTableView) if t.isVisible()]
                problems = [p for t in tables if (p := cut_table(t)) is not None]
                grab(window, tmp_path / f"{row}-{index}.png")
                assert problems == [], (page.title(), problems)
    finally:
        window.close()
        for page in window.pages.values():
            await page.idle()


async def test_each_table_has_designated_elide_columns(backend) -> None:
    """Each table that shows free text says which columns may elide it."""
    window = MainWindow(backend, all_pages())
    try:
        for page in window.pages.values():
            for table in page.findChildren(QTableView):
                if table.model().columnCount() > 2:
                    assert elided_columns(table), (page.title(), table.objectName())
    finally:
        window.close()
