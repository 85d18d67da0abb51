"""The relay's aiohttp application factory — the one app `relaydesk serve` and the desktop
window both run (and later the user portal's routes join it).

The database must already be bound (``app.runtime.start``) before the app starts.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from app import billing, settings
from app.billing import Settlement
from app.config import Config
from app.quickwrite import QuickWriter
from relay import admin, cors, errors, handlers, jobs, mail, payments, portal
from relay.accounting import Accountant
from relay.auth import KeyCache
from relay.backup_job import start_backup_job
from relay.checkpoint import Checkpointer
from relay.clientip import CLIENT_IP
from relay.cluster import change_listener, scrape, singleton
from relay.cluster.redis_link import RedisLink
from relay.cluster.shared_failures import SharedFailures
from relay.cluster.shared_limits import SharedRateLimiter
from relay.dbexec import DatabaseExecutor
from relay.guard import Guard
from relay.limits import RateLimiter
from relay.notify_job import notify_job
from relay.outbound import Outbound
from relay.pool import ProviderPool
from relay.portal import common as portal_web
from relay.protocols import routes as protocols
from relay.requestid import add_request_id
from relay.reserver import Reserver
from relay.settler import Settler
from relay.state import STATE, RelayOptions, RelayState

log = logging.getLogger(__name__)

# NextChat appends v1/ itself and some users paste .../v1 as the base: accept all three.
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_PREFIXES = ("/v1", "", "/v1/v1")


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure leaves as OpenAI-shaped JSON; never a traceback."""
    try:
        return await handler(request)
    except errors.RelayError as exc:
        if portal_web.is_portal_path(request.path):  # a browser: a page, not JSON
            return portal_web.guard_error_page(request, exc.status, exc.code, exc.message)
        if exc.close:
            return await _answer_and_close(request, exc)
        return protocols.error_response(request.path, exc)
    except web.HTTPException as exc:
        if exc.status >= 400 and portal_web.is_portal_path(request.path):
            return portal_web.status_page(request, exc)
        if exc.status == 404:
            return protocols.error_response(request.path, errors.not_found_route(request.path))
        if exc.status == 405:  # OpenAI answers a wrong method as an unknown URL
            return protocols.error_response(request.path,
                                            errors.invalid_url(request.method, request.path))
        if exc.status == 413:
            state = request.app[STATE]
            return protocols.error_response(request.path, errors.RelayError(
                413, f"Request body is larger than the relay's "
                     f"{state.options.max_body_bytes // (1024 * 1024)} MB limit.",
                code="request_too_large"))
        if exc.status < 400:
            raise
        return protocols.error_response(request.path, errors.RelayError(
            exc.status, exc.reason or "Request failed.", code="http_error"))
    except Exception:
        log.exception("unhandled error serving %s %s", request.method, request.path)
        return protocols.error_response(request.path, errors.internal())


async def _answer_and_close(request: web.Request, exc: errors.RelayError) -> web.Response:
    """Send ``exc`` and close the connection at once: aiohttp would otherwise keep reading
    the rest of an unread body (up to its lingering time) before closing."""
    log.info("closed a connection from %s: %s", request.get(CLIENT_IP) or request.remote,
             exc.code)
    resp = protocols.error_response(request.path, exc)
    try:
        await resp.prepare(request)
        await resp.write_eof()
    except ConnectionError:  # the client left meanwhile
        pass
    request.protocol.force_close()  # what was written is still sent before the socket closes
    return resp


ADMIN_PREFIX = "/admin/"


@web.middleware
async def guard_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Banned addresses get nothing; outside the relay allowlist, only /healthz and the admin
    API and /metrics (which check the admin whitelist) answer."""
    guard = request.app[STATE].guard
    await guard.fresh()  # a settings change in this process applies to this very request
    # A proxy may add its own X-Forwarded-For line instead of appending to the client's: all
    # lines together are one list (RFC 9110), or the client's line would be the only one read.
    headers = request.headers
    forwarded = (", ".join(headers.getall("X-Forwarded-For")) or None
                 if "X-Forwarded-For" in headers else None)
    ip, allowed = guard.admit(request.remote, forwarded)
    request[CLIENT_IP] = ip
    remaining = guard.banned_for(ip)
    if remaining is not None:
        minutes = max(1, round(remaining / 60))
        raise errors.RelayError(
            403, f"Too many failed authentications from your address; it is blocked for about "
                 f"{minutes} more minute(s).", type_="permission_error", code="ip_banned",
            headers={"Retry-After": str(max(1, int(remaining)))})
    # A gateway's notify comes from the internet and proves itself by its signature.
    if (not allowed and request.path not in ("/healthz", scrape.PATH)
            and not request.path.startswith(ADMIN_PREFIX)
            and request.path not in payments.NOTIFY_PATHS):
        raise errors.forbidden("Your network address may not use this relay.", "ip_not_allowed")
    return await handler(request)


def create_app(options: RelayOptions | None = None, config: Config | None = None
               ) -> web.Application:
    """The relay application; with ``config`` it also makes the scheduled SQLite backups."""
    opts = options or RelayOptions()
    dbx = DatabaseExecutor()
    keys = KeyCache(dbx, ttl=opts.key_ttl)
    redis = RedisLink(opts.redis_url) if opts.redis_url else None  # issue 19: shared limits
    state = RelayState(options=opts, dbx=dbx, keys=keys, pool=ProviderPool(dbx, ttl=opts.pool_ttl),
                       accountant=Accountant(dbx, lease_seconds=opts.lease_seconds,
                                             flush_interval=opts.flush_interval,
                                             last_used=keys.last_used),
                       reserver=Reserver(dbx, opts.lease_seconds,
                                         gather_from=opts.hold_gather_from,
                                         gather_delay=opts.hold_gather_delay),
                       guard=Guard(dbx),
                       limiter=SharedRateLimiter(dbx, redis) if redis else RateLimiter(dbx),
                       redis=redis,
                       settler=Settler(dbx, gather_from=opts.hold_gather_from,
                                       gather_delay=opts.hold_gather_delay))
    if redis is not None:
        state.guard.counter = SharedFailures(redis)
    state.reserver.on_orphan = lambda hold: state.accountant.submit(
        Settlement(hold.request_id, hold.user_id, 0, True, None))  # nothing was delivered
    app = web.Application(middlewares=[cors.preflight_middleware, error_middleware,
                                       guard_middleware],
                          client_max_size=opts.max_body_bytes)
    app[STATE] = state
    singleton.install(app)  # which run-once jobs this relay holds (issue 19)
    if config is not None:
        start_backup_job(app, config)
    app.on_response_prepare.append(add_request_id)
    app.on_response_prepare.append(cors.add_cors_headers)
    app.on_response_prepare.append(handlers.add_relay_headers)
    app.cleanup_ctx.append(_lifecycle)
    app.cleanup_ctx.append(notify_job)  # low-balance warnings (issue 17)
    app.on_shutdown.append(_wind_down_streams)
    for prefix in API_PREFIXES:
        app.router.add_post(f"{prefix}/chat/completions", handlers.chat_completions)
        app.router.add_post(f"{prefix}/embeddings", handlers.embeddings)
        app.router.add_post(f"{prefix}/completions", handlers.completions)
        app.router.add_get(f"{prefix}/models", handlers.list_models)
        app.router.add_get(f"{prefix}/models/{{model}}", handlers.get_model)
    protocols.setup(app, API_PREFIXES)  # /v1/messages, /v1/responses (issue 18)
    app.router.add_get("/healthz", handlers.healthz)
    app.router.add_get(scrape.PATH, scrape.metrics)  # admin-protected (state.metrics counts)
    admin.setup(app)
    portal.setup(app)
    mail.setup(app)
    payments.setup(app)
    return app


async def _wind_down_streams(app: web.Application) -> None:
    """On stop: let open streams finish for a few seconds, then end them with an error event
    (they still settle and log), so the client sees a clean end instead of a cut connection."""
    state = app[STATE]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + state.options.shutdown_grace
    while state.streams and loop.time() < deadline:
        await asyncio.sleep(0.05)
    for stream in list(state.streams):
        stream.abort()


async def _handlers_finished(state: RelayState, limit: float = 5.0) -> None:
    """aiohttp cancels handlers still running at shutdown but does not wait for them; their
    ``finally`` queues the request's settlement, which must happen before the last flush."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while state.in_flight and loop.time() < deadline:
        await asyncio.sleep(0.01)
    if state.in_flight:
        log.warning("%d requests still running at shutdown; their holds expire by lease",
                    state.in_flight)


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    """Shared client session and background jobs, torn down in order: stop taking requests,
    settle what is queued, close connections."""
    state = app[STATE]
    state.default_max_tokens = (state.options.default_max_tokens
                                or int(await state.dbx.run(settings.get, "default_max_tokens")))
    recovered = await state.dbx.run(billing.recover_expired)
    if recovered:
        log.warning("recovered %d reservations left by a stopped relay", recovered)
    state.client = Outbound(connect_timeout=state.options.connect_timeout)
    await state.guard.refresh()
    await state.limiter.refresh()
    if state.redis is not None:
        await state.redis.check()  # unreachable now: logged, and limits start per instance
    if state.options.quick_writes:
        state.reserver.quick = state.accountant.quick = state.settler.quick = (
            QuickWriter.for_bound_database())
    state.accountant.start()
    retention = jobs.start_retention_once(app)  # on one relay per PostgreSQL database
    checkpointer = Checkpointer()
    checkpointer.start()
    feed = change_listener.start_feed()  # PostgreSQL: others' changes within 1 s
    try:
        yield
    finally:
        await change_listener.stop_feed(feed)
        await retention.stop()
        await checkpointer.stop()
        await _handlers_finished(state)
        await state.accountant.close()
        if state.reserver.quick is not None:
            quick, state.reserver.quick = state.reserver.quick, None
            state.accountant.quick = state.settler.quick = None
            quick.close()
        await state.client.close()
        state.keys.close()
        state.guard.close()
        state.limiter.close()
        if state.redis is not None:
            await state.redis.close()
        state.pool.close()
        state.dbx.shutdown()
