"""Signing up, in and out, accepting a new policy version, and choosing the language."""

from aiohttp import web

from app import notify, policy, privacy, registration, settings, signins, websessions
from app.adminauth import LockedOut
from app.errors import ServiceError
from relay.portal import i18n
from relay.portal.common import (
    LANG_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    client_address,
    error_text,
    form,
    is_https,
    redirect,
    render,
    run_db,
    run_password,
    safe_next,
    signed_in,
    signed_in_user,
    start_session_cookie,
    visitor,
)
from relay.portal.throttle import REGISTRATIONS, AddressThrottle, RegistrationLimits
from relay.state import STATE

WRONG_PASSWORD = ("Wrong username or password. After several wrong attempts, signing in to the "
                  "account pauses for 15 minutes.")


def _policy_facts() -> tuple[str, str]:
    return policy.in_force(), settings.get("registration_mode")


async def signin_page(request: web.Request) -> web.StreamResponse:
    if visitor(request).session is not None:
        return redirect(safe_next(request.query.get("next")))
    _, mode = await run_db(request, _policy_facts)
    return render(request, "signin.html", next=safe_next(request.query.get("next")),
                  username="", error=None, registration=mode)


async def signin(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    username, password = fields.get("username", "")[:200], fields.get("password", "")
    target = safe_next(fields.get("next"))
    ip, agent = client_address(request), request.headers.get("User-Agent")
    who = visitor(request)
    try:
        token, hours = await run_password(_sign_in, username, password, ip, agent, who.token,
                                          who.lang)
    except (LockedOut, ServiceError) as exc:
        if isinstance(exc, LockedOut) or exc.param == "password":
            # Every refused guess counts toward an address ban, those during a lockout too;
            # and one wording for both, so a lockout does not reveal that the account exists.
            await request.config_dict[STATE].guard.failure(ip, "portal_login")
            error = who._(WRONG_PASSWORD)
        else:
            error = error_text(request, exc)
    else:
        response = redirect(target)
        start_session_cookie(request, response, token, int(hours) * 3600)
        return response
    _, mode = await run_db(request, _policy_facts)
    return render(request, "signin.html", status=400, next=target, username=username,
                  error=error, registration=mode)


def _sign_in(username: str, password: str, ip: str | None, agent: str | None,
             previous_token: str | None, lang: str) -> tuple[str, int]:
    """Check the password, start the session and queue a new-device alert: one call on one
    connection, so each step reads what the one before it wrote. Returns the session token
    and the session's lifetime in hours."""
    user, attempt = signins.sign_in(username, password, ip=ip, user_agent=agent)
    token, _ = websessions.start_session(user, ip, agent, previous_token=previous_token)
    notify.signed_in(user.id, attempt.id, lang)
    return token, int(settings.get("session_absolute_hours"))


async def signout(request: web.Request) -> web.StreamResponse:
    await run_db(request, websessions.end_session, visitor(request).token)
    response = redirect(f"{PREFIX}/signin", "signed_out")
    response.del_cookie(SESSION_COOKIE, path=f"{PREFIX}/")
    return response


async def register_page(request: web.Request) -> web.StreamResponse:
    version, mode = await run_db(request, _policy_facts)
    return render(request, "register.html", mode=mode, version=version, values={},
                  error=None, error_field=None)


async def register(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    version, mode = await run_db(request, _policy_facts)
    values = {name: fields.get(name, "")[:300] for name in ("username", "email", "phone")}
    ip, agent = client_address(request), request.headers.get("User-Agent")
    error, error_field = None, None
    limits = request.config_dict[REGISTRATIONS]
    # Counted before the slow work, so concurrent requests cannot all pass the check.
    if not limits.attempts.take(ip) or not limits.accounts.take(ip):
        error = visitor(request)._(
            "Too many registrations from your network address; try again in an hour.")
    else:
        try:
            await run_password(_register, values, fields, ip, agent)
        except ServiceError as exc:
            limits.accounts.give_back(ip)  # no account was made
            error, error_field = error_text(request, exc), exc.param
        else:
            return redirect(f"{PREFIX}/signin", "registered")
    return render(request, "register.html", status=400, mode=mode, version=version,
                  values=values, error=error, error_field=error_field)


def _register(values: dict[str, str], fields: object, ip: str | None,
              agent: str | None) -> None:
    get = fields.get  # type: ignore[attr-defined]
    registration.register(
        values["username"], values["email"], get("password", ""),
        phone=values["phone"].strip() or None, invite_code=get("invite_code") or None,
        consent_version=get("consent_version", "") if get("accept") == "yes" else "",
        ip=ip, user_agent=agent)


@signed_in(before_consent=True)
async def consent_page(request: web.Request) -> web.StreamResponse:
    state = await run_db(request, policy.current)
    return render(request, "consent.html", version=state.version,
                  needs=visitor(request).needs_consent, error=None)


@signed_in(before_consent=True)
async def consent(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    user = signed_in_user(request)
    state = await run_db(request, policy.current)
    if fields.get("accept") != "yes" or fields.get("version") != state.version:
        return render(request, "consent.html", status=400, version=state.version, needs=True,
                      error=visitor(request)._("Tick the box to accept the policy."))
    await run_db(request, privacy.record_consent, user.username, state.version,
                 actor=user.username)
    return redirect(f"{PREFIX}/", "consent_recorded")


async def choose_language(request: web.Request) -> web.StreamResponse:
    lang = request.match_info["lang"]
    if lang not in i18n.LANGUAGES:
        raise web.HTTPNotFound()
    response = redirect(safe_next(request.query.get("next")))
    response.set_cookie(LANG_COOKIE, lang, samesite="Lax", secure=is_https(request),
                        path=f"{PREFIX}/", max_age=365 * 24 * 3600)
    return response


def setup(portal: web.Application) -> None:
    portal[REGISTRATIONS] = RegistrationLimits(attempts=AddressThrottle(20, 3600.0),
                                               accounts=AddressThrottle(5, 3600.0))
    portal.router.add_get("/signin", signin_page)
    portal.router.add_post("/signin", signin)
    portal.router.add_post("/signout", signout)
    portal.router.add_get("/register", register_page)
    portal.router.add_post("/register", register)
    portal.router.add_get("/consent", consent_page)
    portal.router.add_post("/consent", consent)
    portal.router.add_get("/lang/{lang}", choose_language)
