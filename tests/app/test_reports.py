"""app.reports: the filtered recharge list and its totals agree, on SQLite and PostgreSQL."""

from datetime import datetime

import pytest

from app import accounts, ledger, recharges, reports
from app.errors import NotFound, ValidationError
from app.models import RechargeRecord
from app.reports import RechargeFilter


@pytest.fixture
def orders(any_db, fake_clock):
    """alice 100 (30 refunded) and bob 50.5 (all refunded) on June 1, a pending 10 for carol on
    June 2, alice 20 on June 3."""
    for name in ("alice", "bob", "carol"):
        accounts.add_user(name, f"{name}@example.com")
    first = recharges.recharge("alice", 100_000_000, method="cash")
    fake_clock.advance(hours=1)
    bob = recharges.recharge("bob", 50_500_000, method="alipay")
    recharges.refund(first.order_no, 30_000_000)
    recharges.refund(bob.order_no)
    fake_clock.advance(days=1)
    RechargeRecord.create(order_no="RDPENDING", user=accounts.get_user("carol"),
                          amount_micros=10_000_000, method="epay", status="pending",
                          created_at=fake_clock.current)
    fake_clock.advance(days=1)
    recharges.recharge("alice", 20_000_000)
    return first.order_no, bob.order_no


def totals(**kwargs):
    t = reports.recharge_totals(RechargeFilter(**kwargs))
    return t.count, t.recharged_micros, t.refunded_micros, t.net_micros


def names(**kwargs):
    return [(r.user.username, r.amount_micros)
            for r in reports.list_recharges(RechargeFilter(**kwargs))]


def test_everything(orders):
    # paid 100 + 50.5 + 20 (the pending 10 is not money received); refunded 30 + 50.5
    assert totals() == (4, 170_500_000, 80_500_000, 90_000_000)
    assert names() == [("alice", 20_000_000), ("carol", 10_000_000), ("bob", 50_500_000),
                       ("alice", 100_000_000)]


def test_by_user_and_status(orders):
    assert totals(username="alice") == (2, 120_000_000, 30_000_000, 90_000_000)
    assert names(username="alice") == [("alice", 20_000_000), ("alice", 100_000_000)]
    assert totals(status="refunded") == (1, 50_500_000, 50_500_000, 0)
    assert totals(status="pending") == (1, 0, 0, 0)
    assert totals(username="bob", status="paid") == (0, 0, 0, 0)
    assert names(username="bob", status="paid") == []


def test_by_date_range_is_half_open(orders):
    june2 = datetime(2026, 6, 2)
    assert totals(since=june2) == (2, 20_000_000, 0, 20_000_000)
    assert totals(until=june2) == (2, 150_500_000, 80_500_000, 70_000_000)
    # carol's pending order was placed at exactly 2026-06-02 13:00
    assert names(since=datetime(2026, 6, 2, 13), until=datetime(2026, 6, 3)) == [
        ("carol", 10_000_000)]
    assert names(since=datetime(2026, 6, 2, 13, 0, 1), until=datetime(2026, 6, 3)) == []


def test_paging_matches_the_service_list(orders):
    page = reports.list_recharges(limit=2, offset=1)
    assert [r.order_no for r in page] == [
        r.order_no for r in recharges.list_recharges(limit=2, offset=1)]


def test_bad_filters_are_refused(orders):
    with pytest.raises(NotFound):
        reports.recharge_totals(RechargeFilter(username="ghost"))
    with pytest.raises(ValidationError, match=r"^Status must be one of"):
        reports.list_recharges(RechargeFilter(status="lost"))
    with pytest.raises(ValidationError, match="end of the date range"):
        reports.recharge_totals(RechargeFilter(since=datetime(2026, 6, 2),
                                               until=datetime(2026, 6, 2)))


def test_ledger_without_reservations(any_db, fake_clock):
    user = accounts.add_user("dave", "dave@example.com")
    recharges.recharge("dave", 10_000_000)
    ledger.post(user.id, ledger.Kind.HOLD, -2_000_000, ref="req1", actor="relay")
    ledger.post(user.id, ledger.Kind.RELEASE, 2_000_000, ref="req1", actor="relay")
    ledger.post(user.id, ledger.Kind.CHARGE, -1_234, ref="req1", actor="relay")
    ledger.adjust(user.id, 500_000, "goodwill")
    every = reports.ledger_entries(user.id)
    assert [e.kind for e in every] == ["adjustment", "charge", "release", "hold", "recharge"]
    assert [e.id for e in every] == [e.id for e in ledger.entries(user.id)]
    shown = reports.ledger_entries(user.id, hide_reservations=True)
    assert [(e.kind, e.amount_micros, e.balance_after_micros) for e in shown] == [
        ("adjustment", 500_000, 10_498_766), ("charge", -1_234, 9_998_766),
        ("recharge", 10_000_000, 10_000_000)]
    assert [e.kind for e in reports.ledger_entries(user.id, hide_reservations=True, limit=1,
                                                   offset=1)] == ["charge"]
