"""Admin API: online top-ups (what `relaydesk payments` does). Gateway keys are write-only:
they go to the keyring and no answer ever carries one."""

from typing import Any

from aiohttp import web

from app import settings
from app.errors import ServiceError
from app.money import parse_amount
from app.payments import client, gateways, orders
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.payments.confirm import sweep
from relay.state import STATE

GATEWAY_FIELDS = ("url", "merchant_id", "key")
REFUND_FIELDS = ("amount", "note")


def _overview() -> dict[str, Any]:
    return {"gateways": [gateways.describe(name) for name in gateways.GATEWAYS],
            "public_base_url": settings.get("public_base_url"),
            "order_expiry_minutes": settings.get("payments_order_expiry_minutes")}


def _gateway(request: web.Request) -> str:
    name = c.path_text(request, "gateway")
    try:
        return gateways.check_name(name)
    except ServiceError:
        raise web.HTTPNotFound() from None


@admin_only
async def overview(request: web.Request) -> web.Response:
    return c.reply(await request.app[STATE].dbx.run(_overview))


@admin_only
async def configure(request: web.Request) -> web.Response:
    """Set ``url``, ``merchant_id`` and/or ``key`` (stored in the keyring)."""
    name = _gateway(request)
    data = await c.body(request, GATEWAY_FIELDS)
    options = {field: value for field in GATEWAY_FIELDS
               if (value := c.text(data, field)) is not c.MISSING}
    who = actor(request)
    view = await request.app[STATE].dbx.run(
        lambda: gateways.configure(name, actor=who, **options))
    return c.reply(view)


@admin_only
async def test_gateway(request: web.Request) -> web.Response:
    """Ask the gateway about a made-up order: ``ok`` and the outcome in words."""
    name = _gateway(request)
    gw = await request.app[STATE].dbx.run(gateways.load, name)
    result = await client.test_gateway(gw)
    return c.reply({"gateway": name, "ok": result.ok, "message": result.message})


@admin_only
async def list_orders(request: web.Request) -> web.Response:
    return c.listing(await c.run_view(
        request, orders.order_view, orders.list_orders, status=c.query_text(request, "status"),
        gateway=c.query_text(request, "gateway"), username=c.query_text(request, "username"),
        limit=c.limit(request, 200), offset=c.query_int(request, "offset", default=0) or 0))


@admin_only
async def get_order(request: web.Request) -> web.Response:
    return c.reply(await c.run_view(request, orders.order_view, orders.get_order,
                                    c.path_text(request, "order_no")))


@admin_only
async def refund(request: web.Request) -> web.Response:
    """Refund all (no ``amount``) or part of a paid order; ``note`` says why."""
    data = await c.body(request, REFUND_FIELDS)
    amount = c.amount_text(data, required=False)
    micros = None if amount is c.MISSING else parse_amount(amount)
    note = c.text(data, "note", nullable=True)
    view = await c.run_view(request, orders.order_view, orders.refund,
                            c.path_text(request, "order_no"), micros,
                            note=None if note is c.MISSING else note, actor=actor(request))
    return c.reply({**view, "message": orders.REFUND_NOTE})


@admin_only
async def check_now(request: web.Request) -> web.Response:
    """Ask the gateways about pending orders now, then expire the overdue."""
    return c.reply({"credited": await sweep(request.app)})


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/api/payments", overview)
    r.add_patch("/admin/api/payments/gateways/{gateway}", configure)
    r.add_post("/admin/api/payments/gateways/{gateway}/test", test_gateway)
    r.add_get("/admin/api/payments/orders", list_orders)
    r.add_get("/admin/api/payments/orders/{order_no}", get_order)
    r.add_post("/admin/api/payments/orders/{order_no}/refund", refund)
    r.add_post("/admin/api/payments/check", check_now)
