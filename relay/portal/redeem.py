"""The Redeem page: a signed-in user enters a redemption code and the code's amount is added to
their balance once. A wrong code counts toward the address ban like a wrong password, and every
refusal reads alike, so the page cannot be used to learn which codes exist."""

from aiohttp import web

from app import accounts, redemption
from app.errors import NotFound, ServiceError
from relay.portal.common import (
    PREFIX,
    client_address,
    form,
    redirect,
    render,
    run_db,
    signed_in,
    signed_in_user,
    visitor,
)
from relay.state import STATE

NOT_VALID = "That code is not valid."


def _page_facts(user_id: int, order_no: str | None) -> dict[str, object]:
    credited = redemption.own_redemption(user_id, order_no) if order_no else None
    return {"account": accounts.get_user_by_id(user_id), "credited": credited}


async def _page(request: web.Request, *, status: int = 200, error: str | None = None,
                order_no: str | None = None) -> web.StreamResponse:
    try:
        facts = await run_db(request, _page_facts, signed_in_user(request).id, order_no)
    except NotFound:  # someone else's order number, or made up
        raise web.HTTPNotFound() from None
    return render(request, "redeem.html", status=status, error=error, **facts)


@signed_in
async def redeem_page(request: web.Request) -> web.StreamResponse:
    order_no = request.query.get("order", "")
    if "\x00" in order_no:
        raise web.HTTPNotFound()
    return await _page(request, order_no=order_no[:40] or None)


@signed_in
async def redeem(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    ip = client_address(request)
    try:
        record = await run_db(request, redemption.redeem, signed_in_user(request).id,
                              fields.get("code", ""), ip=ip)
    except ServiceError:
        # Unknown, used, expired and disabled codes are one answer, and each try counts.
        await request.config_dict[STATE].guard.failure(ip, "redeem")
        return await _page(request, status=400, error=visitor(request)._(NOT_VALID))
    # Back to a GET page: reloading it does not post the used code again (a refusal and a
    # strike toward a ban).
    return redirect(f"{PREFIX}/redeem?order={record.order_no}")


def setup(portal: web.Application) -> None:
    portal.router.add_get("/redeem", redeem_page)
    portal.router.add_post("/redeem", redeem)
