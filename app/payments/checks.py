"""Blocking entry points for the GUI's worker threads and the CLI: the "Test gateway" button
and one confirmation pass over pending orders (what the relay's job does every minute)."""

import asyncio

import aiohttp

from app.payments import client, gateways, orders
from app.payments.client import TestResult
from app.payments.orders import Outcome


def test_gateway(name: str) -> TestResult:
    """Ask the gateway about a made-up order: does it answer, and is the answer genuine?"""
    return asyncio.run(client.test_gateway(gateways.load(name)))


async def _ask_all() -> int:
    credited = 0
    configured: dict[str, gateways.Gateway | None] = {}
    async with aiohttp.ClientSession() as session:
        for record in orders.pending_orders():
            name = str(record.gateway)  # pending_orders() has only gateway orders
            if name not in configured:
                configured[name] = (gateways.load(name) if name in gateways.available()
                                    else None)
            gw = configured[name]
            if gw is None:
                continue
            try:
                answer = await client.query(session, gw, record.order_no)
            except client.GatewayError:
                continue
            if answer.notice is not None and orders.confirm(
                    gw.name, answer.notice, gw.merchant_id, source="query") is Outcome.CREDITED:
                credited += 1
    return credited


def confirm_pending() -> tuple[int, int]:
    """Ask the gateways about every pending order, then expire the overdue: (credited,
    expired). Database calls run on this thread, between the gateway calls."""
    credited = asyncio.run(_ask_all())
    return credited, orders.expire_overdue()
