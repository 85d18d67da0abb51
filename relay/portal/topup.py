"""Top up online: the user picks an amount and a gateway, a pending order is made and the
browser is sent to the gateway (an auto-submitting form, or a button without JavaScript);
coming back, the order's page shows its status, asking the gateway first while it is pending."""

import time
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from app.errors import ServiceError
from app.models import RechargeRecord
from app.payments import client, epay, gateways, orders
from app.payments.money import to_yuan
from relay.payments.confirm import HTTP, confirm_order, load_gateway
from relay.portal.common import (
    CSP,
    error_text,
    form,
    render,
    run_db,
    signed_in,
    signed_in_user,
    visitor,
)

ORDER = r"{order_no:RD[0-9A-F]{1,38}}"
ASK_EVERY_S = 5.0


def _origin(request: web.Request) -> str:
    """This relay's address as the connection reached it: the socket's own address, never the
    Host header, which the client writes (a forged one was signed into the gateway form)."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if not sockname:
        raise web.HTTPServiceUnavailable()
    host, port = str(sockname[0]), int(sockname[1])
    if ":" in host:
        host = f"[{host.split('%', 1)[0]}]"
    return f"{request.scheme}://{host}:{port}"


def _with_gateway_origin(response: web.Response, url: str) -> web.Response:
    """The portal's CSP lets forms post only to itself: this page's form (or its redirect)
    may also go to the gateway's address."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    response.headers["Content-Security-Policy"] = CSP.replace(
        "form-action 'self'", f"form-action 'self' {origin}")
    return response


async def _choices(request: web.Request) -> list[str]:
    return list(await run_db(request, gateways.available))


@signed_in
async def topup_page(request: web.Request) -> web.StreamResponse:
    return render(request, "topup.html", available=await _choices(request), error=None,
                  amount="", chosen=None)


@signed_in
async def start_topup(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    # one radio group names both: "epay:alipay"
    gateway, _sep, pay_type = fields.get("gateway_choice", "").partition(":")
    available = await _choices(request)
    try:
        amount = orders.parse_amount(fields.get("amount", ""))
        record: RechargeRecord = await run_db(request, orders.create_order,
                                              signed_in_user(request).id, amount, gateway,
                                              pay_type)
    except ServiceError as exc:
        return render(request, "topup.html", status=400, available=available,
                      error=error_text(request, exc), amount=fields.get("amount", ""),
                      chosen=gateway)
    gw = await load_gateway(request.config_dict, gateway)
    if gw is None:  # its key vanished in between: the order just expires
        raise web.HTTPServiceUnavailable()
    origin = _origin(request)
    title = visitor(request)._("Top-up {order_no}", order_no=record.order_no)
    if gateway == "epay":
        action, hidden = epay.submit_form(
            gw.url, gw.merchant_id, gw.key, pay_type=pay_type, out_trade_no=record.order_no,
            notify_url=gateways.notify_url("epay", origin),
            return_url=gateways.return_url("epay", record.order_no, origin),
            name=title, money=to_yuan(record.amount_micros))
        context: dict[str, Any] = {"action": action, "fields": hidden, "link": None}
    else:
        try:
            link = await client.hupijiao_pay_url(
                request.config_dict[HTTP], gw, order_no=record.order_no,
                total_fee=to_yuan(record.amount_micros), title=title,
                notify_url=gateways.notify_url("hupijiao", origin),
                return_url=gateways.return_url("hupijiao", record.order_no, origin))
        except client.GatewayError:
            return render(request, "topup_order.html", status=502, order=record,
                          gateway_failed=True)
        action, context = link, {"action": None, "fields": {}, "link": link}
    response = render(request, "topup_go.html", order=record, **context)
    return _with_gateway_origin(response, action)


@signed_in
async def order_page(request: web.Request) -> web.StreamResponse:
    user = signed_in_user(request)
    order_no = request.match_info["order_no"]
    record = await run_db(request, orders.get_own_order, user.id, order_no)
    if record is None:
        raise web.HTTPNotFound()
    # A notify may never reach a relay on a LAN: ask the gateway, at most every few seconds
    # per order (each query goes out in the merchant's name, and reloads are free).
    if record.status == "pending" and request.config_dict[ASKED].due(record.order_no):
        await confirm_order(request.config_dict, record.order_no, record.gateway)
        record = await run_db(request, orders.get_own_order, user.id, order_no)
    return render(request, "topup_order.html", order=record, gateway_failed=False)


class AskedRecently:
    """When each pending order's gateway was last asked from its page (bounded)."""

    def __init__(self, every: float = ASK_EVERY_S, max_orders: int = 10_000) -> None:
        self.every, self.max_orders = every, max_orders
        self._asked: dict[str, float] = {}

    def due(self, order_no: str) -> bool:
        now = time.monotonic()
        if now - self._asked.get(order_no, -self.every) < self.every:
            return False
        if len(self._asked) >= self.max_orders:
            self._asked.clear()
        self._asked[order_no] = now
        return True

    def forget(self, order_no: str) -> None:
        """Let the next view of ``order_no`` ask again (its wait is over)."""
        self._asked.pop(order_no, None)


ASKED = web.AppKey("relaydesk_topup_asked", AskedRecently)


def setup(portal: web.Application) -> None:
    portal[ASKED] = AskedRecently()
    portal.router.add_get("/topup", topup_page)
    portal.router.add_post("/topup", start_topup)
    portal.router.add_get(f"/topup/{ORDER}", order_page)
