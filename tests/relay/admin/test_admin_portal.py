"""/admin/api/invites, /admin/api/deletion-requests, /admin/api/announcements: the operator's
portal actions over HTTP with an admin token -- the happy paths, bad input refused without a
change, unknown ids 404, an approval that really deletes the account, no token 403."""

import aiohttp
import pytest

from app import accounts, deletion_requests, invites
from app.errors import NotFound
from app.models import AuditEvent, MailMessage
from tests.relay.admin.conftest import snapshot


def _audit(prefix: str) -> list[tuple[str, str]]:
    return [(e.action, e.actor) for e in AuditEvent.select().where(
        AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)]


async def test_invites_create_list_revoke(admin) -> None:
    made = await admin.ok("POST", "/admin/api/invites", 201, json_body={
        "max_uses": 3, "expires": "2999-12-31", "note": "meetup"})
    assert made["code"].startswith(invites.CODE_PREFIX)
    assert (made["max_uses"], made["uses"], made["status"], made["expires_at"],
            made["note"]) == (3, 0, "active", "3000-01-01T00:00:00Z", "meetup")
    unlimited = await admin.ok("POST", "/admin/api/invites", 201, json_body={"max_uses": None})
    assert unlimited["max_uses"] is None
    default = await admin.ok("POST", "/admin/api/invites", 201)
    assert default["max_uses"] == 1
    # The code works for registration, and is never shown again.
    assert invites.use_invite(made["code"]).id == made["id"]
    listed = await admin.ok("GET", "/admin/api/invites")
    assert [i["id"] for i in listed["data"]] == [default["id"], unlimited["id"], made["id"]]
    assert all(i["code"] not in str(listed) for i in (made, unlimited, default))
    assert listed["data"][2]["uses"] == 1

    revoked = await admin.ok("POST", f"/admin/api/invites/{made['id']}/revoke")
    assert (revoked["status"], revoked["id"]) == ("revoked", made["id"])
    assert revoked["revoked_at"] is not None
    active = await admin.ok("GET", "/admin/api/invites")
    assert made["id"] not in [i["id"] for i in active["data"]]
    everything = await admin.ok("GET", "/admin/api/invites?all=true")
    assert made["id"] in [i["id"] for i in everything["data"]]
    assert _audit("invite.") == [("invite.create", "token:ops")] * 3 + [
        ("invite.revoke", "token:ops")]


async def test_bad_invite_requests_change_nothing(admin) -> None:
    before = snapshot()
    for body, param in (({"max_uses": "2"}, "max_uses"),
                        ({"max_uses": 1.5}, "max_uses"),
                        ({"max_uses": True}, "max_uses"),
                        ({"max_uses": 0}, "max_uses"),
                        ({"expires": "2000-01-01"}, "expires"),
                        ({"expires": "tomorrow"}, "expires"),
                        ({"expires": 20991231}, "expires"),
                        ({"note": 5}, "note"),
                        ({"note": "x" * 201}, "note"),
                        ({"code": "mine"}, "code")):
        reply = await admin.call("POST", "/admin/api/invites", json_body=body)
        assert reply.status == 400, (body, reply)
        assert reply.body["error"]["param"] == param, (body, reply)
    assert (await admin.call("GET", "/admin/api/invites?all=maybe")).status == 400
    assert (await admin.call("POST", "/admin/api/invites/1/revoke",
                             json_body={"x": 1})).status == 400
    assert snapshot() == before


async def test_deletion_request_approve_deletes_the_user(admin) -> None:
    user_id = accounts.get_user("alice").id
    pending = deletion_requests.request_deletion("alice")
    listed = await admin.ok("GET", "/admin/api/deletion-requests")
    assert [(r["id"], r["username"], r["status"]) for r in listed["data"]] == [
        (pending.id, "alice", "pending")]

    approved = await admin.ok("POST", f"/admin/api/deletion-requests/{pending.id}/approve")
    assert (approved["status"], approved["decided_by"]) == ("approved", "token:ops")
    with pytest.raises(NotFound):
        accounts.get_user("alice")
    row = accounts.get_user_by_id(user_id)
    assert (row.status, row.email, row.password_hash) == ("deleted", None, None)
    assert approved["username"] == row.username != "alice"  # the tombstone name
    # The account's API key no longer works on the running relay.
    async with aiohttp.ClientSession() as session, session.get(
            f"{admin.base}/v1/models",
            headers={"Authorization": f"Bearer {admin.relay.key}"}) as response:
        assert response.status == 401
    assert (await admin.ok("GET", "/admin/api/deletion-requests"))["data"] == []
    assert [r["status"] for r in (await admin.ok(
        "GET", "/admin/api/deletion-requests?status=approved"))["data"]] == ["approved"]
    assert ("deletion_request.approve", "token:ops") in _audit("deletion_request.")
    assert ("user.delete", "token:ops") in _audit("user.delete")
    again = await admin.call("POST", f"/admin/api/deletion-requests/{pending.id}/approve")
    assert again.status == 409, again


async def test_deletion_request_reject_keeps_the_user(admin) -> None:
    pending = deletion_requests.request_deletion("alice")
    before = snapshot()
    for body, param in (({}, "reason"), ({"reason": 5}, "reason"), ({"reason": "  "}, "reason"),
                        ({"reason": "x" * 501}, "reason"), ({"reason": "ok", "why": "x"}, "why")):
        reply = await admin.call("POST", f"/admin/api/deletion-requests/{pending.id}/reject",
                                 json_body=body)
        assert reply.status == 400, (body, reply)
        assert reply.body["error"]["param"] == param, (body, reply)
    assert (await admin.call("GET", "/admin/api/deletion-requests?status=gone")).status == 400
    assert snapshot() == before

    rejected = await admin.ok("POST", f"/admin/api/deletion-requests/{pending.id}/reject",
                              json_body={"reason": "outstanding invoice"})
    assert (rejected["status"], rejected["reason"], rejected["username"]) == (
        "rejected", "outstanding invoice", "alice")
    assert accounts.get_user("alice").status == "active"
    every = await admin.ok("GET", "/admin/api/deletion-requests?status=all")
    assert [r["status"] for r in every["data"]] == ["rejected"]
    assert _audit("deletion_request.") == [("deletion_request.create", "alice"),
                                           ("deletion_request.reject", "token:ops")]


async def test_announcements_post_list_delete(admin) -> None:
    quiet = await admin.ok("POST", "/admin/api/announcements", 201,
                           json_body={"title": "Maintenance", "body": "Sunday 02:00 UTC"})
    assert (quiet["title"], quiet["body"], quiet["created_by"]) == (
        "Maintenance", "Sunday 02:00 UTC", "token:ops")
    announced = MailMessage.select().where(MailMessage.kind == "announcement")
    assert announced.count() == 0
    mailed = await admin.ok("POST", "/admin/api/announcements", 201, json_body={
        "title": "New models", "body": "Try them", "email": True})
    assert [m.to_addr for m in announced] == ["alice@example.com"]
    listed = await admin.ok("GET", "/admin/api/announcements")
    assert [a["id"] for a in listed["data"]] == [mailed["id"], quiet["id"]]
    assert [a["id"] for a in (await admin.ok("GET", "/admin/api/announcements?limit=1"))[
        "data"]] == [mailed["id"]]

    assert await admin.ok("DELETE", f"/admin/api/announcements/{quiet['id']}") == {
        "id": quiet["id"], "deleted": True}
    await admin.ok("POST", f"/admin/api/announcements/{mailed['id']}/delete")
    assert (await admin.ok("GET", "/admin/api/announcements"))["data"] == []
    assert _audit("announcement.") == [("announcement.post", "token:ops")] * 2 + [
        ("announcement.delete", "token:ops")] * 2


async def test_bad_announcements_change_nothing(admin) -> None:
    before = snapshot()
    for body, param in (({"body": "b"}, "title"),
                        ({"title": "t"}, "body"),
                        ({"title": 1, "body": "b"}, "title"),
                        ({"title": " ", "body": "b"}, "title"),
                        ({"title": "t", "body": "x" * 10_001}, "body"),
                        ({"title": "t", "body": "b", "email": "yes"}, "email"),
                        ({"title": "t", "body": "b", "pinned": True}, "pinned")):
        reply = await admin.call("POST", "/admin/api/announcements", json_body=body)
        assert reply.status == 400, (body, reply)
        assert reply.body["error"]["param"] == param, (body, reply)
    assert (await admin.call("GET", "/admin/api/announcements?limit=0")).status == 400
    assert snapshot() == before


async def test_unknown_ids_are_404_and_change_nothing(admin) -> None:
    before = snapshot()
    for method, path, body in (
            ("POST", "/admin/api/invites/999/revoke", None),
            ("POST", "/admin/api/deletion-requests/999/approve", None),
            ("POST", "/admin/api/deletion-requests/999/reject", {"reason": "no"}),
            ("DELETE", "/admin/api/announcements/999", None),
            ("POST", "/admin/api/announcements/999/delete", None)):
        reply = await admin.call(method, path, json_body=body)
        assert reply.status == 404, (path, reply)
    assert (await admin.call("POST", "/admin/api/invites/x1/revoke")).status == 400
    assert snapshot() == before


@pytest.mark.parametrize("method,path,body", [
    ("GET", "/admin/api/invites", None),
    ("POST", "/admin/api/invites", {"max_uses": 1}),
    ("POST", "/admin/api/invites/1/revoke", None),
    ("GET", "/admin/api/deletion-requests", None),
    ("POST", "/admin/api/deletion-requests/1/approve", None),
    ("POST", "/admin/api/deletion-requests/1/reject", {"reason": "no"}),
    ("GET", "/admin/api/announcements", None),
    ("POST", "/admin/api/announcements", {"title": "t", "body": "b"}),
    ("DELETE", "/admin/api/announcements/1", None),
    ("POST", "/admin/api/announcements/1/delete", None)])
async def test_no_token_is_403_and_changes_nothing(admin, method, path, body) -> None:
    invite = await admin.ok("POST", "/admin/api/invites", 201)
    await admin.ok("POST", "/admin/api/announcements", 201, json_body={"title": "t", "body": "b"})
    deletion_requests.request_deletion("alice")
    assert invite["id"] == 1
    before = snapshot()
    for token in (None, "rdadm-wrong"):
        reply = await admin.call(method, path, json_body=body, token=token)
        assert reply.status == 403, (token, reply)
    assert snapshot() == before
