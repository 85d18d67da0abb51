"""Admin API: balances, recharges, refunds and adjustments (what `relaydesk recharge`,
`refund`, `adjust`, `ledger` and `recharges` do). Amounts arrive as decimal text ("12.50") and
are parsed by :mod:`app.money`; JSON numbers are refused, so no float ever touches a balance."""

from typing import Any

from aiohttp import web

from app import accounts, ledger, recharges, views
from app.money import parse_amount
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.state import STATE

RECHARGE_FIELDS = ("amount", "method", "note")
REFUND_FIELDS = ("amount", "note")
ADJUST_FIELDS = ("amount", "reason")
STATUSES = ("paid", "partially_refunded", "refunded", "pending")


def _ledger(username: str, limit: int, offset: int) -> dict[str, Any]:
    user = accounts.get_user(username)
    entries = ledger.entries(user.id, limit=limit, offset=offset)
    return {"object": "list", "username": user.username, "balance_micros": user.balance_micros,
            "data": [views.ledger_entry(e) for e in entries]}


@admin_only
async def show_ledger(request: web.Request) -> web.Response:
    """A user's balance and balance changes, newest first."""
    offset = c.query_int(request, "offset", default=0, high=10**9) or 0
    result = await request.app[STATE].dbx.run(_ledger, c.path_text(request, "username"),
                                              c.limit(request, 50), offset)
    return c.reply(result)


def _recharge(username: str, amount: int, method: str, note: str | None,
              who: str) -> dict[str, Any]:
    record = recharges.recharge(username, amount, method=method, note=note, actor=who)
    return views.recharge(record) | {
        "balance_micros": accounts.get_user(username).balance_micros}


@admin_only
async def recharge(request: web.Request) -> web.Response:
    data = await c.body(request, RECHARGE_FIELDS)
    amount = parse_amount(c.amount_text(data))
    method = c.text(data, "method")
    note = c.text(data, "note", nullable=True)
    record = await request.app[STATE].dbx.run(
        _recharge, c.path_text(request, "username"), amount,
        "manual" if method is c.MISSING else method, None if note is c.MISSING else note,
        actor(request))
    return c.reply(record, status=201)


@admin_only
async def refund(request: web.Request) -> web.Response:
    """Refund all (no ``amount``) or part of a recharge."""
    data = await c.body(request, REFUND_FIELDS)
    amount = c.amount_text(data, required=False)
    note = c.text(data, "note", nullable=True)
    record = await c.run_view(
        request, views.recharge, recharges.refund, c.path_text(request, "order_no"),
        None if amount is c.MISSING else parse_amount(amount),
        note=None if note is c.MISSING else note, actor=actor(request))
    return c.reply(record, status=201)


def _adjust(username: str, amount: int, reason: str, who: str) -> dict[str, Any]:
    user = accounts.get_user(username)
    return views.ledger_entry(ledger.adjust(user.id, amount, reason, actor=who))


@admin_only
async def adjust(request: web.Request) -> web.Response:
    """A signed correction ("-1.50") with a mandatory reason."""
    data = await c.body(request, ADJUST_FIELDS)
    amount = parse_amount(c.amount_text(data), allow_negative=True)
    reason = c.text(data, "reason", required=True)
    entry = await request.app[STATE].dbx.run(_adjust, c.path_text(request, "username"), amount,
                                             reason, actor(request))
    return c.reply(entry, status=201)


@admin_only
async def list_recharges(request: web.Request) -> web.Response:
    status = c.query_text(request, "status")
    if status is not None and status not in STATUSES:
        raise errors.bad_request(f"status must be one of {', '.join(STATUSES)}.", "status")
    rows = await c.run_view(
        request, views.recharge, recharges.list_recharges, c.query_text(request, "username"),
        status=status, limit=c.limit(request),
        offset=c.query_int(request, "offset", default=0, high=10**9))
    return c.listing(rows)


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/api/users/{username}/ledger", show_ledger)
    r.add_post("/admin/api/users/{username}/recharges", recharge)
    r.add_post("/admin/api/users/{username}/adjustments", adjust)
    r.add_get("/admin/api/recharges", list_recharges)
    r.add_post("/admin/api/recharges/{order_no}/refunds", refund)
