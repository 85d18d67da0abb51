"""Forgotten passwords: ask for a reset link by email, then set a new password through it.

The "sent" answer is the same page and status whether the address has an account or not, and
for a throttled address too; the work behind it is alike (see :mod:`app.password_reset`).
"""

from aiohttp import web

from app import password_reset
from app.errors import ServiceError
from relay.portal.common import (
    client_address,
    error_text,
    form,
    render,
    run_password,
    visitor,
)
from relay.portal.throttle import AddressThrottle

# Per email address (3 links an hour) and per client address (20 asks an hour).
RESET_THROTTLES = web.AppKey("relaydesk_reset_throttles", tuple[AddressThrottle, AddressThrottle])


async def forgot_page(request: web.Request) -> web.StreamResponse:
    return render(request, "forgot.html", sent=False, email="")


async def forgot(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    email = fields.get("email", "").strip()[:254]
    ip = client_address(request)
    per_email, per_client = request.config_dict[RESET_THROTTLES]
    # Counted before the work; throttled asks get the same answer, and no mail.
    if email and per_client.take(ip) and per_email.take(email.lower()):
        # On the password threads: off the relay's database thread, and alike in cost for
        # known and unknown addresses.
        await run_password(_request_reset, email, ip)
    return render(request, "forgot.html", sent=True, email="")


def _request_reset(email: str, ip: str | None) -> bool:
    return password_reset.request_reset(email, ip=ip)


async def reset_page(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    # An unknown, used or expired link is a page that does not exist.
    if not await run_password(password_reset.check_link, token):
        raise web.HTTPNotFound()
    return render(request, "reset.html", done=False, error=None)


async def reset(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    fields = await form(request)
    new, again = fields.get("new_password", ""), fields.get("confirm_password", "")
    who = visitor(request)
    if new != again:
        return render(request, "reset.html", status=400, done=False,
                      error=who._("The two new passwords are not the same."))
    try:
        await run_password(_reset, token, new, client_address(request))
    except ServiceError as exc:
        if exc.param == "token":
            raise web.HTTPNotFound() from None
        return render(request, "reset.html", status=400, done=False,
                      error=error_text(request, exc))
    return render(request, "reset.html", done=True, error=None)


def _reset(token: str, new: str, ip: str | None) -> None:
    password_reset.reset_password(token, new, ip=ip)


def setup(portal: web.Application) -> None:
    portal[RESET_THROTTLES] = (AddressThrottle(3, 3600.0), AddressThrottle(20, 3600.0))
    portal.router.add_get("/forgot", forgot_page)
    portal.router.add_post("/forgot", forgot)
    portal.router.add_get("/reset/{token}", reset_page)
    portal.router.add_post("/reset/{token}", reset)
