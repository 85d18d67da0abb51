"""The signed-in home page: balance, this month's spend and tokens, recent requests and the
operator's announcements."""

from typing import Any

from aiohttp import web

from app import accounts, announcements, usage
from relay.portal.common import render, run_db, signed_in, signed_in_user


def _facts(user_id: int) -> dict[str, Any]:
    return {"account": accounts.get_user_by_id(user_id),
            "month": usage.month_summary(user_id),
            "recent": usage.recent_requests(user_id, 10),
            "announcements": announcements.recent(5)}


@signed_in
async def home(request: web.Request) -> web.StreamResponse:
    facts = await run_db(request, _facts, signed_in_user(request).id)
    return render(request, "home.html", **facts)


def setup(portal: web.Application) -> None:
    portal.router.add_get("/", home)
