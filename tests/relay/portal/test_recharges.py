"""The Recharges page: the user's own orders and refunds, and their balance history paged
without request holds and releases."""

import re

from app import recharges
from app.models import LedgerEntry, User
from tests.relay.portal.conftest import Browser, Portal, make_user, new_browser

ORDER = re.compile(r'<tr class="recharge-row">')
ENTRY = re.compile(r'<tr class="ledger-row">')


async def test_own_recharges_and_refunds_only(portal: Portal, browser: Browser) -> None:
    make_user("alice")
    make_user("bob")
    first = recharges.recharge("alice", 10_000_000, note="<b>first</b>")
    recharges.recharge("alice", 2_500_000, method="wechat")
    recharges.refund(first.order_no, 3_000_000)
    theirs = recharges.recharge("bob", 7_770_000)
    await browser.sign_in("alice")
    status, page = await browser.get("/portal/recharges")
    assert status == 200
    assert len(ORDER.findall(page)) == 2
    assert first.order_no in page and theirs.order_no not in page and "7.77" not in page
    assert "Partly refunded" in page and "3.00" in page
    assert "<td>WeChat Pay</td>" in page and "<td>By the operator</td>" in page
    assert 'id="balance">9.50<' in page
    assert 'id="recharged">12.50<' in page and 'id="refunded">3.00<' in page
    assert "Top up online, redeem a code" in page
    # Balance history: two recharges and a refund, newest first.
    assert len(ENTRY.findall(page)) == 3
    history = page[page.index('class="ledger-list"'):]
    assert history.index("Refund") < history.index("Recharge")
    assert '<td class="num negative">-3.00</td>' in history


async def test_balance_history_pages_by_fifty_without_reservations(
        portal: Portal, browser: Browser) -> None:
    make_user("alice", balance_micros=100_000_000)  # one recharge entry
    for n in range(49):
        recharges.recharge("alice", 1_000_000 + n)
    await browser.sign_in("alice")
    _, page = await browser.get("/portal/recharges")
    assert len(ENTRY.findall(page)) == 50
    assert ">Older<" not in page and ">Newer<" not in page
    recharges.recharge("alice", 3_000_000)
    _, page = await browser.get("/portal/recharges")
    assert len(ENTRY.findall(page)) == 50 and 'href="/portal/recharges?page=2" rel="next"' in page
    _, page2 = await browser.get("/portal/recharges?page=2")
    assert len(ENTRY.findall(page2)) == 1 and ">Older<" not in page2
    assert 'href="/portal/recharges?page=1" rel="prev"' in page2
    assert "100.00" in page2  # the first recharge, oldest, is last
    # A page number that is not one shows the first page.
    for raw in ("0", "-1", "x", "99999999999999999999"):
        status, page = await browser.get(f"/portal/recharges?page={raw}")
        assert status == 200 and len(ENTRY.findall(page)) == 50


async def test_holds_and_releases_are_not_listed(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice", balance_micros=10_000_000)
    for kind in ("hold", "release"):
        LedgerEntry.create(user=alice.id, kind=kind, amount_micros=-1 if kind == "hold" else 1,
                           balance_after_micros=10_000_000, reason="reservation")
    LedgerEntry.create(user=alice.id, kind="charge", amount_micros=-1_230_000,
                       balance_after_micros=8_770_000)
    User.update(balance_micros=8_770_000).where(User.id == alice.id).execute()
    await browser.sign_in("alice")
    _, page = await browser.get("/portal/recharges")
    assert len(ENTRY.findall(page)) == 2
    assert "Reserved" not in page and "<td>Requests</td>" in page and "-1.23" in page


async def test_html_in_a_note_is_escaped(portal: Portal, browser: Browser) -> None:
    make_user("alice")
    recharges.recharge("alice", 1_000_000, note="<script>alert(1)</script>")
    LedgerEntry.update(reason="<script>alert(1)</script>").execute()
    await browser.sign_in("alice")
    _, page = await browser.get("/portal/recharges")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


async def test_in_chinese(portal: Portal) -> None:
    make_user("alice", balance_micros=1_000_000)
    async with new_browser(portal, **{"Accept-Language": "zh-CN"}) as b:
        await b.sign_in("alice")
        _, page = await b.get("/portal/recharges")
    assert "使用收到的兑换码" in page and "<td>已支付</td>" in page
    assert "<td>充值</td>" in page and "<td>由运营者充值</td>" in page


async def test_a_page_number_that_is_not_a_plain_decimal_shows_the_first_page(
        portal: Portal, browser: Browser) -> None:
    make_user("alice", balance_micros=1_000_000)
    await browser.sign_in("alice")
    # "²" is a digit to str.isdigit, not to int(): it used to be a 500.
    for raw in ("%C2%B2", "%D9%A1", "1%C2%B2", "+2", "2_0"):
        status, page = await browser.get(f"/portal/recharges?page={raw}")
        assert status == 200 and len(ENTRY.findall(page)) == 1, raw
    async with browser.session.get(browser.url("/portal/recharges?page=1%00")) as resp:
        assert resp.status == 400 and "characters that are not text" in await resp.text()
