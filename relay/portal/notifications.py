"""The user's email notifications: which optional mails they get and their own low-balance
threshold (``/notifications``), and the unsubscribe link in every optional mail
(``/unsubscribe/<token>``), which works without signing in: one click shows what it will do,
a confirming POST does it."""

from aiohttp import web

from app import notify, settings
from app.errors import NotFound, ServiceError
from app.money import format_amount, parse_amount
from relay.portal.common import (
    PREFIX,
    error_text,
    form,
    redirect,
    render,
    run_db,
    signed_in,
    signed_in_user,
)

# The names the pages show for each optional kind, in notify.OPTIONAL's order (translated in
# the template).
KIND_LABELS = {"low_balance": "Low-balance warnings", "receipt": "Recharge receipts",
               "announcement": "Announcements from the operator"}


def _page_facts(user_id: int) -> tuple[list[str], int | None, int, str | None]:
    opt_outs, own = notify.preferences(user_id)
    return (opt_outs, own, int(settings.get("low_balance_threshold_micros")),
            notify.mail_address(user_id))


async def _show(request: web.Request, status: int = 200, error: str | None = None,
                saved: bool = False) -> web.Response:
    user = signed_in_user(request)
    opt_outs, own, default, email = await run_db(request, _page_facts, user.id)
    return render(request, "notifications.html", status=status, kinds=KIND_LABELS,
                  opt_outs=opt_outs, own=format_amount(own) if own is not None else "",
                  default=format_amount(default), default_off=default == 0, email=email,
                  error=error, saved=saved)


@signed_in
async def notifications_page(request: web.Request) -> web.StreamResponse:
    return await _show(request, saved=request.query.get("notice") == "notifications_saved")


@signed_in
async def save(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    user = signed_in_user(request)
    wanted = set(fields.getall("receive", []))
    opt_outs = [kind for kind in notify.OPTIONAL if kind not in wanted]
    text = fields.get("threshold", "").strip()
    try:
        threshold = (parse_amount(text, param="threshold", field=notify.THRESHOLD,
                                  allow_zero=True) if text else None)
        await run_db(request, notify.set_preferences, user.id, opt_outs, threshold)
    except ServiceError as exc:
        return await _show(request, status=400, error=error_text(request, exc))
    return redirect(f"{PREFIX}/notifications", "notifications_saved")


def _unsubscribe_facts(token: str, kind: str | None) -> tuple[str, list[str]]:
    user = notify.unsubscribe_user(token)
    return str(user.username), list(user.email_opt_outs or [])


async def unsubscribe_page(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    kind = request.query.get("kind")
    kind = kind if kind in notify.OPTIONAL else None
    try:
        username, opt_outs = await run_db(request, _unsubscribe_facts, token, kind)
    except NotFound:
        raise web.HTTPNotFound() from None
    return render(request, "unsubscribe.html", username=username, kind=kind,
                  kinds=KIND_LABELS, done=False, already=kind in opt_outs if kind else False)


async def unsubscribe(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    fields = await form(request)
    kind = fields.get("kind") or None
    kind = kind if kind in notify.OPTIONAL else None
    try:
        await run_db(request, notify.unsubscribe, token, kind)
        username, _ = await run_db(request, _unsubscribe_facts, token, kind)
    except NotFound:
        raise web.HTTPNotFound() from None
    return render(request, "unsubscribe.html", username=username, kind=kind, kinds=KIND_LABELS,
                  done=True, already=False)


def setup(portal: web.Application) -> None:
    portal.router.add_get("/notifications", notifications_page)
    portal.router.add_post("/notifications", save)
    portal.router.add_get("/unsubscribe/{token}", unsubscribe_page)
    portal.router.add_post("/unsubscribe/{token}", unsubscribe)
