"""The HupiJiao (虎皮椒/xunhupay) protocol: MD5 hashes, payment/do.html, notify verification and
payment/query.html."""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from app.payments import epay
from app.payments.epay import Notice
from app.payments.money import parse_yuan

SUCCESS_REPLY = "success"
FAILURE_REPLY = "fail"


def _flat(params: Mapping[str, Any]) -> dict[str, str]:
    """Scalar values as text; a nested object (the query reply's ``data``) is signed by its
    own fields, as if they were at the top."""
    flat: dict[str, str] = {}
    for k, v in params.items():
        if isinstance(v, Mapping):
            flat.update(_flat(v))
        elif isinstance(v, bool):
            flat[k] = "1" if v else "0"
        elif v is not None and not isinstance(v, list):
            flat[k] = str(v)
    return flat


def make_hash(params: Mapping[str, Any], secret: str) -> str:
    """MD5 of the non-empty parameters but ``hash``, sorted, ``k=v&...``, appsecret appended."""
    items = sorted((k, v) for k, v in _flat(params).items() if k != "hash" and v != "")
    text = "&".join(f"{k}={v}" for k, v in items) + secret
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def verify(params: Mapping[str, Any], secret: str) -> bool:
    given = str(params.get("hash") or "").lower()
    return bool(secret) and hmac.compare_digest(given.encode(), make_hash(params, secret).encode())


def verify_notify(params: Mapping[str, Any], secret: str) -> bool:
    """A notify is genuine: no name or value holds ``&`` or ``=`` (the signed text marks no
    field boundaries, see :func:`app.payments.epay.unambiguous`), and the hash matches."""
    return epay.unambiguous({k: v for k, v in params.items() if k != "hash"}) and verify(
        params, secret)


def _nonce() -> str:
    return secrets.token_hex(8)


def payment_request(base_url: str, appid: str, secret: str, *, trade_order_id: str,
                    total_fee: str, title: str, now: int, notify_url: str, return_url: str
                    ) -> tuple[str, dict[str, str]]:
    """The server-side POST to ``payment/do.html``; its JSON reply carries the pay URL. (The
    payment channel, WeChat or Alipay, is the appid's: HupiJiao gives one appid per channel.)"""
    fields = {"version": "1.1", "appid": appid, "trade_order_id": trade_order_id,
              "total_fee": total_fee, "title": title, "time": str(now),
              "notify_url": notify_url, "return_url": return_url, "nonce_str": _nonce()}
    if not epay.unambiguous(fields):
        raise ValueError("a field to sign holds '&' or '='")
    fields["hash"] = make_hash(fields, secret)
    return f"{base_url}/payment/do.html", fields


def read_payment_reply(reply: Mapping[str, Any], secret: str) -> str | None:
    """The URL to send the browser to, or ``None`` if the reply is refused or not genuine."""
    if str(reply.get("errcode")) != "0" or not verify(reply, secret):
        return None
    url = str(reply.get("url") or "")
    return url if url.startswith(("https://", "http://")) else None


def read_notify(params: Mapping[str, Any]) -> Notice:
    """The notify's facts (call :func:`verify` first)."""
    return Notice(out_trade_no=str(params.get("trade_order_id") or ""),
                  trade_no=str(params.get("transaction_id") or params.get("open_order_id")
                                or ""),
                  amount_micros=parse_yuan(params.get("total_fee")),
                  paid=params.get("status") == "OD",
                  merchant_id=str(params.get("appid") or ""))


def query_request(base_url: str, appid: str, secret: str, out_trade_order: str, now: int
                  ) -> tuple[str, dict[str, str]]:
    fields = {"appid": appid, "out_trade_order": out_trade_order, "time": str(now),
              "nonce_str": _nonce()}
    fields["hash"] = make_hash(fields, secret)
    return f"{base_url}/payment/query.html", fields


def read_query(reply: Mapping[str, Any], appid: str, out_trade_order: str) -> Notice | None:
    """The order's facts from a verified query reply (``data.status`` OD = paid); ``None``
    when the gateway refused or knows no such order."""
    data = reply.get("data")
    if str(reply.get("errcode")) != "0" or not isinstance(data, Mapping):
        return None
    return Notice(out_trade_no=str(data.get("trade_order_id") or out_trade_order),
                  trade_no=str(data.get("transaction_id") or data.get("open_order_id") or ""),
                  amount_micros=parse_yuan(data.get("total_fee")),
                  paid=data.get("status") == "OD", merchant_id=appid)
