"""The calls RelayDesk makes to a gateway: starting a HupiJiao payment and asking either
gateway about an order. Errors never carry the request URL (Epay's query holds the key)."""

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from app.payments import epay, hupijiao
from app.payments.epay import Notice
from app.payments.gateways import Gateway

TIMEOUT_S = 15.0
MAX_REPLY = 64 * 1024


class GatewayError(Exception):
    """The gateway could not be asked, or its answer is not genuine (message is safe to show
    and log: no URL, no key)."""


async def _json(session: aiohttp.ClientSession, method: str, url: str,
                fields: Mapping[str, str], timeout: float = TIMEOUT_S) -> dict[str, Any]:
    kwargs: dict[str, Any] = ({"params": dict(fields)} if method == "GET"
                              else {"data": dict(fields)})
    try:
        async with session.request(method, url, allow_redirects=False,
                                   timeout=aiohttp.ClientTimeout(total=timeout),
                                   **kwargs) as resp:
            body = await resp.content.read(MAX_REPLY + 1)
            status = resp.status
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise GatewayError(f"the gateway did not answer ({type(exc).__name__})") from None
    if status != 200:
        raise GatewayError(f"the gateway answered HTTP {status}")
    if len(body) > MAX_REPLY:
        raise GatewayError("the gateway's answer is too long")
    try:
        reply = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise GatewayError("the gateway's answer is not JSON") from None
    if not isinstance(reply, dict):
        raise GatewayError("the gateway's answer is not a JSON object")
    return reply


async def hupijiao_pay_url(session: aiohttp.ClientSession, gw: Gateway, *, order_no: str,
                           total_fee: str, title: str, notify_url: str, return_url: str,
                           ) -> str:
    """Register the order with HupiJiao; the verified reply's URL is where the user pays."""
    url, fields = hupijiao.payment_request(
        gw.url, gw.merchant_id, gw.key, trade_order_id=order_no, total_fee=total_fee,
        title=title, now=int(time.time()), notify_url=notify_url, return_url=return_url)
    reply = await _json(session, "POST", url, fields)
    pay_url = hupijiao.read_payment_reply(reply, gw.key)
    if pay_url is None:
        raise GatewayError("the gateway refused the order or its answer is not genuine ("
                           f"{str(reply.get('errmsg') or '')[:100]})")
    return pay_url


@dataclass(frozen=True)
class QueryAnswer:
    """An order query's answer: ``notice`` is ``None`` when the gateway knows no such order;
    ``message`` is the gateway's own text."""

    notice: Notice | None
    message: str
    signed: bool  # HupiJiao signs its answers (verified); Epay's are not signed


async def query(session: aiohttp.ClientSession, gw: Gateway, order_no: str, *,
                timeout: float = TIMEOUT_S) -> QueryAnswer:
    """Ask the gateway about ``order_no``."""
    if gw.name == "epay":
        url, fields = epay.query_request(gw.url, gw.merchant_id, gw.key, order_no)
        reply = await _json(session, "GET", url, fields, timeout)
        notice = epay.read_query(reply, gw.merchant_id)
        if notice is not None and notice.out_trade_no != order_no:
            raise GatewayError("the gateway answered about another order")
        return QueryAnswer(notice, str(reply.get("msg") or "")[:200], False)
    url, fields = hupijiao.query_request(gw.url, gw.merchant_id, gw.key, order_no,
                                         int(time.time()))
    reply = await _json(session, "POST", url, fields, timeout)
    if not hupijiao.verify(reply, gw.key):
        raise GatewayError("the gateway's answer failed its signature check")
    return QueryAnswer(hupijiao.read_query(reply, gw.merchant_id, order_no),
                       str(reply.get("errmsg") or "")[:200], True)


@dataclass(frozen=True)
class TestResult:
    """The "Test gateway" button's answer, in words for the operator."""

    ok: bool
    message: str


async def test_gateway(gw: Gateway) -> TestResult:
    """Ask about a made-up order: the gateway must answer (HupiJiao: with a valid hash)."""
    made_up = "RDTEST" + time.strftime("%Y%m%d%H%M%S")
    async with aiohttp.ClientSession() as session:
        try:
            answer = await query(session, gw, made_up)
        except GatewayError as exc:
            return TestResult(False, str(exc))
    said = f" (it said: {answer.message})" if answer.message else ""
    if answer.signed:
        return TestResult(True, f"The gateway answered and its signature verified{said}.")
    return TestResult(True, f"The gateway answered{said}. Epay answers are not signed: a "
                            "wrong merchant key shows as a refusal in its message.")
