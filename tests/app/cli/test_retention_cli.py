"""`relaydesk purge [--dry-run]` on SQLite and PostgreSQL."""

from datetime import datetime, timedelta

import pytest

from app import accounts, ledger, recharges, retention
from app.models import AuditEvent, RequestLog

NOW = datetime(2026, 6, 1, 12, 0, 0)


@pytest.fixture
def old_records(cli, fake_clock):
    """alice: a recharge and an adjustment 400 days ago, 3 old request logs, 1 recent, an old
    login event and an old operator action."""
    with cli.bound():
        fake_clock.current = NOW - timedelta(days=400)
        alice = accounts.add_user("alice", "alice@example.com")
        recharges.recharge("alice", 20_000_000)
        ledger.adjust(alice.id, -1_000_000, "old correction")
        fake_clock.current = NOW
        for days in (91, 120, 300, 10):
            RequestLog.create(request_id=f"r{days}", created_at=NOW - timedelta(days=days))
        AuditEvent.create(actor="alice", action="login", target="alice",
                          created_at=NOW - timedelta(days=100))
    return cli


EXPECTED = {"request_logs": 3, "recharge_records": 1, "ledger_entries": 2, "carry_forwards": 1,
            "audit_events": 1}


def test_dry_run_counts_and_changes_nothing(old_records):
    before = old_records.dump()
    result = old_records.ok("purge", "--dry-run")
    assert result.out.splitlines() == [
        "would delete 3 request logs older than 2026-03-03 12:00:00 UTC",
        "would delete 1 payment records older than 2025-06-01 12:00:00 UTC",
        ("would fold 2 ledger entries older than 2025-06-01 12:00:00 UTC into 1 carried-forward "
         "balances (balances unchanged)"),
        "would delete 1 login and security events older than 2026-03-03 12:00:00 UTC",
        "dry run: nothing was changed",
    ]
    report = old_records.json("purge", "--dry-run")
    assert report == {"dry_run": True, "complete": True, **EXPECTED,
                      "cutoffs": {"request_logs": "2026-03-03 12:00:00",
                                  "payments": "2025-06-01 12:00:00",
                                  "security_events": "2026-03-03 12:00:00"}}
    assert old_records.dump() == before


def test_purge_deletes_and_keeps_balances(old_records):
    result = old_records.ok("purge")
    assert result.out.startswith("deleted 3 request logs older than 2026-03-03 12:00:00 UTC\n")
    assert "folded 2 ledger entries" in result.out and "dry run" not in result.out
    assert old_records.json("user", "show", "alice")["balance_micros"] == 19_000_000
    with old_records.bound():
        assert [r.request_id for r in RequestLog.select()] == ["r10"]
        assert ledger.mismatched_users() == []
        [event] = AuditEvent.select().where(AuditEvent.action == retention.AUDIT_ACTION)
        assert event.actor == "admin" and event.detail["request_logs"] == 3
    again = old_records.json("purge")
    assert {k: again[k] for k in EXPECTED} == dict.fromkeys(EXPECTED, 0)


def test_purge_while_another_process_purges(old_records):
    """PostgreSQL (shared by several relays): refused while another run holds the advisory
    lock. SQLite serialises writers itself, so a second run simply goes ahead."""
    with old_records.bound():
        run = retention.start()  # on PostgreSQL: the lock, on a connection of its own
        assert run is not None
    try:
        if old_records.backend == "postgres":
            message = old_records.fails("purge")
            assert "another RelayDesk process is purging" in message
            assert old_records.json("purge", "--dry-run")["request_logs"] == 3  # no lock needed
            expected = 3
        else:
            expected = 0
            assert old_records.json("purge")["request_logs"] == 3
    finally:
        with old_records.bound():
            run.finish()
    assert old_records.json("purge")["request_logs"] == expected


def test_purge_help(cli):
    result = cli("purge", "--help")
    assert result.code == 0 and "--dry-run" in result.out
