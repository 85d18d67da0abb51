"""Admin API: redemption codes (what `relaydesk codes` does). Generating answers with the codes
themselves, once, as a list and as the same CSV the CLI writes; afterwards only their prefixes
exist. ``amount`` is decimal text ("10.00"); ``expires`` a date YYYY-MM-DD (the last day)."""

from typing import Any

from aiohttp import web

from app import redemption
from app.apikeys import parse_expiry
from app.money import parse_amount
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.state import STATE

FIELDS = ("count", "amount", "expires", "note")


def _generate(count: int, amount: int, expires: str | None, note: str | None,
              who: str) -> dict[str, Any]:
    made = redemption.generate(count, amount, expires_at=parse_expiry(expires), note=note,
                               actor=who)
    return {"batch": made[0].row.batch, "count": len(made),
            "codes": [{**redemption.view(m.row), "code": m.code} for m in made],
            "csv": redemption.to_csv(made)}


@admin_only
async def generate_codes(request: web.Request) -> web.Response:
    data = await c.body(request, FIELDS)
    count = data.get("count", c.MISSING)
    if count is c.MISSING:
        raise errors.bad_request("count is required.", "count", code="missing_field")
    if not isinstance(count, int) or isinstance(count, bool):
        raise errors.bad_request("count must be a whole number.", "count")
    amount = parse_amount(c.amount_text(data))
    expires = c.text(data, "expires", nullable=True)
    note = c.text(data, "note", nullable=True)
    result = await request.app[STATE].dbx.run(
        _generate, count, amount, None if expires is c.MISSING else expires,
        None if note is c.MISSING else note, actor(request))
    return c.reply(result, status=201)


@admin_only
async def list_codes(request: web.Request) -> web.Response:
    """Newest first; ``?status=active|used|disabled``, ``?batch=``, ``?limit=``."""
    rows = await c.run_view(request, redemption.view, redemption.list_codes,
                            status=c.query_text(request, "status"),
                            batch=c.query_text(request, "batch"),
                            limit=c.limit(request, 1000, 100_000))
    return c.listing(rows)


@admin_only
async def get_code(request: web.Request) -> web.Response:
    return c.reply(await c.run_view(request, redemption.view, redemption.get_code,
                                    c.path_int(request, "code_id")))


@admin_only
async def disable_code(request: web.Request) -> web.Response:
    """An unused code stops working; a used one is a 409."""
    await c.body(request, ())
    return c.reply(await c.run_view(request, redemption.view, redemption.disable,
                                    c.path_int(request, "code_id"), actor=actor(request)))


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/api/codes", list_codes)
    r.add_post("/admin/api/codes", generate_codes)
    r.add_get("/admin/api/codes/{code_id}", get_code)
    r.add_post("/admin/api/codes/{code_id}/disable", disable_code)
