"""`relaydesk export`, `relaydesk user delete` and `relaydesk user withdraw-consent`, on SQLite
and PostgreSQL."""

import json
import zipfile

import pytest

from app import apikeys, billing
from app.models import AuditEvent
from tests.app.support import assert_money_is_micros


@pytest.fixture
def alice(cli):
    """alice with a balance and a key; returns the key's plaintext."""
    cli.ok("user", "add", "alice", "--email", "alice@example.com", "--phone", "+8613800000000")
    cli.ok("recharge", "alice", "20")
    return cli.json("key", "create", "alice")["key"]


def test_export_json(cli, alice, tmp_path):
    out = tmp_path / "alice.json"
    result = cli.ok("export", "alice", "--out", str(out))
    assert result.out.startswith("exported ") and str(out) in result.out
    assert out.stat().st_mode & 0o777 == 0o600
    data = out.read_bytes()
    assert alice.encode() not in data
    doc = json.loads(data)
    assert (doc["format"], doc["user"]["email"], doc["balance_micros"]) == (
        "relaydesk-user-export", "alice@example.com", 20_000_000)
    assert len(doc["api_keys"]) == 1 and len(doc["recharges"]) == 1
    assert_money_is_micros(doc)


def test_export_csv_json_output(cli, alice, tmp_path):
    out = tmp_path / "alice.zip"
    report = cli.json("export", "alice", "--out", str(out), "--format", "csv")
    assert (report["format"], report["path"], report["size_bytes"]) == (
        "csv", str(out), out.stat().st_size)
    assert report["counts"] == {"api_keys": 1, "ledger": 1, "recharges": 1, "request_logs": 0,
                                "login_history": 0, "sign_ins": 0, "deletion_requests": 0}
    with zipfile.ZipFile(out) as archive:
        assert "README.txt" in archive.namelist() and "login_history.csv" in archive.namelist()
    with cli.bound():
        event = AuditEvent.get(AuditEvent.action == "user.export")
    assert (event.target, event.detail) == ("alice", {"format": "csv"})


def test_export_refusals(cli, alice, tmp_path):
    assert "ghost" in cli.fails("export", "ghost", "--out", str(tmp_path / "g.json"))
    assert "cannot write" in cli.fails("export", "alice", "--out",
                                       str(tmp_path / "missing" / "a.json"))
    assert cli("export", "alice", "--out", str(tmp_path / "a"), "--format", "xml").code == 2
    assert cli("export", "alice").code == 2  # --out is required
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_delete_needs_yes(cli, alice):
    message = cli.fails("user", "delete", "alice")
    assert "--yes" in message and "alice" in message
    assert cli.json("user", "show", "alice")["email"] == "alice@example.com"
    assert "ghost" in cli.fails("user", "delete", "ghost")  # unknown says so, not "--yes"


def test_delete(cli, alice):
    result = cli.ok("user", "delete", "alice", "--yes")
    assert result.out.startswith("deleted user alice (id 1, now deleted:1)")
    assert "alice" in cli.fails("user", "show", "alice")
    assert cli.json("user", "list") == []
    with cli.bound():
        assert apikeys.lookup(alice) is None
    assert "alice" in cli.fails("user", "delete", "alice", "--yes")
    cli.ok("user", "add", "alice", "--email", "new@example.com")  # the name is free again
    assert cli.json("user", "show", "alice")["balance_micros"] == 0


def test_delete_json(cli, alice):
    assert cli.json("user", "delete", "alice", "--yes") == {
        "id": 1, "username": "deleted:1", "status": "deleted"}


def test_delete_refused_with_requests_in_flight(cli, alice):
    with cli.bound():
        billing.reserve(user_id=1, key_id=None, request_id="live", model="m",
                        amount_micros=1_000_000, lease_seconds=60)
    assert "requests in progress" in cli.fails("user", "delete", "alice", "--yes")


def test_withdraw_consent(cli, alice):
    result = cli.ok("user", "withdraw-consent", "alice")
    assert result.out == "user alice withdrew consent: account disabled, API keys revoked\n"
    shown = cli.json("user", "show", "alice")
    assert (shown["status"], shown["consent_version"], shown["email"]) == (
        "disabled", None, "alice@example.com")
    assert [k["status"] for k in cli.json("key", "list", "alice")] == ["revoked"]
    with cli.bound():
        info = apikeys.lookup(alice)
        assert info is not None and not info.key_active
    assert "ghost" in cli.fails("user", "withdraw-consent", "ghost")
