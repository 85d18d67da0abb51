"""Confirming orders: a verified gateway message goes through :func:`app.payments.orders.confirm`
(exactly once), whether a notify brought it or the relay asked the gateway's order-query API.
The periodic job asks about every pending order until it expires, since a relay on a LAN rarely
receives notifies."""

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
from aiohttp import web

from app.errors import ServiceError
from app.payments import client, gateways, orders
from app.payments.gateways import Gateway
from app.payments.orders import Outcome
from relay.cluster import singleton
from relay.state import STATE

log = logging.getLogger(__name__)

HTTP = web.AppKey("payments_http", aiohttp.ClientSession)
GATEWAYS = web.AppKey("payments_gateways", dict)
POLL_S = 60.0
RETURN_TIMEOUT_S = 5.0
# Each notify needs the key: a keyring (D-Bus) call on the database thread. A flood of
# notifies makes one every few seconds; a changed key is seen as soon.
GATEWAY_TTL_S = 5.0
# The relay app, or a request's ``config_dict`` (the portal is a sub-application).
Config = Mapping[Any, Any]


def _gateway_or_none(name: str) -> Gateway | None:
    try:
        return gateways.load(name)
    except ServiceError:
        return None


async def load_gateway(app: Config, name: str) -> Gateway | None:
    """The gateway's configuration (settings and keyring, off the event loop), cached for
    a few seconds."""
    cache: dict[str, tuple[float, Gateway | None]] = app[GATEWAYS]
    now = asyncio.get_running_loop().time()
    hit = cache.get(name)
    if hit is not None and hit[0] > now:
        return hit[1]
    gw: Gateway | None = await app[STATE].dbx.run(_gateway_or_none, name)
    cache[name] = (now + GATEWAY_TTL_S, gw)
    return gw


async def confirm_by_query(app: Config, gw: Gateway, order_no: str,
                           timeout: float = client.TIMEOUT_S) -> Outcome | None:
    """Ask the gateway about one order and credit it if paid; ``None`` if it could not be
    asked or does not know the order."""
    try:
        answer = await client.query(app[HTTP], gw, order_no, timeout=timeout)
    except client.GatewayError as exc:
        log.warning("could not ask %s about order %s: %s", gw.name, order_no, exc)
        return None
    if answer.notice is None:
        return None
    outcome: Outcome = await app[STATE].dbx.run(orders.confirm, gw.name, answer.notice,
                                                gw.merchant_id, source="query")
    if outcome is Outcome.CREDITED:
        log.info("order %s paid through %s (confirmed by query)", order_no, gw.name)
    return outcome


async def confirm_order(app: Config, order_no: str, gateway: str) -> None:
    """The user came back from the gateway: ask about their order now (briefly: the page
    waits for the answer; the job asks again)."""
    gw = await load_gateway(app, gateway)
    if gw is not None:
        await confirm_by_query(app, gw, order_no, timeout=RETURN_TIMEOUT_S)


async def sweep(app: web.Application) -> int:
    """One pass: ask about every pending order, then expire the overdue; returns the number
    credited."""
    dbx = app[STATE].dbx
    pending = await dbx.run(orders.pending_orders)
    configured: dict[str, Gateway | None] = {}
    credited = 0
    for record in pending:
        name = str(record.gateway)  # pending_orders() has only gateway orders
        if name not in configured:
            configured[name] = await load_gateway(app, name)
        gw = configured[name]
        if gw is not None and await confirm_by_query(app, gw, record.order_no) is Outcome.CREDITED:
            credited += 1
    expired = await dbx.run(orders.expire_overdue)
    if expired:
        log.info("%d unpaid top-up order(s) expired", expired)
    return credited


async def _poll(app: web.Application) -> None:
    while True:
        await asyncio.sleep(POLL_S)
        try:
            await sweep(app)
        except Exception:  # the database or a gateway briefly away: the next pass retries
            log.warning("confirming pending top-up orders failed", exc_info=True)


async def payments_context(app: web.Application) -> AsyncIterator[None]:
    """The relay's cleanup context: one HTTP client for gateway calls and the polling job
    (on one relay of those sharing a PostgreSQL database)."""
    app[HTTP] = aiohttp.ClientSession()
    app[GATEWAYS] = {}
    job = singleton.start(app, "payments-confirm", lambda: _poll(app),
                          task_name="payments-confirm")
    try:
        yield
    finally:
        await job.stop()
        await app[HTTP].close()
