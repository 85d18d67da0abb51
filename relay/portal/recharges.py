"""The Recharges page: the user's own recharge orders (with refunds) and their balance history,
without the hold/release pair each relayed request leaves behind."""

import re
from typing import Any

from aiohttp import web

from app import accounts, reports
from relay.portal.common import BadForm, render, run_report, signed_in, signed_in_user

LEDGER_PAGE = 50
MAX_LEDGER_PAGE = 10_000
RECHARGE_LIMIT = 200
_DECIMAL = re.compile(r"[0-9]{1,5}")  # ASCII only: str.isdigit takes "²", which int() refuses


def _facts(user_id: int, page: int) -> dict[str, Any]:
    user = accounts.get_user_by_id(user_id)
    entries = reports.ledger_entries(user_id, hide_reservations=True, limit=LEDGER_PAGE + 1,
                                     offset=(page - 1) * LEDGER_PAGE)
    flt = reports.RechargeFilter(username=user.username)
    return {"account": user, "recharges": reports.list_recharges(flt, limit=RECHARGE_LIMIT),
            "totals": reports.recharge_totals(flt), "entries": entries[:LEDGER_PAGE],
            "more": len(entries) > LEDGER_PAGE}


@signed_in
async def recharges_page(request: web.Request) -> web.StreamResponse:
    raw = request.query.get("page", "1")
    if "\x00" in raw:
        raise BadForm("NUL characters are not accepted")
    page = int(raw) if _DECIMAL.fullmatch(raw) else 1
    page = min(max(page, 1), MAX_LEDGER_PAGE)
    # a deep page skips thousands of ledger rows: off the relay's database thread
    facts = await run_report(_facts, signed_in_user(request).id, page)
    return render(request, "recharges.html", page=page, limit=RECHARGE_LIMIT, **facts)


def setup(portal: web.Application) -> None:
    portal.router.add_get("/recharges", recharges_page)
