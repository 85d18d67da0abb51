"""Who may use the remote admin API: an address inside the admin whitelist AND a valid admin
token. Everything under ``/admin/api`` passes through :func:`admin_middleware` before routing,
so unknown paths and wrong methods are refused exactly like known ones; the route handlers are
additionally wrapped by :func:`admin_only`, so no admin handler can ever run unauthenticated.

Every refusal is a 403 with an audit event (``admin_api.denied``). A wrong token also counts
toward a temporary ban of the address (``guard.failure(ip, "admin_auth")``). Refusals are
audited at most once a minute per address and reason (with a count of the repeats), so a
scanner cannot grow the audit table by one row per request.
"""

import functools
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from app import admintokens, audit, bans
from app.admintokens import TokenInfo
from app.errors import ServiceError
from relay import errors
from relay.admin.common import service_error
from relay.auth import bearer_token
from relay.clientip import client_ip
from relay.state import STATE

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PREFIX = "/admin/api"
TOKEN: web.RequestKey[TokenInfo] = web.RequestKey("relaydesk_admin_token", TokenInfo)
"""Request key: the verified admin token of this request."""

ADDRESS_AUDIT_INTERVAL = 60.0  # seconds between audit rows for one refused address


class AddressDenials:
    """When the next audit row is due for an address outside the whitelist (per app)."""

    def __init__(self, interval: float = ADDRESS_AUDIT_INTERVAL,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.interval, self.clock = interval, monotonic  # tests move the clock
        self._seen: dict[str, tuple[float, int]] = {}  # ip -> (last audited, repeats since)

    def due(self, ip: str) -> int | None:
        """Repeats to report when an audit row is due for ``ip`` now, else ``None``."""
        now = self.clock()
        last = self._seen.get(ip)
        if last is not None and now - last[0] < self.interval:
            self._seen[ip] = (last[0], last[1] + 1)
            return None
        if len(self._seen) > 10_000:  # bounded: spoofed floods cannot grow memory
            self._seen.clear()
        self._seen[ip] = (now, 0)
        return 0 if last is None else last[1]


DENIALS: web.AppKey[AddressDenials] = web.AppKey("relaydesk_admin_denials", AddressDenials)
"""App key: the address-refusal audit throttle."""


def is_admin_path(request: web.Request) -> bool:
    """Whether the request targets the admin API, judged on the decoded and the raw path (so
    no encoding trick reaches an admin route without passing the check)."""
    path, raw = request.path, request.raw_path
    if not path.startswith(PREFIX) and not raw.startswith(PREFIX):
        return False  # the usual case: neither form can be an admin path
    raw = raw.split("?", 1)[0]
    return any(p == PREFIX or p.startswith(PREFIX + "/") for p in (path, raw))


def _deny_detail(request: web.Request, reason: str) -> dict[str, str]:
    # Facts only: never the presented token.
    return {"reason": reason, "method": request.method[:16], "path": request.path[:200]}


def _verify_and_note(token: str, ip: str | None) -> TokenInfo | None:
    """One executor round trip: check the token, then note a first admin use of ``ip``."""
    info = admintokens.verify(token, ip=ip)
    if info is not None:
        bans.note_admin_access(ip, actor=info.actor)
    return info


async def _audit_denial(request: web.Request, ip: str | None, reason: str) -> None:
    """Audit a refusal, at most once a minute per address and reason (with the count of
    repeats): behind a proxy that is not in ``trusted_proxies`` every caller is loopback, which
    is never banned, so without this one client could grow the audit table without end."""
    repeats = request.app[DENIALS].due(f"{ip or ''} {reason}")
    if repeats is None:
        return
    detail = _deny_detail(request, reason) | ({"repeats": repeats} if repeats else {})
    await request.app[STATE].dbx.run(audit.record, bans.ADMIN_DENIED, actor="admin_api",
                                     target=ip, ip=ip, detail=detail)


async def authenticate(request: web.Request) -> TokenInfo:
    """The request's admin token, or raise the 403 after auditing the refusal."""
    state = request.app[STATE]
    ip = client_ip(request)
    if not state.guard.policy.admin_allows(ip):
        await _audit_denial(request, ip, "address")
        raise errors.forbidden("The admin API may not be used from your network address.",
                               "ip_not_allowed")
    token = bearer_token(request)
    info = None if token is None else await state.dbx.run(_verify_and_note, token, ip)
    if info is None:
        reason = "missing_token" if token is None else "invalid_token"
        await _audit_denial(request, ip, reason)
        if token is not None:  # a missing token is a misconfigured client, not a guess
            await state.guard.failure(ip, "admin_auth")
        raise errors.forbidden("Missing, invalid or revoked admin token. Send it as "
                               "'Authorization: Bearer rdadm-...'.", "invalid_admin_token")
    return info


@web.middleware
async def admin_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Authenticate every /admin/api request before routing; map service refusals and
    routing misses to OpenAI-shaped errors."""
    if not is_admin_path(request):
        return await handler(request)
    request[TOKEN] = await authenticate(request)
    try:
        return await handler(request)
    except ServiceError as exc:
        raise service_error(exc) from None
    except web.HTTPNotFound:
        raise errors.RelayError(404, f"Unknown admin API endpoint: {request.method} "
                                     f"{request.path[:200]}. See the README's \"Remote admin "
                                     "API\" section.", code="unknown_url") from None
    except web.HTTPMethodNotAllowed as exc:
        raise errors.RelayError(405, f"Method {request.method[:16]} is not allowed for "
                                     f"{request.path[:200]}; allowed: "
                                     f"{', '.join(sorted(exc.allowed_methods))}.",
                                code="method_not_allowed") from None


def admin_only(handler: Handler) -> Handler:
    """Defence in depth: a route handler that authenticates itself if the middleware did not."""
    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        if TOKEN not in request:
            request[TOKEN] = await authenticate(request)
        try:
            return await handler(request)
        except ServiceError as exc:
            raise service_error(exc) from None
    return wrapped


def actor(request: web.Request) -> str:
    """How the audit trail names the token behind this request."""
    return request[TOKEN].actor
