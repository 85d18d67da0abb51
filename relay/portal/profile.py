"""The Profile page: the user's email and phone, a password change (ending every other
session), their sign-in history with new devices marked, and their live sessions."""

from typing import Any

from aiohttp import web

from app import accounts, settings, signins, websessions
from app.errors import ServiceError
from relay.portal.common import (
    PREFIX,
    client_address,
    error_text,
    form,
    redirect,
    render,
    run_db,
    run_password,
    signed_in,
    signed_in_user,
    start_session_cookie,
    visitor,
)
from relay.state import STATE

HISTORY = 50


def _facts(user_id: int) -> dict[str, Any]:
    user = accounts.get_user_by_id(user_id)
    history = signins.signin_history(user, HISTORY)
    new = {item.id for item in history
           if item.ok and signins.is_new_device(user, item.user_agent, before=item)}
    sessions = [(session, *signins.device(session.user_agent))
                for session in websessions.live_sessions(user)]
    return {"account": user, "history": history, "new_devices": new, "sessions": sessions}


async def _page(request: web.Request, status: int = 200, **context: Any) -> web.Response:
    facts = await run_db(request, _facts, signed_in_user(request).id)
    values = context.pop("values", None) or {"email": facts["account"].email or "",
                                             "phone": facts["account"].phone or ""}
    context.setdefault("contact_error", None)
    context.setdefault("password_error", None)
    context.setdefault("error_field", None)
    session = visitor(request).session
    return render(request, "profile.html", status=status, values=values,
                  this_session=session.id if session is not None else None,
                  sessions_ended=request.query.get("notice") == "sessions_ended",
                  **facts, **context)


@signed_in
async def profile_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


async def _refused(request: web.Request, exc: ServiceError) -> None:
    """A wrong current password counts toward an address ban, as a wrong sign-in does."""
    if exc.param == "current_password":
        await request.config_dict[STATE].guard.failure(client_address(request), "portal_login")


@signed_in
async def save_contact(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    values = {name: fields.get(name, "")[:300] for name in ("email", "phone")}
    try:
        await run_password(_change_contact, signed_in_user(request).id, values,
                       fields.get("current_password"), client_address(request))
    except ServiceError as exc:
        await _refused(request, exc)
        return await _page(request, 400, values=values, contact_error=error_text(request, exc),
                           error_field=exc.param)
    return redirect(f"{PREFIX}/profile", "profile_saved")


def _change_contact(user_id: int, values: dict[str, str], current: str | None,
                    ip: str | None) -> None:
    accounts.change_own_contact(user_id, email=values["email"], phone=values["phone"],
                                current_password=current, ip=ip)


def _change_password(user_id: int, current: str, new: str, ip: str | None) -> None:
    accounts.change_own_password(user_id, current, new, ip=ip)


@signed_in
async def change_password(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    user, who = signed_in_user(request), visitor(request)
    new = fields.get("new_password", "")
    if new != fields.get("confirm_password", ""):
        return await _page(request, 400, error_field="confirm_password",
                           password_error=who._("The two new passwords are not the same."))
    try:
        await run_password(_change_password, user.id, fields.get("current_password", ""), new,
                       client_address(request))
    except ServiceError as exc:
        await _refused(request, exc)
        return await _page(request, 400, password_error=error_text(request, exc),
                           error_field=exc.param)
    return await _fresh_session(request, "password_changed")


async def _fresh_session(request: web.Request, notice: str) -> web.Response:
    """Every session has ended; this browser goes on with a fresh one."""
    user = signed_in_user(request)
    ip, agent = client_address(request), request.headers.get("User-Agent")
    token, _ = await run_db(request, websessions.start_session, user, ip, agent)
    hours = await run_db(request, settings.get, "session_absolute_hours")
    response = redirect(f"{PREFIX}/profile", notice)
    start_session_cookie(request, response, token, int(hours) * 3600)
    return response


@signed_in
async def end_other_sessions(request: web.Request) -> web.StreamResponse:
    """Sign out everywhere else: all sessions end, then this browser gets a new one."""
    await run_db(request, websessions.end_all_sessions, signed_in_user(request).id)
    return await _fresh_session(request, "sessions_ended")


def setup(portal: web.Application) -> None:
    portal.router.add_get("/profile", profile_page)
    portal.router.add_post("/profile/contact", save_contact)
    portal.router.add_post("/profile/password", change_password)
    portal.router.add_post("/profile/sessions", end_other_sessions)
