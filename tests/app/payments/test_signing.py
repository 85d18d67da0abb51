"""The two protocols' signatures, request building and reply reading."""

from app.payments import epay, hupijiao
from app.payments.money import parse_yuan, to_yuan
from tests.helpers.gateways import md5_sorted


def test_epay_signature_matches_the_known_vector() -> None:
    params = {"device": "devicev", "money": "moneyv", "sign": "x", "sign_type": "MD5", "e": ""}
    assert epay.sign(params, "1234567") == "3854cc9f022e0fb821bd2e002260245d"
    assert md5_sorted(params, "1234567", ("sign", "sign_type")) == (
        "3854cc9f022e0fb821bd2e002260245d")


def test_epay_verify_refuses_any_changed_field_or_key() -> None:
    fields = {"pid": "1", "out_trade_no": "RD1", "money": "1.00",
              "trade_status": "TRADE_SUCCESS"}
    fields["sign"] = epay.sign(fields, "k")
    assert epay.verify(fields, "k")
    assert not epay.verify({**fields, "money": "100.00"}, "k")
    assert not epay.verify(fields, "other")
    assert not epay.verify(fields, "")
    assert not epay.verify({k: v for k, v in fields.items() if k != "sign"}, "k")


def test_epay_form_is_signed_over_its_fields() -> None:
    action, fields = epay.submit_form("https://pay.example", "1001", "key", pay_type="alipay",
                                      out_trade_no="RD1", notify_url="https://r/n",
                                      return_url="https://r/r", name="Top-up", money="1.50")
    assert action == "https://pay.example/submit.php"
    assert fields["sign_type"] == "MD5"
    assert fields["sign"] == md5_sorted(fields, "key", ("sign", "sign_type"))


def test_hupijiao_hash_and_payment_request() -> None:
    url, fields = hupijiao.payment_request(
        "https://api.xunhupay.com", "appid1", "secret", trade_order_id="RD1", total_fee="2.00",
        title="Top-up", now=1700000000, notify_url="https://r/n", return_url="https://r/r")
    assert url == "https://api.xunhupay.com/payment/do.html"
    assert fields["version"] == "1.1" and fields["nonce_str"]
    assert fields["hash"] == md5_sorted(fields, "secret", ("hash",))
    assert hupijiao.verify(fields, "secret") and not hupijiao.verify(fields, "other")


def test_hupijiao_payment_reply_must_be_genuine() -> None:
    reply = {"errcode": 0, "errmsg": "ok", "url": "https://pay.example/p/1", "openid": 5}
    reply["hash"] = hupijiao.make_hash(reply, "s")
    assert hupijiao.read_payment_reply(reply, "s") == "https://pay.example/p/1"
    assert hupijiao.read_payment_reply({**reply, "url": "https://evil.example"}, "s") is None
    assert hupijiao.read_payment_reply(reply, "wrong") is None


def test_amounts_convert_exactly() -> None:
    assert to_yuan(1_500_000) == "1.50"
    assert to_yuan(10_000) == "0.01"
    assert parse_yuan("1.50") == 1_500_000
    assert parse_yuan("1.5") == 1_500_000
    assert parse_yuan("0.0000001") is None  # not a whole micro
    for bad in ("", "-1.00", "1e3", "NaN", "1,00", None, "１.00"):
        assert parse_yuan(bad) is None, bad
