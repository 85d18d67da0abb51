"""``/pay/<gateway>/notify`` (the gateway's server calls it; the reply body is exactly what
the gateway expects) and ``/pay/<gateway>/return/<order>`` (the user's browser comes back;
sent on to the portal page showing the order)."""

import logging
from collections.abc import Mapping

from aiohttp import web
from multidict import MultiDict

from app.payments import epay, hupijiao, orders
from app.payments.epay import Notice
from app.payments.orders import Outcome
from relay.payments.confirm import load_gateway
from relay.state import STATE

log = logging.getLogger(__name__)

NOTIFY_PATHS = ("/pay/epay/notify", "/pay/hupijiao/notify")
MAX_FIELDS = 40
MAX_VALUE = 1024
MAX_BODY = 16 * 1024
# Acknowledged: the gateway stops retrying. A refused notify (bad signature, unknown order,
# wrong amount or merchant) is answered "fail": retrying cannot make it valid, and a genuine
# gateway keeps no state worth protecting from it.
ACKNOWLEDGED = (Outcome.CREDITED, Outcome.ALREADY_PAID, Outcome.UNPAID, Outcome.EXPIRED)


async def _params(request: web.Request) -> dict[str, str] | None:
    """The notify's fields (query string and form body; Epay may use either), or ``None``
    if they are unreadable, repeated or oversized."""
    fields: MultiDict[str] = MultiDict(request.query)
    if request.method == "POST":
        # A small urlencoded form is all a gateway sends; anything else is refused unread
        # (these paths are open to the internet, outside the relay allowlist).
        if (request.content_type != "application/x-www-form-urlencoded"
                or request.content_length is None or request.content_length > MAX_BODY):
            return None
        try:
            body = await request.post()
        except Exception:  # noqa: BLE001 - any unreadable body is a refused notify
            return None
        fields.extend((k, v) for k, v in body.items() if isinstance(v, str))
    if len(fields) > MAX_FIELDS or len(set(fields.keys())) != len(fields):
        return None
    if any(len(v) > MAX_VALUE or "\x00" in v for v in fields.values()):
        return None
    return dict(fields)


def _reply(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/plain")


async def _handle(request: web.Request, name: str, params: Mapping[str, str] | None
                  ) -> Outcome | None:
    """Verify and confirm; ``None`` when the message is not genuine."""
    gw = await load_gateway(request.config_dict, name)
    if gw is None or params is None:
        return None
    protocol = epay if name == "epay" else hupijiao
    if not protocol.verify_notify(params, gw.key):
        log.warning("a %s notify failed its signature check", name)
        return None
    notice: Notice = protocol.read_notify(params)
    outcome: Outcome = await request.app[STATE].dbx.run(
        orders.confirm, name, notice, gw.merchant_id, source="notify")
    if outcome not in (Outcome.CREDITED, Outcome.ALREADY_PAID, Outcome.UNPAID):
        log.warning("%s notify for order %s not credited: %s", name, notice.out_trade_no,
                    outcome.value)
    return outcome


async def epay_notify(request: web.Request) -> web.Response:
    outcome = await _handle(request, "epay", await _params(request))
    return _reply(epay.SUCCESS_REPLY if outcome in ACKNOWLEDGED else epay.FAILURE_REPLY)


async def hupijiao_notify(request: web.Request) -> web.Response:
    outcome = await _handle(request, "hupijiao", await _params(request))
    return _reply(hupijiao.SUCCESS_REPLY if outcome in ACKNOWLEDGED
                  else hupijiao.FAILURE_REPLY)


async def back_from_gateway(request: web.Request) -> web.StreamResponse:
    """The browser returns: a signed Epay return counts like a notify. The user lands on the
    portal page of the order, which asks the gateway about it if it is still pending."""
    name = request.match_info["gateway"]
    order_no = request.match_info["order"]
    if len(order_no) > 40 or not order_no.isalnum() or not order_no.isascii():
        raise web.HTTPNotFound()
    params = await _params(request)
    if name == "epay" and params and "sign" in params:
        await _handle(request, name, params)
    raise web.HTTPSeeOther(f"/portal/topup/{order_no}")


def setup(app: web.Application) -> None:
    for method in ("GET", "POST"):
        for path, handler in zip(NOTIFY_PATHS, (epay_notify, hupijiao_notify), strict=True):
            app.router.add_route(method, path, handler)
    app.router.add_get(r"/pay/{gateway:epay|hupijiao}/return/{order}", back_from_gateway)
