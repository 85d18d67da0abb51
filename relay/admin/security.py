"""Admin API: bans, security events and admin tokens, read-only except lifting a ban.

Creating or revoking admin tokens stays local (GUI Security page, `relaydesk admin-token`) on
purpose: a stolen token must not be able to mint more tokens for itself or lock the operator's
own tokens out; the remote API only lists them (never their hashes).
"""

from aiohttp import web

from app import admintokens, bans, views
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.state import STATE


@admin_only
async def list_bans(request: web.Request) -> web.Response:
    return c.listing(await c.run_view(request, views.ip_ban, bans.active_bans))


@admin_only
async def unban(request: web.Request) -> web.Response:
    state = request.app[STATE]
    ip = c.path_text(request, "ip")
    lifted = await state.dbx.run(bans.unban, ip, actor=actor(request))
    await state.guard.refresh()
    return c.reply({"ip": ip, "lifted": lifted})


@admin_only
async def security_events(request: web.Request) -> web.Response:
    """Newest first; page back with ``before_id``."""
    rows = await c.run_view(request, views.audit_event, bans.security_events,
                            c.limit(request, 200), c.query_int(request, "before_id", low=1))
    return c.listing(rows, next_before_id=rows[-1]["id"] if rows else None)


@admin_only
async def list_tokens(request: web.Request) -> web.Response:
    return c.listing(await c.run_view(request, views.admin_token, admintokens.list_tokens))


def setup(app: web.Application) -> None:
    app.router.add_get("/admin/api/bans", list_bans)
    app.router.add_delete("/admin/api/bans/{ip}", unban)
    app.router.add_get("/admin/api/security-events", security_events)
    app.router.add_get("/admin/api/tokens", list_tokens)
