"""The user portal: web pages where the people who use the relay register, sign in, manage
their keys, see their usage and exercise their privacy rights, served under ``/portal/`` by
the relay's own server. It calls the same services as the GUI and CLI and never grants
operator rights.
"""

from datetime import UTC, datetime

import aiohttp_jinja2
import jinja2
from aiohttp import web

from app.money import format_amount, format_cost
from app.resources import resource
from relay.portal import (
    account,
    home,
    keys,
    models,
    notifications,
    playground,
    privacy,
    profile,
    recharges,
    redeem,
    reset,
    topup,
    usage,
)
from relay.portal.common import PORTAL, PREFIX, add_security_headers, portal_middleware
from relay.portal.housekeeping import session_sweeper

PAGES = (account, home, keys, models, playground, usage, recharges, redeem, profile, privacy,
         reset, notifications, topup)


async def _to_portal(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(f"{PREFIX}/")


def local_time(moment: datetime | None) -> str:
    """A stored (naive UTC) time in the relay machine's local time, to the minute."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def create_portal(app: web.Application) -> web.Application:
    """The portal sub-application; its templates are set up on the relay's ``app`` so that
    error pages for paths outside any portal route render too."""
    portal = web.Application(middlewares=[portal_middleware])
    environment = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(resource("portal", "templates")),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(money=format_amount, cost=format_cost, localtime=local_time)
    for page in PAGES:
        page.setup(portal)
    portal.router.add_static("/static/", resource("portal", "static"), name="static",
                             append_version=True)
    return portal


def setup(app: web.Application) -> None:
    """Mount the portal on the relay's app; ``/`` leads a browser to it."""
    app.cleanup_ctx.append(session_sweeper)
    app.on_response_prepare.append(add_security_headers)
    app.router.add_get("/", _to_portal)
    app.router.add_get(PREFIX, _to_portal)
    portal = create_portal(app)
    app[PORTAL] = portal
    app.add_subapp(f"{PREFIX}/", portal)
