"""A portal user trying to be credited without paying: a forged Host header spliced into the
gateway form's signature (found by a hostile review), and oversized notify bodies."""

import io

import aiohttp
import pytest

from app import accounts
from app.payments import epay, orders
from tests.helpers.gateways import EpaySimulator
from tests.relay.payments.test_topup_flow import gateway_form
from tests.relay.portal.conftest import Browser, Portal, make_user

# A Host header that, joined into the signed "k=v&k=v" text, reads as more fields.
FORGED_HOST = "x&trade_status=TRADE_SUCCESS&type=alipay&u="


def _spliced(fields: dict[str, str]) -> dict[str, str]:
    """The review's forgery: the form's signature over fields re-cut at the host's '&'s."""
    order_no = fields["out_trade_no"]
    return {"money": fields["money"], "name": fields["name"], "notify_url": fields["notify_url"],
            "out_trade_no": order_no, "pid": fields["pid"], "return_url": "http://x",
            "trade_status": "TRADE_SUCCESS", "type": "alipay",
            "u": f"/pay/epay/return/{order_no}&type=alipay", "sign": fields["sign"],
            "sign_type": "MD5"}


@pytest.mark.parametrize("route", ["notify", "return"])
async def test_a_forged_host_header_credits_nothing(pay_relay: Portal, payer: Browser,
                                                   epay_sim: EpaySimulator, route: str) -> None:
    make_user("mallory")
    await payer.sign_in("mallory")
    status, page = await payer.post("/portal/topup", {"amount": "1000.00",
                                                      "gateway_choice": "epay:alipay"},
                                    headers={"Host": FORGED_HOST})
    assert status == 200
    _, fields = gateway_form(page)
    assert FORGED_HOST not in fields["notify_url"] and FORGED_HOST not in fields["return_url"]
    order_no = fields["out_trade_no"]
    forged = _spliced(fields)
    async with aiohttp.ClientSession() as session:
        if route == "notify":
            async with session.post(f"{pay_relay.base}/pay/epay/notify", data=forged) as resp:
                assert await resp.text() == "fail"
        else:
            async with session.get(f"{pay_relay.base}/pay/epay/return/{order_no}",
                                   params=forged, allow_redirects=False) as resp:
                assert resp.status == 303
    assert orders.get_order(order_no).status == "pending"
    assert accounts.get_user("mallory").balance_micros == 0


def test_a_value_holding_field_separators_is_never_signed_nor_believed() -> None:
    key = "merchant-key"
    good = {"pid": "1001", "out_trade_no": "RD1", "money": "5.00",
            "trade_status": "TRADE_SUCCESS"}
    assert epay.verify_notify({**good, "sign": epay.sign(good, key)}, key)
    for hostile in ({"name": "a&trade_status=TRADE_SUCCESS"}, {"x=y": "1"}):
        params = {**good, **hostile}
        assert not epay.verify_notify({**params, "sign": epay.sign(params, key)}, key)
    with pytest.raises(ValueError):
        epay.submit_form("https://pay.example", "1001", key, pay_type="alipay",
                         out_trade_no="RD1", notify_url="http://h/pay/epay/notify?a=b",
                         return_url="http://h/r", name="n", money="5.00")


async def test_big_or_multipart_notify_bodies_are_refused_unread(pay_relay: Portal,
                                                                 epay_sim: EpaySimulator) -> None:
    """These paths are open to the internet: a gateway sends a small urlencoded form."""
    url = f"{pay_relay.base}/pay/epay/notify"
    upload = aiohttp.FormData()
    upload.add_field("f", io.BytesIO(b"A" * (4 * 1024 * 1024)), filename="x.bin",
                     content_type="application/octet-stream")
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=upload) as resp:
            assert (resp.status, await resp.text()) == (200, "fail")
        async with session.post(url, data={"a": "B" * (64 * 1024)}) as resp:
            assert (resp.status, await resp.text()) == (200, "fail")
