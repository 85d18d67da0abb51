"""Gateway-facing routes of online top-ups under ``/pay/`` (outside the portal: no session,
no CSRF — a gateway's signature is the authentication) and the job that confirms pending
orders by asking the gateway."""

from aiohttp import web

from relay.payments import confirm, routes

NOTIFY_PATHS = frozenset(routes.NOTIFY_PATHS)


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(confirm.payments_context)
    routes.setup(app)
