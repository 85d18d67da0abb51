"""/admin/api/payments: configure (the key write-only), test, orders, refund and a check pass,
against the Epay simulator."""

import aiohttp

from app import accounts
from app.models import AuditEvent
from app.payments import epay, orders
from tests.helpers.gateways import EpaySimulator
from tests.relay.admin.conftest import admin  # noqa: F401 - the fixture


async def test_configure_test_list_check_and_refund(admin, real_keyring) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    async with EpaySimulator() as sim:
        view = await admin.ok("PATCH", "/admin/api/payments/gateways/epay", json_body={
            "url": sim.url, "merchant_id": sim.pid, "key": sim.key})
        assert view == {"gateway": "epay", "url": sim.url, "merchant_id": sim.pid,
                        "key_stored": True, "notify_url": None}
        overview = await admin.ok("GET", "/admin/api/payments")
        assert sim.key not in str(overview) and overview["order_expiry_minutes"] == 30
        tested = await admin.ok("POST", "/admin/api/payments/gateways/epay/test")
        assert tested["ok"] is True and sim.queries == 1
        user = accounts.get_user("alice")
        record = orders.create_order(user.id, 2_000_000, "epay")
        action, fields = epay.submit_form(
            sim.url, sim.pid, sim.key, pay_type="wxpay", out_trade_no=record.order_no,
            notify_url="http://127.0.0.1:9/n", return_url="http://127.0.0.1:9/r", name="T",
            money="2.00")
        async with aiohttp.ClientSession() as session, session.post(action, data=fields):
            pass
        sim.pay(record.order_no)
        before = accounts.get_user("alice").balance_micros
        assert await admin.ok("POST", "/admin/api/payments/check") == {"credited": 1}
        listed = await admin.ok("GET", "/admin/api/payments/orders?status=paid")
        assert [(o["order_no"], o["amount"], o["trade_no"]) for o in listed["data"]] == [
            (record.order_no, "2.00", sim.orders[record.order_no].trade_no)]
        refunded = await admin.ok("POST", f"/admin/api/payments/orders/{record.order_no}/refund",
                                  json_body={"amount": "0.50", "note": "partly"})
        assert (refunded["status"], refunded["refunded_micros"]) == ("partially_refunded",
                                                                     500_000)
        assert "gateway's own console" in refunded["message"]
        assert accounts.get_user("alice").balance_micros == before + 1_500_000
    assert not sim.errors
    assert AuditEvent.select().where((AuditEvent.action == "payments.key_set")
                                     & (AuditEvent.actor == "token:ops")).count() == 1


async def test_refusals(admin, real_keyring) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    assert (await admin.call("PATCH", "/admin/api/payments/gateways/stripe",
                             json_body={"url": "https://x"})).status == 404
    bad = await admin.call("PATCH", "/admin/api/payments/gateways/epay",
                           json_body={"url": "ftp://x"})
    assert bad.status == 400
    assert (await admin.call("POST", "/admin/api/payments/gateways/epay/test")).status == 409
    assert (await admin.call("GET", "/admin/api/payments/orders/RD1")).status == 404
    assert (await admin.call("GET", "/admin/api/payments/orders?status=lost")).status == 400
    refund = await admin.call("POST", "/admin/api/payments/orders/RD1/refund",
                              json_body={"amount": 1.5})
    assert refund.status == 400
