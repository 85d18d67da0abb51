"""Online top-up end to end: the portal makes the order and sends the browser on, the gateway
simulator takes the payment and notifies (or is asked), the balance is credited exactly once,
and the order page shows it."""

import asyncio
import html
import re

import aiohttp

from app import accounts, ledger, settings
from app.models import RechargeRecord
from app.payments import gateways, orders
from relay.payments.confirm import sweep
from relay.portal.common import PORTAL
from relay.portal.topup import ASKED
from tests.helpers.gateways import EpaySimulator, HupijiaoSimulator
from tests.relay.portal.conftest import Browser, Portal, make_user, new_browser

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def balance(username: str) -> int:
    return accounts.get_user(username).balance_micros


async def start_topup(browser: Browser, amount: str, choice: str) -> tuple[int, str]:
    return await browser.post("/portal/topup", {"amount": amount, "gateway_choice": choice})


def gateway_form(page: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form method="post" action="([^"]+)" id="gateway-form"', page)
    assert action, page
    fields = {k: html.unescape(v) for k, v in HIDDEN.findall(page) if k != "csrf_token"}
    return html.unescape(action.group(1)), fields


async def submit_to_gateway(action: str, fields: dict[str, str]) -> None:
    """What the auto-submitting form (or its button) does in the browser."""
    async with aiohttp.ClientSession() as session, session.post(action, data=fields) as resp:
        assert resp.status == 200, await resp.text()


async def epay_order(pay_relay: Portal, payer: Browser, epay_sim: EpaySimulator,
                     amount: str = "12.34") -> str:
    make_user("ann")
    await payer.sign_in("ann")
    status, page = await start_topup(payer, amount, "epay:alipay")
    assert status == 200, page
    action, fields = gateway_form(page)
    assert action == f"{epay_sim.url}/submit.php"
    assert fields["money"] == amount and fields["type"] == "alipay"
    assert fields["notify_url"] == f"{pay_relay.base}/pay/epay/notify"
    await submit_to_gateway(action, fields)
    return fields["out_trade_no"]


async def test_epay_paid_notify_credits_once(pay_relay: Portal, payer: Browser,
                                             epay_sim: EpaySimulator) -> None:
    order_no = await epay_order(pay_relay, payer, epay_sim)
    status, page = await payer.get(f"/portal/topup/{order_no}")
    assert 'data-status="pending"' in page and balance("ann") == 0
    order = epay_sim.pay(order_no)
    notify = epay_sim.notify_fields(order_no)
    for _ in range(3):  # the gateway repeats until it reads "success"
        assert await epay_sim.post_notify(order.notify_url, notify) == (200, "success")
    assert await epay_sim.post_notify(order.notify_url, notify, method="GET") == (200, "success")
    assert balance("ann") == 12_340_000
    record = orders.get_order(order_no)
    assert (record.status, record.trade_no) == ("paid", order.trade_no)
    status, page = await payer.get(f"/portal/topup/{order_no}")
    assert status == 200 and 'data-status="paid"' in page


async def test_concurrent_duplicate_notifies_credit_once(pay_relay: Portal, payer: Browser,
                                                         epay_sim: EpaySimulator) -> None:
    order_no = await epay_order(pay_relay, payer, epay_sim, "7.00")
    order = epay_sim.pay(order_no)
    notify = epay_sim.notify_fields(order_no)
    replies = await asyncio.gather(*[epay_sim.post_notify(order.notify_url, notify)
                                     for _ in range(25)])
    assert set(replies) == {(200, "success")}
    assert balance("ann") == 7_000_000
    user = accounts.get_user("ann")
    assert [e.amount_micros for e in ledger.entries(user.id)] == [7_000_000]


async def test_wrong_notifies_credit_nothing_and_are_answered(pay_relay: Portal,
                                                              payer: Browser,
                                                              epay_sim: EpaySimulator) -> None:
    order_no = await epay_order(pay_relay, payer, epay_sim, "5.00")
    order = epay_sim.pay(order_no)
    tampered = {**epay_sim.notify_fields(order_no), "money": "500.00"}  # changed after signing
    wrong_amount = epay_sim.notify_fields(order_no, money="5.01")  # genuinely signed, wrong sum
    other_merchant = epay_sim.notify_fields(order_no, pid="2002")
    unknown = epay_sim.notify_fields(order_no, out_trade_no="RD20260101000000DEADBEEF")
    unpaid = epay_sim.notify_fields(order_no, trade_status="WAIT_BUYER_PAY")
    for fields, reply in ((tampered, "fail"), (wrong_amount, "fail"), (other_merchant, "fail"),
                          (unknown, "fail"), (unpaid, "success"), ({}, "fail")):
        assert await epay_sim.post_notify(order.notify_url, fields) == (200, reply), fields
    assert balance("ann") == 0
    assert orders.get_order(order_no).status == "pending"


async def test_an_expired_order_is_not_credited(pay_relay: Portal, payer: Browser,
                                                epay_sim: EpaySimulator) -> None:
    order_no = await epay_order(pay_relay, payer, epay_sim, "3.00")
    RechargeRecord.update(expires_at=RechargeRecord.created_at).where(
        RechargeRecord.order_no == order_no).execute()
    order = epay_sim.pay(order_no)
    assert await epay_sim.post_notify(order.notify_url, epay_sim.notify_fields(order_no)) == (
        200, "success")  # recorded for the operator; retrying could not change it
    assert balance("ann") == 0
    assert orders.get_order(order_no).trade_no == order.trade_no
    assert await sweep(pay_relay.server.app) == 0
    assert orders.get_order(order_no).status == "expired"
    status, page = await payer.get("/portal/recharges")  # listed, not counted as recharged
    assert status == 200 and order_no in page and "Expired" in page
    assert re.search(r'id="recharged">0(\.0+)?<', page), page


async def test_the_order_query_credits_when_no_notify_arrives(pay_relay: Portal, payer: Browser,
                                                              epay_sim: EpaySimulator) -> None:
    order_no = await epay_order(pay_relay, payer, epay_sim, "2.50")
    assert await sweep(pay_relay.server.app) == 0  # not paid yet
    epay_sim.pay(order_no)
    assert await sweep(pay_relay.server.app) == 1
    assert await sweep(pay_relay.server.app) == 0
    assert balance("ann") == 2_500_000
    assert epay_sim.queries == 2  # the paid order is no longer asked about


async def test_a_signed_return_confirms_and_leads_to_the_order(pay_relay: Portal,
                                                               payer: Browser,
                                                               epay_sim: EpaySimulator) -> None:
    order_no = await epay_order(pay_relay, payer, epay_sim, "1.00")
    order = epay_sim.pay(order_no)
    assert order.return_url == f"{pay_relay.base}/pay/epay/return/{order_no}"
    async with payer.session.get(order.return_url, params=epay_sim.notify_fields(order_no),
                                 allow_redirects=False) as resp:
        assert resp.status == 303
        assert resp.headers["Location"] == f"/portal/topup/{order_no}"
    assert balance("ann") == 1_000_000


async def test_hupijiao_pays_through_its_url_and_the_return_asks(
        pay_relay: Portal, payer: Browser, hupijiao_sim: HupijiaoSimulator) -> None:
    make_user("bo")
    await payer.sign_in("bo")
    status, page = await start_topup(payer, "9.99", "hupijiao:")
    assert status == 200, page
    link = re.search(r'id="gateway-link" href="([^"]+)"', page)
    assert link and link.group(1).startswith(f"{hupijiao_sim.url}/pay/")
    (order_no,) = hupijiao_sim.orders
    assert hupijiao_sim.orders[order_no].money == "9.99"
    status, page = await payer.get(f"/portal/topup/{order_no}")
    assert 'data-status="pending"' in page
    order = hupijiao_sim.pay(order_no)
    status, page = await payer.get(f"/portal/topup/{order_no}")  # asked a moment ago: not yet
    assert 'data-status="pending"' in page
    pay_relay.server.app[PORTAL][ASKED].forget(order_no)  # as when a few seconds have passed
    status, page = await payer.get(f"/portal/topup/{order_no}")  # asks the gateway
    assert 'data-status="paid"' in page and balance("bo") == 9_990_000
    notify = hupijiao_sim.notify_fields(order_no)
    assert await hupijiao_sim.post_notify(order.notify_url, notify) == (200, "success")
    bad = {**notify, "total_fee": "99.90"}
    assert await hupijiao_sim.post_notify(order.notify_url, bad) == (200, "fail")
    assert balance("bo") == 9_990_000


async def test_hupijiao_concurrent_notifies_credit_once(
        pay_relay: Portal, payer: Browser, hupijiao_sim: HupijiaoSimulator) -> None:
    make_user("cy")
    await payer.sign_in("cy")
    await start_topup(payer, "4.00", "hupijiao:")
    (order_no,) = hupijiao_sim.orders
    order = hupijiao_sim.pay(order_no)
    replies = await asyncio.gather(*[
        hupijiao_sim.post_notify(order.notify_url, hupijiao_sim.notify_fields(order_no))
        for _ in range(20)])
    assert set(replies) == {(200, "success")}
    assert balance("cy") == 4_000_000


async def test_orders_are_private_and_checked(pay_relay: Portal, payer: Browser,
                                              epay_sim: EpaySimulator) -> None:
    order_no = await epay_order(pay_relay, payer, epay_sim, "1.00")
    status, page = await start_topup(payer, "1.234", "epay:alipay")
    assert status == 400 and 'id="topup-error"' in page
    status, page = await start_topup(payer, "1.00", "stripe:card")
    assert status == 400 and 'id="topup-error"' in page
    make_user("eve")
    async with new_browser(pay_relay) as eve:
        await eve.sign_in("eve")
        status, _page = await eve.get(f"/portal/topup/{order_no}")
        assert status == 404


async def test_the_gateway_page_allows_posting_only_to_the_gateway(
        pay_relay: Portal, payer: Browser, epay_sim: EpaySimulator) -> None:
    make_user("dee")
    await payer.sign_in("dee")
    async with payer.session.post(payer.url("/portal/topup"), data={
            "amount": "1.00", "gateway_choice": "epay:wxpay",
            "csrf_token": await payer.csrf("/portal/topup")}) as resp:
        csp = resp.headers["Content-Security-Policy"]
        page = await resp.text()
    assert f"form-action 'self' {epay_sim.url};" in csp and "script-src 'self';" in csp
    assert "topup.js" in page and "<script>" not in page


async def test_without_a_gateway_the_page_says_so(pay_relay: Portal, payer: Browser) -> None:
    make_user("fay")
    await payer.sign_in("fay")
    status, page = await payer.get("/portal/topup")
    assert status == 200 and 'id="topup-off"' in page


async def test_notifies_pass_the_relay_allow_list(pay_relay: Portal, payer: Browser,
                                                  epay_sim: EpaySimulator) -> None:
    """The allow-list keeps strangers off the relay; a gateway's notify proves itself by its
    signature instead."""
    order_no = await epay_order(pay_relay, payer, epay_sim, "6.00")
    order = epay_sim.pay(order_no)
    settings.set("relay_allowed_cidrs", "10.0.0.0/8")
    await pay_relay.server.state.guard.refresh()
    status, _page = await payer.get(f"/portal/topup/{order_no}")
    assert status == 403
    assert await epay_sim.post_notify(order.notify_url, epay_sim.notify_fields(order_no)) == (
        200, "success")
    assert balance("ann") == 6_000_000


async def test_the_form_offers_each_configured_gateway(
        pay_relay: Portal, payer: Browser, epay_sim: EpaySimulator,
        hupijiao_sim: HupijiaoSimulator) -> None:
    make_user("gus")
    await payer.sign_in("gus")
    status, page = await payer.get("/portal/topup")
    assert status == 200
    assert re.findall(r'name="gateway_choice" value="([^"]*)"', page) == [
        "epay:alipay", "epay:wxpay", "hupijiao:"]


async def test_an_unreachable_gateway_is_said_so_and_nothing_is_credited(
        pay_relay: Portal, payer: Browser) -> None:
    settings.set("payments_hupijiao_url", "http://127.0.0.1:9")  # nothing listens there
    settings.set("payments_hupijiao_appid", "app-unreachable")
    gateways.set_key("hupijiao", "unreachable-secret-5d")
    make_user("hal")
    await payer.sign_in("hal")
    status, page = await start_topup(payer, "2.00", "hupijiao:")
    assert status == 502 and "could not be reached" in page
    (record,) = orders.list_orders(username="hal")
    status, page = await payer.get(f"/portal/topup/{record.order_no}")
    assert status == 200 and 'data-status="pending"' in page
    assert balance("hal") == 0
