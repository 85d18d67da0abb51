"""/admin/api/groups and the users' "group" field: exact multipliers, clear refusals that
change nothing, and an audit entry per change."""

from app.models import AuditEvent
from tests.relay.admin.conftest import snapshot


def group_actions() -> list[tuple[str, str]]:
    return [(e.action, e.actor) for e in AuditEvent.select()
            .where(AuditEvent.action.startswith("group.")).order_by(AuditEvent.id)]


async def test_groups_create_list_update_remove(admin) -> None:
    created = await admin.ok("POST", "/admin/api/groups", 201, json_body={
        "name": "staff", "multiplier": "0.8", "models": ["m1"], "description": "the lab"})
    assert {k: created[k] for k in ("name", "multiplier", "multiplier_ppm", "models",
                                    "description", "user_count")} == {
        "name": "staff", "multiplier": "0.8", "multiplier_ppm": 800_000, "models": ["m1"],
        "description": "the lab", "user_count": 0}
    listed = await admin.ok("GET", "/admin/api/groups")
    # alice, the harness's user, is in the default group
    assert [(g["name"], g["user_count"]) for g in listed["data"]] == [("default", 1),
                                                                     ("staff", 0)]
    shown = await admin.ok("GET", "/admin/api/groups/staff")
    assert shown["multiplier_ppm"] == 800_000
    updated = await admin.ok("PATCH", "/admin/api/groups/staff", json_body={
        "multiplier": "1.333333", "models": None, "description": None, "name": "team"})
    assert (updated["name"], updated["multiplier_ppm"], updated["models"],
            updated["description"]) == ("team", 1_333_333, None, None)
    assert (await admin.ok("PATCH", "/admin/api/groups/team",
                           json_body={"multiplier": 2}))["multiplier_ppm"] == 2_000_000
    assert await admin.ok("DELETE", "/admin/api/groups/team") == {"name": "team",
                                                                  "deleted": True}
    assert (await admin.call("GET", "/admin/api/groups/team")).status == 404
    assert group_actions() == [("group.add", "token:ops"), ("group.update", "token:ops"),
                               ("group.update", "token:ops"), ("group.remove", "token:ops")]


async def test_users_are_created_in_and_moved_between_groups(admin) -> None:
    await admin.ok("POST", "/admin/api/groups", 201, json_body={"name": "staff"})
    bob = await admin.ok("POST", "/admin/api/users", 201, json_body={
        "username": "bob", "email": "bob@example.com", "group": "staff"})
    assert bob["group"] == "staff"
    assert (await admin.ok("GET", "/admin/api/users/alice"))["group"] == "default"
    listed = await admin.ok("GET", "/admin/api/users")
    assert [(u["username"], u["group"]) for u in listed["data"]] == [("alice", "default"),
                                                                     ("bob", "staff")]
    moved = await admin.ok("PATCH", "/admin/api/users/alice", json_body={"group": "staff"})
    assert moved["group"] == "staff"
    reply = await admin.call("DELETE", "/admin/api/groups/staff")
    assert (reply.status, reply.code) == (409, "conflict")
    assert "still has 2 users" in reply.body["error"]["message"]


async def test_group_refusals_are_clear_and_change_nothing(admin) -> None:
    await admin.ok("POST", "/admin/api/groups", 201, json_body={"name": "staff"})
    before = snapshot()
    cases = [
        ("POST", "/admin/api/groups", {"name": "staff"}, 409, "name"),
        ("POST", "/admin/api/groups", {"name": "x y"}, 400, "name"),
        ("POST", "/admin/api/groups", {"multiplier": "1"}, 400, "name"),
        ("POST", "/admin/api/groups", {"name": "x", "multiplier": 0.8}, 400, "multiplier"),
        ("POST", "/admin/api/groups", {"name": "x", "multiplier": "0.1234567"}, 400,
         "multiplier"),
        ("POST", "/admin/api/groups", {"name": "x", "multiplier": "-1"}, 400, "multiplier"),
        ("POST", "/admin/api/groups", {"name": "x", "multiplier": True}, 400, "multiplier"),
        ("POST", "/admin/api/groups", {"name": "x", "models": "m1"}, 400, "models"),
        ("POST", "/admin/api/groups", {"name": "x", "price": "1"}, 400, "price"),
        ("PATCH", "/admin/api/groups/default", {"name": "all"}, 400, "name"),
        ("PATCH", "/admin/api/groups/staff", {"name": "default"}, 409, "name"),
        ("PATCH", "/admin/api/groups/staff", {}, 400, None),
        ("PATCH", "/admin/api/groups/nope", {"multiplier": "1"}, 404, "group"),
        ("DELETE", "/admin/api/groups/default", None, 400, "name"),
        ("DELETE", "/admin/api/groups/nope", None, 404, "group"),
        ("POST", "/admin/api/users", {"username": "bob", "email": "b@example.com",
                                      "group": "nope"}, 404, "group"),
        ("PATCH", "/admin/api/users/alice", {"group": "nope"}, 404, "group"),
        ("PATCH", "/admin/api/users/alice", {"group": 3}, 400, "group"),
    ]
    for method, path, body, status, param in cases:
        reply = await admin.call(method, path, json_body=body)
        assert (reply.status, reply.body["error"]["param"]) == (status, param), (path, reply)
    assert snapshot() == before
