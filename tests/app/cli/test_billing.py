"""`relaydesk recharge|refund|adjust|ledger|recharges` on SQLite and PostgreSQL."""

import re

import pytest

from app import ledger
from app.ledger import Kind
from app.models import User
from tests.app.support import assert_money_is_micros

ORDER_RE = r"RD\d{14}[0-9A-F]{8}"


@pytest.fixture
def alice(cli, fake_clock):
    cli.ok("user", "add", "alice", "--email", "alice@example.com")
    return cli


def balance(cli, name="alice"):
    return cli.json("user", "show", name)["balance_micros"]


def test_recharge_prints_the_order_number(alice):
    out = alice.ok("recharge", "alice", "12.5").out
    assert re.fullmatch(ORDER_RE + r"\n", out)
    assert balance(alice) == 12_500_000
    data = alice.json("recharge", "alice", "0.000001", "--method", "cash", "--note", "till")
    assert re.fullmatch(ORDER_RE, data["order_no"])
    assert (data["amount_micros"], data["balance_micros"], data["method"], data["note"]) == (
        1, 12_500_001, "cash", "till")
    assert_money_is_micros(data)


def test_refund_partial_then_full(alice):
    order = alice.ok("recharge", "alice", "10").out.strip()
    out = alice.ok("refund", order, "--amount", "2.5", "--note", "partial").out
    assert out == f"{order}: refunded 2.50 of 10.00 (partially_refunded)\n"
    assert balance(alice) == 7_500_000
    data = alice.json("refund", order)
    assert (data["status"], data["refunded_micros"], data["amount_micros"]) == (
        "refunded", 10_000_000, 10_000_000)
    assert balance(alice) == 0
    assert "refunded" in alice.fails("refund", order)


def test_adjust(alice):
    alice.ok("recharge", "alice", "5")
    assert alice.ok("adjust", "alice", "-1.5", "--reason", "double charge").out == (
        "alice: balance now 3.50\n")
    entry = alice.json("adjust", "alice", "+0.25", "--reason", "goodwill")
    assert (entry["kind"], entry["amount_micros"], entry["balance_after_micros"],
            entry["reason"]) == ("adjustment", 250_000, 3_750_000, "goodwill")


def test_ledger(alice):
    order = alice.ok("recharge", "alice", "10").out.strip()
    alice.ok("adjust", "alice", "-1", "--reason", "fee")
    data = alice.json("ledger", "alice")
    assert (data["username"], data["balance_micros"]) == ("alice", 9_000_000)
    assert [(e["kind"], e["amount_micros"], e["ref"]) for e in data["entries"]] == [
        ("adjustment", -1_000_000, None), ("recharge", 10_000_000, order)]
    assert_money_is_micros(data)
    lines = alice.ok("ledger", "alice").out.splitlines()
    assert lines[0] == "alice: balance 9.00"
    assert lines[1].split()[:3] == ["ID", "TIME", "KIND"]
    assert "-1.00" in lines[2] and "fee" in lines[2]
    assert "10.00" in lines[3] and order in lines[3]
    assert len(alice.json("ledger", "alice", "--limit", "1")["entries"]) == 1


def test_empty_ledger(alice):
    assert alice.ok("ledger", "alice").out == "alice: balance 0.00\n(no entries)\n"


def test_recharges_list(alice):
    alice.ok("user", "add", "bob", "--email", "bob@example.com")
    a = alice.ok("recharge", "alice", "1").out.strip()
    b = alice.ok("recharge", "bob", "2").out.strip()
    alice.ok("refund", a)
    rows = alice.json("recharges")
    assert [(r["order_no"], r["username"], r["status"]) for r in rows] == [
        (b, "bob", "paid"), (a, "alice", "refunded")]
    assert_money_is_micros(rows)
    assert [r["order_no"] for r in alice.json("recharges", "bob")] == [b]
    assert [r["order_no"] for r in alice.json("recharges", "--status", "refunded")] == [a]
    assert alice.ok("recharges", "--status", "pending").out == "(no recharges)\n"
    assert "1.00" in alice.ok("recharges").out


@pytest.mark.parametrize(("argv", "needle"), [
    (["recharge", "ghost", "5"], "ghost"),
    (["recharge", "alice", "1.1234567"], "6 decimal"),
    (["recharge", "alice", "abc"], "not a number"),
    (["recharge", "alice", "-5"], "positive"),
    (["recharge", "alice", "0"], "zero"),
    (["recharge", "alice", "NaN"], "finite"),
    (["recharge", "alice", "1e999999"], "Amount"),
    (["recharge", "alice", "99999999999"], "too large"),
    (["recharge", "alice", "5", "--note", "n" * 501], "Note is longer"),
    (["refund", "RD00000000000000DEADBEEF"], "RD00000000000000DEADBEEF"),
    (["refund", "ORDER", "--amount", "1.1234567"], "6 decimal"),
    (["refund", "ORDER", "--amount", "-1"], "positive"),
    (["refund", "ORDER", "--amount", "10.000001"], "is more than the 10.00"),
    (["refund", "ORDER", "--amount", "abc"], "not a number"),
    (["adjust", "alice", "5", "--reason", "  "], "Reason is required"),
    (["adjust", "alice", "0", "--reason", "nothing"], "zero"),
    (["adjust", "alice", "-10.000001", "--reason", "too much"], "cannot cover"),
    (["adjust", "ghost", "1", "--reason", "r"], "ghost"),
    (["adjust", "alice", "1.5.5", "--reason", "r"], "not a number"),
    (["ledger", "ghost"], "ghost"),
    (["recharges", "ghost"], "ghost"),
])
def test_refused_billing_commands(alice, argv, needle):
    order = alice.ok("recharge", "alice", "10").out.strip()
    argv = [order if a == "ORDER" else a for a in argv]
    assert needle in alice.fails(*argv)


def test_refund_more_than_the_balance(alice):
    order = alice.ok("recharge", "alice", "10").out.strip()
    with alice.bound():
        ledger.post(User.get(User.username == "alice").id, Kind.CHARGE, -9_000_000)
    assert "cannot cover" in alice.fails("refund", order)
    assert "cannot cover" in alice.fails("refund", order, "--amount", "1.000001")
    alice.ok("refund", order, "--amount", "1")
    assert balance(alice) == 0


@pytest.mark.parametrize("argv", [["ledger", "alice", "--limit", "-1"],
                                  ["recharges", "--limit", "-1"]])
def test_negative_limit_is_refused(alice, argv):
    # like `logs --limit`; on PostgreSQL a negative LIMIT is a database error (traceback)
    alice.ok("recharge", "alice", "10")
    assert "limit" in alice.fails(*argv)


def test_missing_reason_is_a_usage_error(alice):
    before = alice.dump()
    result = alice("adjust", "alice", "5")
    assert result.code == 2 and "--reason" in result.err
    assert alice.dump() == before
