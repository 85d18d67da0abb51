"""`relaydesk admin-token`, `relaydesk bans` and `relaydesk security-events` on SQLite and
PostgreSQL."""

import re

from app import adminauth, admintokens, bans, settings
from app.models import AdminToken, AuditEvent
from tests.app.support import files_containing


def test_admin_token_create_prints_it_once(cli, fake_clock):
    out = cli.ok("admin-token", "create", "backup-host").out
    token = out.splitlines()[0]
    assert re.fullmatch(r"rdadm-[A-Za-z0-9_\-]{43}", token)
    assert "not shown again" in out and "admin_ip_whitelist" in out
    listed = cli.json("admin-token", "list")
    assert [(t["id"], t["name"], t["status"], t["prefix"]) for t in listed] == [
        (1, "backup-host", "active", "rdadm-…" + token[-4:])]
    assert "token" not in listed[0] and "token_hash" not in listed[0]
    assert token not in cli.ok("admin-token", "list").out
    with cli.bound():
        assert admintokens.verify(token).actor == "token:backup-host"
        assert token not in str([e.detail for e in AuditEvent.select()])
    if cli.backend == "sqlite":
        assert files_containing(cli.data_dir, token[6:].encode()) == []


def test_admin_token_create_json_and_revoke(cli, fake_clock):
    created = cli.json("admin-token", "create", "ci")
    assert created["token"].startswith("rdadm-") and created["status"] == "active"
    revoked = cli.json("admin-token", "revoke", str(created["id"]))
    assert revoked["status"] == "revoked" and revoked["revoked_at"] == "2026-06-01T12:00:00Z"
    assert "token" not in revoked
    with cli.bound():
        assert admintokens.verify(created["token"]) is None
        assert AdminToken.get_by_id(created["id"]).status == "revoked"
    assert "revoked" in cli.ok("admin-token", "revoke", str(created["id"])).out  # idempotent


def test_admin_token_refusals_are_one_line(cli):
    assert "token name must be 1-64 characters" in cli.fails("admin-token", "create", " ")
    assert "no admin token with ID 9" in cli.fails("admin-token", "revoke", "9")
    assert "(no admin tokens)" in cli.ok("admin-token", "list").out


def test_bans_list_and_unban(cli, fake_clock):
    assert "(no address is banned)" in cli.ok("bans", "list").out
    with cli.bound():
        bans.ban("10.9.8.7", reason="admin_auth", failures=3, minutes=15)
    listed = cli.json("bans", "list")
    assert [(b["ip"], b["reason"], b["failures"], b["until"]) for b in listed] == [
        ("10.9.8.7", "admin_auth", 3, "2026-06-01T12:15:00Z")]
    assert "10.9.8.7" in cli.ok("bans", "list").out
    assert cli.json("bans", "unban", "10.9.8.7") == {"ip": "10.9.8.7", "lifted": 1}
    assert cli.json("bans", "list") == []
    with cli.bound():
        assert bans.banned_until() == {}
        lifted = AuditEvent.select().where(AuditEvent.action == bans.UNBANNED).get()
        assert (lifted.target, lifted.actor) == ("10.9.8.7", "admin")


def test_unban_refusals(cli):
    assert "10.9.8.7 is not banned" in cli.fails("bans", "unban", "10.9.8.7")
    assert "not an IP address" in cli.fails("bans", "unban", "nope")


def test_security_events(cli, fake_clock):
    assert "(no security events)" in cli.ok("security-events").out
    with cli.bound():
        bans.ban("10.9.8.7", reason="invalid_api_key", failures=10)
        settings.set("admin_ip_whitelist", "10.0.0.0/8")
        settings.set("currency", "USD")  # not a security setting
        bans.note_admin_access("10.1.1.1", actor="token:ci")
    events = cli.json("security-events")
    assert [(e["action"], e["target"]) for e in events] == [
        ("admin.new_address", "10.1.1.1"), ("setting.set", "admin_ip_whitelist"),
        ("security.ban", "10.9.8.7")]
    assert [e["action"] for e in cli.json("security-events", "--limit", "1")] == [
        "admin.new_address"]
    assert "security.ban" in cli.ok("security-events").out
    assert "--limit must be between" in cli.fails("security-events", "--limit", "0")


# --- relaydesk admin-password ----------------------------------------------------------------

def _admin(cli, password: str = "old-Passw0rd!") -> None:  # type: ignore[no-untyped-def]
    with cli.bound():
        adminauth.create_admin(password)


def _signs_in(cli, password: str) -> bool:  # type: ignore[no-untyped-def]
    with cli.bound():
        return adminauth.verify_admin(password, source="test")


def test_admin_password_changes_it_after_checking_the_current_one(cli):
    _admin(cli)
    out = cli.ok("admin-password", "--stdin", stdin="old-Passw0rd!\nnew-Passw0rd!7\n")
    assert "changed" in out.out
    assert _signs_in(cli, "new-Passw0rd!7")
    with cli.bound():
        assert AuditEvent.select().where(AuditEvent.action == "admin.password_change").exists()


def test_admin_password_refuses_a_wrong_current_one(cli):
    """A wrong current password is a failed sign-in (it counts toward the lockout)."""
    _admin(cli)
    result = cli("admin-password", "--stdin", stdin="guess\nnew-Passw0rd!7\n")
    assert result.code == 1 and "current password is wrong" in result.err
    assert "new-Passw0rd" not in result.err + result.out
    with cli.bound():
        assert AuditEvent.select().where(AuditEvent.action == "admin.login_failed").count() == 1
    assert _signs_in(cli, "old-Passw0rd!")


def test_admin_password_asks_on_a_terminal_and_checks_the_repeat(cli, monkeypatch):
    _admin(cli)
    answers = iter(["old-Passw0rd!", "new-Passw0rd!7", "new-Passw0rd!8"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("app.cli.security._on_terminal", lambda: True)
    assert "differ" in cli.fails("admin-password")
    assert _signs_in(cli, "old-Passw0rd!")


def test_admin_password_without_a_terminal_needs_stdin(cli):
    _admin(cli)
    assert "--stdin" in cli.fails("admin-password")
