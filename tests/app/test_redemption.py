"""app.redemption: codes shown once and stored hashed, exact amounts credited once with a
recharge record, ledger entry and audit event, expiry, disabling, the CSV export, and one code
won by exactly one of several racing users (SQLite and PostgreSQL)."""

import csv
import functools
import io
from datetime import timedelta

import pytest

from app import accounts, audit, ledger, recharges, redemption
from app.errors import Conflict, NotFound, ValidationError
from app.models import LedgerEntry, RechargeRecord, RedemptionCode
from tests.app.support import race

NOT_VALID = "that code is not valid"


@pytest.fixture
def ann(any_db):
    return accounts.add_user("ann", "ann@example.com")


def test_codes_are_shown_once_and_only_their_hashes_are_stored(any_db):
    made = redemption.generate(3, 12_345_678, note="fair")
    assert len({m.code for m in made}) == 3
    for item in made:
        stored = RedemptionCode.get_by_id(item.row.id)
        assert item.code.startswith(redemption.CODE_PREFIX) and len(item.code) > 20
        assert stored.code_hash == redemption.hash_code(item.code)
        assert item.code not in stored.prefix and stored.prefix.endswith(item.code[-4:])
        assert (stored.amount_micros, stored.status, stored.note) == (12_345_678, "active",
                                                                       "fair")
    assert len({m.row.batch for m in made}) == 1
    event = audit.recent(1, "code.generate")[0]
    assert event.detail["count"] == 3 and all(m.code not in str(event.detail) for m in made)


def test_the_csv_holds_each_code_and_its_exact_amount(any_db, fake_clock):
    made = redemption.generate(2, 5_500_000, expires_at=fake_clock() + timedelta(days=2),
                               note="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(redemption.to_csv(made))))
    assert rows[0] == list(redemption.CSV_COLUMNS)
    assert rows[1:] == [[m.code, "5.50", "2026-06-03 12:00:00", m.row.batch, "'=HYPERLINK(1)"]
                        for m in made]


def test_redeeming_credits_the_exact_amount_once(ann):
    [item] = redemption.generate(1, 7_000_001)
    record = redemption.redeem(ann.id, f"  {item.code}\n")
    assert (record.amount_micros, record.method, record.status) == (7_000_001, "code", "paid")
    assert accounts.get_user_by_id(ann.id).balance_micros == 7_000_001
    entry = LedgerEntry.get(LedgerEntry.ref == record.order_no)
    assert (entry.kind, entry.amount_micros) == ("recharge", 7_000_001)
    row = RedemptionCode.get_by_id(item.row.id)
    assert (row.status, row.used_by_id, row.order_no) == ("used", ann.id, record.order_no)
    assert row.used_at is not None
    assert audit.recent(1, "code.redeem")[0].detail["order_no"] == record.order_no
    assert [r.order_no for r in recharges.list_recharges("ann")] == [record.order_no]
    with pytest.raises(ValidationError, match=f"^{NOT_VALID}$"):
        redemption.redeem(ann.id, item.code)
    assert accounts.get_user_by_id(ann.id).balance_micros == 7_000_001
    assert ledger.mismatched_users() == []


@pytest.mark.parametrize("code", ["", "   ", "rc-nonsense", "x" * 500, None])
def test_unknown_codes_are_not_valid(ann, code):
    with pytest.raises(ValidationError, match=f"^{NOT_VALID}$") as info:
        redemption.redeem(ann.id, code)
    assert info.value.param == "code"
    assert RechargeRecord.select().count() == 0


def test_an_expired_code_reads_like_an_unknown_one(ann, fake_clock):
    [item] = redemption.generate(1, 1_000_000, expires_at=fake_clock() + timedelta(hours=1))
    fake_clock.advance(minutes=59)
    assert redemption.expired(item.row) is False
    fake_clock.advance(minutes=1)
    assert redemption.expired(item.row) is True
    with pytest.raises(ValidationError, match=f"^{NOT_VALID}$"):
        redemption.redeem(ann.id, item.code)
    assert accounts.get_user_by_id(ann.id).balance_micros == 0
    stored = RedemptionCode.get_by_id(item.row.id)
    assert (stored.status, redemption.view(stored)["state"]) == ("active", "expired")


def test_a_disabled_code_cannot_be_redeemed(ann):
    first, second = redemption.generate(2, 1_000_000)
    assert redemption.disable(first.row.id).status == "disabled"
    assert audit.recent(1, "code.disable")[0].target == str(first.row.id)
    with pytest.raises(ValidationError, match=f"^{NOT_VALID}$"):
        redemption.redeem(ann.id, first.code)
    redemption.redeem(ann.id, second.code)
    with pytest.raises(Conflict, match="already used"):
        redemption.disable(second.row.id)
    assert RedemptionCode.get_by_id(second.row.id).status == "used"
    assert redemption.disable(first.row.id).status == "disabled"  # twice: no harm, no event
    assert len(audit.recent(10, "code.disable")) == 1
    with pytest.raises(NotFound):
        redemption.disable(second.row.id + 100)
    with pytest.raises(NotFound):
        redemption.get_code(second.row.id + 100)


def test_the_list_filters_by_status_and_batch(ann):
    a = redemption.generate(2, 1_000_000)
    b = redemption.generate(1, 2_000_000)
    redemption.redeem(ann.id, a[0].code)
    assert [r.id for r in redemption.list_codes()] == [b[0].row.id, a[1].row.id, a[0].row.id]
    assert [r.id for r in redemption.list_codes(status="used")] == [a[0].row.id]
    assert [r.id for r in redemption.list_codes(batch=a[0].row.batch)] == [a[1].row.id,
                                                                           a[0].row.id]
    with pytest.raises(ValidationError):
        redemption.list_codes(status="spent")


@pytest.mark.parametrize(("args", "kwargs", "param"), [
    ((0, 1_000_000), {}, "count"),
    ((redemption.MAX_COUNT + 1, 1_000_000), {}, "count"),
    ((True, 1_000_000), {}, "count"),
    ((1, 0), {}, "amount"),
    ((1, -5), {}, "amount"),
    ((1, redemption.MAX_AMOUNT_MICROS + 1), {}, "amount"),
    ((1, 1_000_000), {"note": "x" * 201}, "note"),
])
def test_bad_generate_input_is_refused(any_db, args, kwargs, param):
    with pytest.raises(ValidationError) as info:
        redemption.generate(*args, **kwargs)
    assert info.value.param == param
    assert RedemptionCode.select().count() == 0


def test_a_past_expiry_is_refused(any_db, fake_clock):
    with pytest.raises(ValidationError, match="past"):
        redemption.generate(1, 1_000_000, expires_at=fake_clock())


def test_a_user_deleted_later_leaves_the_code_used(ann):
    [item] = redemption.generate(1, 1_000_000)
    redemption.redeem(ann.id, item.code)
    RechargeRecord.delete().execute()  # what a hard delete cascades to first
    LedgerEntry.delete().execute()
    ann.delete_instance()
    row = RedemptionCode.get_by_id(item.row.id)
    assert (row.status, row.used_by_id) == ("used", None)


def test_users_racing_for_one_code_exactly_one_is_credited(any_db):
    users = [accounts.add_user(f"user{i}", f"user{i}@example.com") for i in range(6)]
    [item] = redemption.generate(1, 3_000_000)
    results = race([functools.partial(redemption.redeem, u.id, item.code) for u in users])
    assert results.count(True) == 1, results
    assert sorted(r for r in results if r is not True) == [NOT_VALID] * (len(users) - 1)
    assert RechargeRecord.select().count() == 1
    assert sum(accounts.get_user_by_id(u.id).balance_micros for u in users) == 3_000_000
    assert ledger.mismatched_users() == []
