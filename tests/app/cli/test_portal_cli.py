"""`relaydesk invite ...`, `relaydesk deletion-requests ...` and `relaydesk settings set
registration_mode`, on SQLite and PostgreSQL."""

from app import deletion_requests, invites
from app.models import Invite


def test_invite_create_shows_the_code_once_and_lists_it_without(cli):
    made = cli.json("invite", "create", "--max-uses", "3", "--expires", "2999-01-01",
                    "--note", "lab")
    code = made["code"]
    assert made["max_uses"] == 3 and made["expires_at"] == "2999-01-02T00:00:00Z"
    listed = cli.ok("invite", "list").out
    assert made["prefix"] in listed and "lab" in listed and code not in listed
    assert code not in str(cli.json("invite", "list"))
    with cli.bound():
        assert Invite.get_by_id(made["id"]).code_hash == invites.hash_code(code)
    text = cli.ok("invite", "create").out
    assert text.startswith(invites.CODE_PREFIX) and "shown once" in text


def test_invite_unlimited_and_revoke(cli):
    made = cli.json("invite", "create", "--max-uses", "0")
    assert made["max_uses"] is None
    assert cli.ok("invite", "revoke", str(made["id"])).out == f"invite {made['id']} revoked\n"
    assert cli.json("invite", "list") == []
    assert [i["status"] for i in cli.json("invite", "list", "--all")] == ["revoked"]
    assert "no invite with ID 99" in cli.fails("invite", "revoke", "99")
    assert "past" in cli.fails("invite", "create", "--expires", "2000-01-01")


def test_registration_mode_through_settings(cli):
    cli.ok("settings", "set", "registration_mode", "invite")
    assert cli.json("settings", "list")["registration_mode"] == "invite"
    assert "Registration must be one of closed, invite, open" in cli.fails(
        "settings", "set", "registration_mode", "everyone")


def test_deletion_requests_list_approve_reject(cli):
    cli.ok("user", "add", "ann", "--email", "ann@example.com")
    cli.ok("user", "add", "bob", "--email", "bob@example.com")
    with cli.bound():
        ann_req = deletion_requests.request_deletion("ann").id
        bob_req = deletion_requests.request_deletion("bob").id
    listed = cli.json("deletion-requests", "list")
    assert [(r["id"], r["username"], r["status"]) for r in listed] == [
        (ann_req, "ann", "pending"), (bob_req, "bob", "pending")]
    assert "--reason" in cli("deletion-requests", "reject", str(bob_req)).err
    out = cli.ok("deletion-requests", "reject", str(bob_req), "--reason", "open invoices").out
    assert out == f"deletion request {bob_req} rejected\n"
    approved = cli.json("deletion-requests", "approve", str(ann_req))
    assert approved["status"] == "approved"
    assert approved["username"].startswith("deleted:")
    assert "no user named 'ann'" in cli.fails("user", "show", "ann")
    assert cli.json("deletion-requests", "list") == []
    every = cli.json("deletion-requests", "list", "--status", "all")
    assert [(r["status"], r["reason"]) for r in every] == [
        ("approved", None), ("rejected", "open invoices")]
    assert "already approved" in cli.fails("deletion-requests", "approve", str(ann_req))
    assert "no deletion request with ID 99" in cli.fails("deletion-requests", "approve", "99")
