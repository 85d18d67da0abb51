"""What every portal page shares: who is signed in, the language, CSRF checks, security
headers, form reading, rendering and HTML error pages.

The portal is a sub-application under ``/portal/`` of the relay's own server, so it shares the
guard (allowlist and bans) and the service layer, but none of the API's middlewares' JSON
shapes: a browser gets pages, never an OpenAI error body.
"""

import asyncio
import functools
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, overload
from urllib.parse import quote, urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDict

from app import db, netpolicy, policy, websessions
from app.errors import ServiceError
from app.models import User, WebSession
from relay.clientip import client_ip
from relay.portal import i18n
from relay.state import STATE

log = logging.getLogger(__name__)

PREFIX = "/portal"
SESSION_COOKIE = "relaydesk_session"
PRE_COOKIE = "relaydesk_form"  # signed-out forms' CSRF token (double-submit)
LANG_COOKIE = "relaydesk_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MAX_FIELD = 10_000  # characters; no portal field needs more

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "object-src 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# bcrypt takes a quarter second by design, and a user's reports and exports read all their rows:
# never on the event loop, nor on the relay's single SQLite thread, where they would hold up
# every hold and settlement behind them (SQLite in WAL mode reads beside the writer). Two pools,
# so a flood of password guesses cannot hold up a report, nor a report a sign-in.
PASSWORD_WORK = ThreadPoolExecutor(2, thread_name_prefix="relaydesk-portal-password")
REPORT_WORK = ThreadPoolExecutor(2, thread_name_prefix="relaydesk-portal-report")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(slots=True)
class Visitor:
    """Who is asking: their language, and their session when signed in."""

    lang: str
    session: WebSession | None = None
    token: str | None = None
    needs_consent: bool = False
    form_token: str | None = None  # the signed-out CSRF cookie's value (new or sent)
    new_form_token: bool = False
    signed_in_now: bool = False  # this response sets a new session cookie

    @property
    def user(self) -> User | None:
        return self.session.user if self.session is not None else None

    @property
    def csrf(self) -> str:
        """The token every form of this page carries."""
        if self.session is not None:
            return str(self.session.csrf_token)  # type: ignore[attr-defined]
        if self.form_token is None:
            self.form_token, self.new_form_token = secrets.token_urlsafe(24), True
        return self.form_token

    def _(self, text: str, **values: Any) -> str:
        return i18n.translator(self.lang)(text, **values)


VISITOR = web.RequestKey("relaydesk_portal_visitor", Visitor)
PORTAL = web.AppKey("relaydesk_portal", web.Application)


def visitor(request: web.Request) -> Visitor:
    return request[VISITOR]


def signed_in_user(request: web.Request) -> User:
    """The signed-in user (handlers behind :func:`signed_in` only)."""
    user = request[VISITOR].user
    assert user is not None, "only for pages behind @signed_in"
    return user


def _identify(token: str | None) -> tuple[WebSession | None, bool]:
    """One executor round trip: the live session and whether its user must consent again."""
    session = websessions.check_session(token)
    return session, session is not None and policy.needs_consent(session.user)


def run_db(request: web.Request, fn: Callable[..., Any], *args: Any, **kwargs: Any
           ) -> Awaitable[Any]:
    """A service call on the relay's database executor."""
    return request.config_dict[STATE].dbx.run(fn, *args, **kwargs)


def _closing(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn`` and close this thread's database connection: these threads outlive a relay,
    and an open connection would keep a restore from replacing the SQLite file."""
    try:
        return fn(*args)
    finally:
        db.close_database()


async def run_password(fn: Callable[..., Any], *args: Any) -> Any:
    """A service call that hashes or checks a password (bcrypt), on the portal's own threads."""
    return await asyncio.get_running_loop().run_in_executor(PASSWORD_WORK, _closing, fn, *args)


async def run_report(fn: Callable[..., Any], *args: Any) -> Any:
    """A long read (a report or export over all of a user's rows), on the portal's own
    threads."""
    return await asyncio.get_running_loop().run_in_executor(REPORT_WORK, _closing, fn, *args)


def safe_next(value: str | None, default: str = f"{PREFIX}/") -> str:
    """A redirect target only inside the portal: never another host (open redirect)."""
    if (not value or not value.startswith(f"{PREFIX}/") or "\\" in value
            or any(ord(c) < 32 or ord(c) == 127 for c in value)):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return default
    return value


def redirect(location: str, notice: str | None = None) -> web.Response:
    """Post/redirect/get: a 303 to ``location`` (returned, so cookies can ride on it), with a
    notice key the next page shows (see ``notices.html``)."""
    if notice:
        location += ("&" if "?" in location else "?") + "notice=" + quote(notice)
    return web.Response(status=303, headers={"Location": location})


@overload
def signed_in(handler: Handler) -> Handler: ...
@overload
def signed_in(*, before_consent: bool = False) -> Callable[[Handler], Handler]: ...


def signed_in(handler: Handler | None = None, *, before_consent: bool = False
              ) -> Handler | Callable[[Handler], Handler]:
    """Only for a signed-in user; others go to sign-in and come back. Unless ``before_consent``,
    a user who has not accepted the current major policy version is sent to accept it first."""
    def wrap(inner: Handler) -> Handler:
        @functools.wraps(inner)
        async def checked(request: web.Request) -> web.StreamResponse:
            who = request[VISITOR]
            if who.session is None:
                target = request.path_qs if request.method == "GET" else f"{PREFIX}/"
                raise web.HTTPSeeOther(f"{PREFIX}/signin?next={quote(target, safe='')}")
            if who.needs_consent and not before_consent:
                raise web.HTTPSeeOther(f"{PREFIX}/consent")
            return await inner(request)
        return checked
    return wrap(handler) if handler is not None else wrap


class BadForm(Exception):
    """A form that cannot be read (not UTF-8, a field too long, NUL bytes): a 400 page."""


async def form(request: web.Request) -> MultiDict[str]:
    """The posted form's text fields, strictly: a malformed one is a 400, never a 500."""
    try:
        data = await request.post()
    except web.HTTPException:  # too large: answered as its own status
        raise
    except (ValueError, LookupError, AssertionError, HttpProcessingError,
            web.RequestPayloadError) as exc:
        # bad UTF-8, an unknown charset, a broken compressed body
        raise BadForm(str(exc)[:100]) from None
    fields: MultiDict[str] = MultiDict()
    for name, value in data.items():
        if not isinstance(value, str):
            raise BadForm("file uploads are not accepted")
        if len(value) > MAX_FIELD:
            raise BadForm(f"the field {name[:40]!r} is too long")
        if "\x00" in value:
            raise BadForm("NUL characters are not accepted")
        fields.add(name, value)
    return fields


def render(request: web.Request, template: str, status: int = 200,
           **context: Any) -> web.Response:
    """A page: ``template`` with the visitor, the translator and the CSRF token in scope."""
    who = request[VISITOR]
    notice = request.query.get("notice", "")
    context.update(visitor=who, user=who.user, _=who._, csrf=who.csrf, lang=who.lang,
                   languages=i18n.LANGUAGES, prefix=PREFIX, path=request.path,
                   path_qs=request.path_qs, notice=notice[:64],
                   static=functools.partial(_static_url, request))
    return aiohttp_jinja2.render_template(template, request, context, status=status)


def _static_url(request: web.Request, name: str) -> str:
    """A static file's URL with its content hash appended, so browsers re-fetch on change."""
    portal = request.config_dict[PORTAL]
    return str(portal.router["static"].url_for(filename=name))


def is_portal_path(path: str) -> bool:
    return path == PREFIX or path.startswith(f"{PREFIX}/")


def error_text(request: web.Request, exc: ServiceError) -> str:
    """A service refusal in the visitor's language."""
    return i18n.error_text(exc, request[VISITOR].lang)


def _plain_error(status: int, message: str) -> web.Response:
    return web.Response(status=status, text=message, headers=SECURITY_HEADERS)


def _visitor_for_error(request: web.Request) -> Visitor:
    """The visitor, also for a refusal that came before the portal's middleware ran."""
    if VISITOR not in request:
        request[VISITOR] = Visitor(lang=i18n.negotiate(request.cookies.get(LANG_COOKIE),
                                                       request.headers.get("Accept-Language")))
    return request[VISITOR]


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    """An HTML error page in the visitor's language (plain text if even that fails)."""
    _visitor_for_error(request)
    try:
        return render(request, "error.html", status=status, status_code=status,
                      message=message)
    except Exception:
        log.exception("could not render the error page")
        return _plain_error(status, message)


NOT_FOUND = "That page does not exist, or it is not yours."
STATUS_TEXTS = {
    404: NOT_FOUND,
    405: "That address does not take this kind of request.",
    413: "What you sent is too large.",
}


def _status_text(exc: web.HTTPException) -> str:
    """An HTTP refusal's text, in words the catalogue translates (aiohttp's reasons are
    English only)."""
    return STATUS_TEXTS.get(exc.status, "Request failed.")
# The guard's refusals, which reach the portal before any page does, in the visitor's language.
GUARD_TEXTS = {
    "ip_not_allowed": "Your network address may not use this relay.",
    "ip_banned": "Too many failed sign-ins from your network address; it is blocked for a "
                 "while. Try again later.",
}


def status_page(request: web.Request, exc: web.HTTPException) -> web.Response:
    """An HTTP refusal outside any portal route (an unknown path, a wrong method) as a page."""
    return error_page(request, exc.status, _visitor_for_error(request)._(_status_text(exc)))


def guard_error_page(request: web.Request, status: int, code: str | None,
                     message: str) -> web.Response:
    """A refusal from the relay's guard (allowlist, ban) on a portal path, as a page."""
    text = GUARD_TEXTS.get(code or "")
    return error_page(request, status, _visitor_for_error(request)._(text) if text else message)


@web.middleware
async def portal_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Identify the visitor, refuse cross-site form posts, and answer failures as pages."""
    who = Visitor(lang=i18n.negotiate(request.cookies.get(LANG_COOKIE),
                                      request.headers.get("Accept-Language")),
                  form_token=request.cookies.get(PRE_COOKIE) or None)
    request[VISITOR] = who
    token = request.cookies.get(SESSION_COOKIE)
    try:
        if token and not request.path.startswith(f"{PREFIX}/static/"):
            who.session, who.needs_consent = await run_db(request, _identify, token)
            who.token = token if who.session is not None else None
        if request.method not in ("GET", "HEAD") and not await _csrf_ok(request, who):
            response: web.StreamResponse = error_page(request, 403, who._(
                "This form has expired or did not come from this site. Go back, reload the "
                "page and try again."))
        else:
            response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_page(request, exc.status, who._(_status_text(exc)))
    except BadForm:
        response = error_page(request, 400, who._(
            "The form could not be read: a field is too long or holds characters that are "
            "not text."))
    except ServiceError as exc:  # a refusal a page did not handle itself
        response = error_page(request, 400, error_text(request, exc))
    except Exception:
        log.exception("unhandled error serving %s %s", request.method, request.path)
        response = error_page(request, 500, who._(
            "Something went wrong on the relay. Please try again; if it keeps happening, tell "
            "the operator."))
    _finish(request, who, response)
    return response


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every portal response as it is sent: pages, files, errors and the playground's
    stream alike (a handler that prepares its own response skips the middleware's finish)."""
    if is_portal_path(request.path):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)


def _finish(request: web.Request, who: Visitor, response: web.StreamResponse) -> None:
    if response.prepared:  # a stream (playground) sent its headers itself
        return
    static = request.path.startswith(f"{PREFIX}/static/")
    if not static:
        response.headers.setdefault("Cache-Control", "no-store")
    # Static files never look the session up, so theirs is None: not a reason to drop it.
    if (request.cookies.get(SESSION_COOKIE) and who.session is None and not who.signed_in_now
            and not static):
        response.del_cookie(SESSION_COOKIE, path=f"{PREFIX}/")  # names no session any more
    if who.new_form_token and who.form_token:
        response.set_cookie(PRE_COOKIE, who.form_token, httponly=True, samesite="Lax",
                            secure=is_https(request), path=f"{PREFIX}/")


async def _csrf_ok(request: web.Request, who: Visitor) -> bool:
    """A state-changing request must carry this visitor's CSRF token, in the form or in a
    header (the playground's fetch)."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.content_type in ("application/x-www-form-urlencoded",
                                                 "multipart/form-data"):
        sent = (await form(request)).get(CSRF_FIELD)
    if not sent:
        return False
    if who.session is not None:
        return websessions.check_csrf(who.session, sent)
    cookie = request.cookies.get(PRE_COOKIE)
    return cookie is not None and hmac.compare_digest(cookie.encode(), sent.encode())


def start_session_cookie(request: web.Request, response: web.StreamResponse, token: str,
                         max_age: int) -> None:
    """The session cookie: script cannot read it, cross-site posts do not carry it, and under
    HTTPS it never travels in clear."""
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax",
                        secure=is_https(request), path=f"{PREFIX}/", max_age=max_age)
    request[VISITOR].signed_in_now = True


def is_https(request: web.Request) -> bool:
    """Whether the browser reached the portal over HTTPS: the relay's own TLS, or a trusted
    reverse proxy's (``trusted_proxies``) that terminated it and says so in
    ``X-Forwarded-Proto`` — anyone else's header is not believed."""
    if request.secure:
        return True
    proto = request.headers.get("X-Forwarded-Proto", "")
    if proto.split(",")[-1].strip().lower() != "https":
        return False
    trusted = request.config_dict[STATE].guard.policy.trusted_proxies
    return netpolicy.contains(trusted, netpolicy.parse_address(request.remote))


def client_address(request: web.Request) -> str | None:
    return client_ip(request)
