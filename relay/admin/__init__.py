"""The remote admin API under ``/admin/api/`` for headless servers: JSON over the same
services the CLI calls. Every request needs an address inside the admin IP whitelist and an
admin token (see :mod:`relay.admin.auth`); everything else gets a 403 and an audit event.
"""

from aiohttp import web

from relay.admin import (
    codes,
    groups,
    logs,
    mail,
    money,
    payments,
    portal,
    security,
    settings,
    users,
)
from relay.admin.auth import DENIALS, AddressDenials, admin_middleware


def setup(app: web.Application) -> None:
    """Add the admin middleware (inside the guard, so bans apply first) and the routes."""
    app[DENIALS] = AddressDenials()
    app.middlewares.append(admin_middleware)
    for module in (users, groups, money, logs, settings, security, codes, mail, payments, portal):
        module.setup(app)
