"""Admin API: the operator's side of the user portal, as the GUI's Portal page and the CLI
(`relaydesk invite`, `relaydesk deletion-requests`, `relaydesk announce`) do it, so a headless
server needs no shell to run its portal.

Invites: ``max_uses`` a whole number (default 1) or ``null`` for unlimited, ``expires`` a date
YYYY-MM-DD (the last day it works); the code is answered once and never stored. Approving a
deletion request deletes the account at once (:func:`app.privacy.delete_user`); rejecting
needs a ``reason``, which the user is shown. An announcement with ``email: true`` is also
queued for every user who has not opted out of mail.
"""

from typing import Any

from aiohttp import web

from app import announcements, deletion_requests, invites, views
from app.apikeys import parse_expiry
from app.models import Announcement, DeletionRequest, Invite
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.state import STATE

INVITE_FIELDS = ("max_uses", "expires", "note")
ANNOUNCEMENT_FIELDS = ("title", "body", "email")
ANNOUNCEMENTS_SHOWN = 20  # as `relaydesk announce list`


def invite_view(row: Invite) -> dict[str, Any]:
    """What the CLI shows of an invite: its prefix, never the code (only its hash exists)."""
    return {"id": row.id, "prefix": row.prefix, "uses": row.uses, "max_uses": row.max_uses,
            "expires_at": views.iso(row.expires_at), "status": row.status, "note": row.note,
            "created_at": views.iso(row.created_at), "created_by": row.created_by,
            "revoked_at": views.iso(row.revoked_at)}


def request_view(row: DeletionRequest) -> dict[str, Any]:
    """A deletion request with its user's name (the tombstone name once approved)."""
    return {"id": row.id, "username": row.user.username, "status": row.status,
            "created_at": views.iso(row.created_at), "decided_at": views.iso(row.decided_at),
            "decided_by": row.decided_by, "reason": row.reason}


def announcement_view(row: Announcement) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "body": row.body,
            "created_at": views.iso(row.created_at), "created_by": row.created_by}


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise errors.bad_request(f"{name} must be true or false.", name)
    return value


def _max_uses(data: dict[str, Any]) -> int | None:
    value = data.get("max_uses", 1)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.bad_request("max_uses must be a whole number, or null for unlimited.",
                                 "max_uses")
    return value  # the range is the service's to check


def _create_invite(max_uses: int | None, expires: str | None, note: str | None,
                   who: str) -> dict[str, Any]:
    code, row = invites.create_invite(max_uses=max_uses, expires_at=parse_expiry(expires),
                                      note=note, actor=who)
    return {**invite_view(row), "code": code}


def _approve(request_id: int, who: str) -> dict[str, Any]:
    return request_view(deletion_requests.approve(request_id, actor=who))


def _reject(request_id: int, reason: str, who: str) -> dict[str, Any]:
    return request_view(deletion_requests.reject(request_id, reason, actor=who))


@admin_only
async def list_invites(request: web.Request) -> web.Response:
    """Codes that still work, newest first; ``?all=true`` includes revoked ones."""
    everything = c.query_text(request, "all")
    if everything not in (None, "true", "false"):
        raise errors.bad_request("all must be true or false.", "all")
    return c.listing(await c.run_view(request, invite_view, invites.list_invites,
                                      include_revoked=everything == "true"))


@admin_only
async def create_invite(request: web.Request) -> web.Response:
    data = await c.body(request, INVITE_FIELDS)
    max_uses = _max_uses(data)
    expires = c.text(data, "expires", nullable=True)
    note = c.text(data, "note", nullable=True)
    view = await request.app[STATE].dbx.run(
        _create_invite, max_uses, None if expires is c.MISSING else expires,
        None if note is c.MISSING else note, actor(request))
    return c.reply(view, status=201)


@admin_only
async def revoke_invite(request: web.Request) -> web.Response:
    """Stop a code working; revoking a revoked one again changes nothing."""
    await c.body(request, ())
    return c.reply(await c.run_view(request, invite_view, invites.revoke_invite,
                                    c.path_int(request, "invite_id"), actor=actor(request)))


@admin_only
async def list_requests(request: web.Request) -> web.Response:
    """Oldest first; ``?status=pending`` (default) ``|approved|rejected|all``."""
    status = c.query_text(request, "status") or "pending"
    return c.listing(await c.run_view(request, request_view, deletion_requests.list_requests,
                                      None if status == "all" else status))


@admin_only
async def approve_request(request: web.Request) -> web.Response:
    """Delete the account now (cannot be undone); 409 if already decided or the user has
    requests in flight (then it stays pending)."""
    await c.body(request, ())
    view = await request.app[STATE].dbx.run(_approve, c.path_int(request, "request_id"),
                                            actor(request))
    return c.reply(view)


@admin_only
async def reject_request(request: web.Request) -> web.Response:
    data = await c.body(request, ("reason",))
    reason = c.text(data, "reason", required=True)
    view = await request.app[STATE].dbx.run(_reject, c.path_int(request, "request_id"),
                                            reason, actor(request))
    return c.reply(view)


@admin_only
async def list_announcements(request: web.Request) -> web.Response:
    """Newest first; ``?limit=`` (default 20)."""
    return c.listing(await c.run_view(request, announcement_view, announcements.recent,
                                      c.limit(request, ANNOUNCEMENTS_SHOWN)))


@admin_only
async def post_announcement(request: web.Request) -> web.Response:
    data = await c.body(request, ANNOUNCEMENT_FIELDS)
    title = c.text(data, "title", required=True)
    text = c.text(data, "body", required=True)
    email = _flag(data, "email")
    view = await c.run_view(request, announcement_view, announcements.post, title, text,
                            actor=actor(request), email=email)
    return c.reply(view, status=201)


@admin_only
async def delete_announcement(request: web.Request) -> web.Response:
    """Withdraw one (DELETE, or POST .../delete for clients without DELETE)."""
    if request.method == "POST":
        await c.body(request, ())
    announcement_id = c.path_int(request, "announcement_id")
    await request.app[STATE].dbx.run(announcements.delete, announcement_id,
                                     actor=actor(request))
    return c.reply({"id": announcement_id, "deleted": True})


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/api/invites", list_invites)
    r.add_post("/admin/api/invites", create_invite)
    r.add_post("/admin/api/invites/{invite_id}/revoke", revoke_invite)
    r.add_get("/admin/api/deletion-requests", list_requests)
    r.add_post("/admin/api/deletion-requests/{request_id}/approve", approve_request)
    r.add_post("/admin/api/deletion-requests/{request_id}/reject", reject_request)
    r.add_get("/admin/api/announcements", list_announcements)
    r.add_post("/admin/api/announcements", post_announcement)
    r.add_delete("/admin/api/announcements/{announcement_id}", delete_announcement)
    r.add_post("/admin/api/announcements/{announcement_id}/delete", delete_announcement)
