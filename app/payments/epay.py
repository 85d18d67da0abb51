"""The Epay protocol (彩虹易支付 and compatibles): MD5 signatures, the submit.php form, notify
verification and the api.php order query."""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.payments.money import parse_yuan

PAY_TYPES = ("alipay", "wxpay")
SUCCESS_REPLY = "success"
FAILURE_REPLY = "fail"


def sign(params: Mapping[str, Any], key: str) -> str:
    """MD5 (lowercase hex) of the non-empty parameters but sign/sign_type, sorted by key in
    ASCII order, joined ``k=v&k=v`` with raw values, the merchant key appended directly."""
    items = sorted((k, str(v)) for k, v in params.items()
                   if k not in ("sign", "sign_type") and v is not None and str(v) != "")
    text = "&".join(f"{k}={v}" for k, v in items) + key
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def verify(params: Mapping[str, Any], key: str) -> bool:
    given = str(params.get("sign") or "").lower()
    return bool(key) and hmac.compare_digest(given.encode(), sign(params, key).encode())


def unambiguous(params: Mapping[str, Any]) -> bool:
    """No name or value holds ``&`` or ``=``: the signed text ``k=v&k=v`` marks no field
    boundaries, so such a value could be read back as other fields under the same signature
    (a signed ``notify_url`` spliced into ``trade_status=TRADE_SUCCESS``)."""
    return not any("&" in text or "=" in text
                   for k, v in params.items() if k not in ("sign", "sign_type")
                   for text in (str(k), "" if v is None else str(v)))


def verify_notify(params: Mapping[str, Any], key: str) -> bool:
    """A notify or signed return is genuine: unambiguous, and signed with the merchant key."""
    return unambiguous(params) and verify(params, key)


def submit_form(base_url: str, pid: str, key: str, *, pay_type: str, out_trade_no: str,
                notify_url: str, return_url: str, name: str, money: str
                ) -> tuple[str, dict[str, str]]:
    """The action URL and fields of the form the browser submits to the gateway."""
    fields = {"pid": pid, "type": pay_type, "out_trade_no": out_trade_no,
              "notify_url": notify_url, "return_url": return_url, "name": name, "money": money}
    if not unambiguous(fields):
        raise ValueError("a field to sign holds '&' or '='")
    fields["sign"] = sign(fields, key)
    fields["sign_type"] = "MD5"
    return f"{base_url}/submit.php", fields


@dataclass(frozen=True)
class Notice:
    """What a verified notify or query says about an order."""

    out_trade_no: str
    trade_no: str
    amount_micros: int | None
    paid: bool
    merchant_id: str
    pay_type: str = ""


def read_notify(params: Mapping[str, Any]) -> Notice:
    """The notify's facts (call :func:`verify` first)."""
    return Notice(out_trade_no=str(params.get("out_trade_no") or ""),
                  trade_no=str(params.get("trade_no") or ""),
                  amount_micros=parse_yuan(params.get("money")),
                  paid=params.get("trade_status") == "TRADE_SUCCESS",
                  merchant_id=str(params.get("pid") or ""),
                  pay_type=str(params.get("type") or ""))


def query_request(base_url: str, pid: str, key: str, out_trade_no: str
                  ) -> tuple[str, dict[str, str]]:
    """``api.php?act=order``: authenticated by the merchant key itself (never log the URL)."""
    return f"{base_url}/api.php", {"act": "order", "pid": pid, "key": key,
                                   "out_trade_no": out_trade_no}


def read_query(reply: Mapping[str, Any], pid: str) -> Notice | None:
    """The order's facts from a query reply; ``None`` when the gateway knows no such order (or
    refused the query: code other than 1)."""
    if str(reply.get("code")) != "1":
        return None
    return Notice(out_trade_no=str(reply.get("out_trade_no") or ""),
                  trade_no=str(reply.get("trade_no") or ""),
                  amount_micros=parse_yuan(reply.get("money")),
                  paid=str(reply.get("status")) == "1",
                  merchant_id=str(reply.get("pid") or pid),
                  pay_type=str(reply.get("type") or ""))
