"""app.retention: what is past its retention period goes, in batches; the ledger is folded so every
balance stays exact; pending payments and held reservations are never touched. SQLite and
PostgreSQL."""

import itertools
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import DatabaseError

from app import accounts, billing, db, ledger, recharges, retention
from app import settings as app_settings
from app.errors import Conflict, ValidationError
from app.ledger import Kind
from app.models import AuditEvent, LedgerEntry, RechargeRecord, RequestLog, Reservation, User
from tests.app.support import dump, unchanged

SEC = timedelta(seconds=1)
NOW = datetime(2026, 6, 1, 12, 0, 0)  # the fake clock's start
LOG_CUT = NOW - timedelta(days=90)
PAY_CUT = NOW - timedelta(days=365)
SECURITY_ACTIONS = ("login", "login.failed", "security.alert", "ban.ip", "admin.login",
                    "admin.login_failed", "admin.lockout")
KEPT_ACTIONS = ("user.add", "setting.set", "recharge", "backup.create", "bank.verify")
_ids = itertools.count()


def at(fake_clock, when: datetime) -> None:
    fake_clock.current = when


def add_log(created_at: datetime) -> RequestLog:
    return RequestLog.create(request_id=f"req-{next(_ids)}", created_at=created_at)


def add_event(action: str, created_at: datetime) -> AuditEvent:
    return AuditEvent.create(actor="admin", action=action, target="alice", created_at=created_at)


def add_user(name: str) -> User:
    return accounts.add_user(name, f"{name}@example.com")


def user_id(name: str) -> int:
    return User.get(User.username == name).id


def entries(name: str) -> list[LedgerEntry]:
    return list(LedgerEntry.select().where(LedgerEntry.user == user_id(name))
                .order_by(LedgerEntry.id))


def carries(name: str) -> list[LedgerEntry]:
    return [e for e in entries(name) if e.kind == Kind.CARRY_FORWARD.value]


def assert_ledger_exact() -> None:
    """balance == SUM(entries) for everyone, and each entry's balance_after is the running sum
    in id order (folding keeps the ledger readable, not just summable)."""
    assert ledger.mismatched_users() == []
    running: dict[int, int] = {}
    for entry in LedgerEntry.select().order_by(LedgerEntry.id):
        running[entry.user_id] = running.get(entry.user_id, 0) + entry.amount_micros
        assert entry.balance_after_micros == running[entry.user_id], entry.__data__


def purge_events() -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == retention.AUDIT_ACTION)
                .order_by(AuditEvent.id))


@pytest.fixture
def world(any_db, fake_clock):
    """Rows just inside and just outside every window (the clock ends back at NOW)."""
    add_user("alice")
    add_user("bob")
    for created in (LOG_CUT - SEC, LOG_CUT - timedelta(days=200)):
        add_log(created)
    kept_logs = [add_log(LOG_CUT + SEC).id, add_log(NOW).id]
    for action in SECURITY_ACTIONS:
        add_event(action, LOG_CUT - SEC)
    kept_events = [add_event(action, LOG_CUT + SEC).id for action in SECURITY_ACTIONS]
    kept_events += [add_event(action, NOW - timedelta(days=1000)).id for action in KEPT_ACTIONS]

    at(fake_clock, PAY_CUT - timedelta(days=30))
    gone_orders = [recharges.recharge("alice", 10_000_000).order_no,
                   recharges.recharge("bob", 7_000_000).order_no]
    partly = recharges.recharge("alice", 5_000_000).order_no
    full = recharges.recharge("bob", 3_000_000).order_no
    refunded_lately = recharges.recharge("alice", 4_000_000).order_no
    at(fake_clock, PAY_CUT - timedelta(days=20))
    recharges.refund(partly, 1_000_000)
    recharges.refund(full)
    ledger.adjust(user_id("alice"), -500_000, "old correction")
    gone_orders += [partly, full]
    at(fake_clock, PAY_CUT - SEC)
    ledger.adjust(user_id("bob"), 250_000, "just outside")
    at(fake_clock, PAY_CUT + SEC)
    just_inside = recharges.recharge("alice", 2_000_000).order_no
    at(fake_clock, NOW - timedelta(days=10))
    recharges.refund(refunded_lately, 1_000_000)  # a refund this year keeps its payment record
    pending = RechargeRecord.create(order_no="RD-PENDING", user=user_id("bob"),
                                    amount_micros=9_000_000, status="pending",
                                    created_at=NOW - timedelta(days=1000))
    at(fake_clock, NOW)
    return {"kept_logs": kept_logs, "kept_events": kept_events, "gone_orders": gone_orders,
            "kept_orders": [refunded_lately, just_inside, pending.order_no]}


def test_plan_counts_what_purge_deletes(world, fake_clock):
    plan = retention.plan()
    assert plan.counts() == {"request_logs": 2, "recharge_records": 4,
                             "ledger_entries": 9, "carry_forwards": 2,
                             "audit_events": len(SECURITY_ACTIONS)}
    assert plan.total == 2 + 4 + 9 + len(SECURITY_ACTIONS)
    assert plan.cutoffs == retention.Cutoffs(LOG_CUT, PAY_CUT, LOG_CUT)
    result = retention.purge()
    assert result.counts() == plan.counts()
    assert (result.dry_run, result.complete) == (False, True)
    assert retention.plan().counts() == dict.fromkeys(plan.counts(), 0)


def test_purge_keeps_exactly_what_is_inside_each_window(world):
    balances = {u.username: u.balance_micros for u in User.select()}
    retention.purge()
    assert [log.id for log in RequestLog.select().order_by(RequestLog.id)] == world["kept_logs"]
    remaining = [e.id for e in AuditEvent.select().where(
        AuditEvent.action != retention.AUDIT_ACTION).order_by(AuditEvent.id)]
    # every operator action is kept (recharge / refund events written by the fixture too)
    assert set(world["kept_events"]) <= set(remaining)
    assert not AuditEvent.select().where(AuditEvent.id.not_in(world["kept_events"]),
                                         AuditEvent.action.in_(SECURITY_ACTIONS)).exists()
    orders = {r.order_no: r.status for r in RechargeRecord.select()}
    assert sorted(orders) == sorted(world["kept_orders"])
    assert orders["RD-PENDING"] == "pending"
    assert {u.username: u.balance_micros for u in User.select()} == balances
    assert_ledger_exact()


def test_ledger_is_folded_into_one_carry_forward_per_user(world):
    alice_before = entries("alice")
    old = [e for e in alice_before if e.created_at < PAY_CUT]
    young = [e for e in alice_before if e.created_at >= PAY_CUT]
    assert len(old) == 5 and len(young) == 2
    retention.purge(batch=3)  # several batches, users split across them
    [carry] = carries("alice")
    assert (carry.amount_micros, carry.created_at, carry.id) == (
        sum(e.amount_micros for e in old), PAY_CUT, old[-1].id)
    assert carry.balance_after_micros == old[-1].balance_after_micros
    assert carry.reason == "entries before 2025-06-01 12:00:00 UTC folded by retention"
    assert carry.ref is None and carry.actor == "admin"
    assert [e.__data__ for e in entries("alice")] == [carry.__data__] + [
        e.__data__ for e in young]
    [bob_carry] = carries("bob")
    assert bob_carry.amount_micros == 7_000_000 + 3_000_000 - 3_000_000 + 250_000
    assert_ledger_exact()


def test_second_run_folds_into_the_first_carry_forward(world, fake_clock):
    retention.purge(batch=2)
    [first] = carries("alice")
    # a month later: more entries age past the cutoff, some new ones arrive
    at(fake_clock, NOW + timedelta(days=5))
    ledger.adjust(user_id("alice"), 100, "recent")
    at(fake_clock, NOW + timedelta(days=40))
    aged = [e for e in entries("alice") if e.created_at < PAY_CUT + timedelta(days=40)]
    assert aged[0].id == first.id and len(aged) == 2  # the carry-forward and the 2 MB recharge
    result = retention.purge(batch=2)
    assert (result.ledger_entries, result.carry_forwards) == (2, 1)
    [second] = carries("alice")
    assert (second.id, second.amount_micros, second.created_at) == (
        aged[-1].id, sum(e.amount_micros for e in aged), PAY_CUT + timedelta(days=40))
    assert second.balance_after_micros == aged[-1].balance_after_micros
    assert len(carries("bob")) == 1
    assert_ledger_exact()
    # once more at the same time: nothing left to do, and a lone carry-forward is left alone
    before = dump()
    again = retention.purge()
    assert again.counts() == dict.fromkeys(again.counts(), 0)
    after = dump()
    after["audit_event"] = after["audit_event"][:-1]
    assert after == before
    assert_ledger_exact()


def test_held_reservation_entries_are_never_folded(any_db, fake_clock):
    add_user("alice")
    at(fake_clock, NOW - timedelta(days=500))
    recharges.recharge("alice", 10_000_000)
    billing.reserve(user_id=user_id("alice"), key_id=None, request_id="held-1", model="m",
                    amount_micros=2_000_000, lease_seconds=60)
    ledger.adjust(user_id("alice"), -1_000_000, "old")
    at(fake_clock, NOW)
    result = retention.purge()
    assert (result.ledger_entries, result.carry_forwards) == (2, 1)
    kinds = [(e.kind, e.ref) for e in entries("alice")]
    assert kinds == [("hold", "held-1"), ("carry_forward", None)]
    assert ledger.mismatched_users() == [] and User.get().balance_micros == 7_000_000
    # settled later (the reservation row goes): the next run folds the hold too
    billing.settle_many([billing.Settlement("held-1", user_id("alice"), 500_000, True)])
    assert not Reservation.select().exists()
    at(fake_clock, NOW + timedelta(days=1))
    result = retention.purge()
    assert (result.ledger_entries, result.carry_forwards) == (2, 1)  # hold + carry-forward
    assert [e.kind for e in entries("alice")] == ["carry_forward", "release", "charge"]
    assert ledger.mismatched_users() == [] and User.get().balance_micros == 8_500_000


def test_pending_recharges_are_never_purged(any_db, fake_clock):
    add_user("alice")
    RechargeRecord.create(order_no="RD-P1", user=user_id("alice"), amount_micros=1,
                          status="pending", created_at=NOW - timedelta(days=3000))
    assert retention.plan().recharge_records == 0
    assert retention.purge().recharge_records == 0
    assert RechargeRecord.get().order_no == "RD-P1"


def test_each_run_is_audited_with_its_counts(world, fake_clock):
    result = retention.purge(batch=4)
    [event] = purge_events()
    assert (event.actor, event.target, event.created_at) == ("admin", None, NOW)
    assert event.detail == {
        "dry_run": False, "complete": True, **result.counts(),
        "cutoffs": {"request_logs": "2026-03-03 12:00:00", "payments": "2025-06-01 12:00:00",
                    "security_events": "2026-03-03 12:00:00"}}
    retention.purge(actor="relay")
    assert [e.actor for e in purge_events()] == ["admin", "relay"]
    assert purge_events()[1].detail["request_logs"] == 0


def test_dry_run_deletes_nothing(world):
    with unchanged():
        result = retention.purge(dry_run=True)
    assert result.dry_run and result.counts() == retention.plan().counts()
    assert result.request_logs == 2 and purge_events() == []


def test_settings_choose_the_windows(any_db, fake_clock):
    app_settings.set("log_retention_days", 7)
    app_settings.set("security_retention_days", 30)
    add_log(NOW - timedelta(days=8))
    add_log(NOW - timedelta(days=6))
    add_event("login", NOW - timedelta(days=31))
    add_event("login", NOW - timedelta(days=29))
    assert (retention.plan().request_logs, retention.plan().audit_events) == (1, 1)
    retention.purge()
    assert RequestLog.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "login").count() == 1


def test_batches_are_separate_and_pause_runs_between_them(any_db, fake_clock):
    for day in range(7):
        add_log(NOW - timedelta(days=100 + day))
    seen: list[int] = []
    result = retention.purge(batch=2, pause=lambda: seen.append(RequestLog.select().count()))
    assert seen[:4] == [5, 3, 1, 0]  # each batch committed before the next (then other stages)
    assert result.request_logs == 7 and result.batches == len(seen) + 1
    assert not db.database.in_transaction()


def test_many_rows_with_the_same_time_in_small_batches(any_db, fake_clock):
    """Keyset pagination on (created_at, id): ties and lone carry-forwards cannot loop."""
    names = [f"user{i}" for i in range(5)]
    at(fake_clock, NOW - timedelta(days=400))
    for name in names:
        add_user(name)
        recharges.recharge(name, 1_000)
    at(fake_clock, NOW)
    retention.purge(batch=2)
    at(fake_clock, NOW + timedelta(days=1))  # every user now has one lone, tied carry-forward
    result = retention.purge(batch=2)
    assert result.ledger_entries == 0 and result.batches >= 3
    assert all(len(carries(name)) == 1 for name in names)
    assert_ledger_exact()


def test_an_interrupted_run_records_what_it_did(any_db, fake_clock):
    for day in range(5):
        add_log(NOW - timedelta(days=100 + day))

    def stop() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        retention.purge(batch=2, pause=stop)
    [event] = purge_events()
    assert (event.detail["complete"], event.detail["request_logs"]) == (False, 2)
    assert RequestLog.select().count() == 3


def test_step_by_step_run(world):
    run = retention.start(batch=3, actor="relay")
    assert run is not None
    steps = 0
    while run.step():
        steps += 1
        assert_ledger_exact()  # every batch leaves the ledger exact
    assert run.done and not run.step()
    result = run.finish()
    assert result.batches == steps + 1 and result.complete
    with pytest.raises(Conflict):
        run.finish()
    with pytest.raises(Conflict):
        run.step()


def refuse_carry_forwards() -> None:
    """The database refuses to write a carry-forward (as a full disk would), after the batch
    has already deleted the entries it folds."""
    if db.is_postgres():
        db.database.execute_sql(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$")
        db.database.execute_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON ledger_entry FOR EACH ROW "
            "WHEN (NEW.kind = 'carry_forward') EXECUTE FUNCTION refuse()")
    else:
        db.database.execute_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON ledger_entry "
            "WHEN NEW.kind = 'carry_forward' BEGIN SELECT RAISE(ABORT, 'disk full'); END")


def test_a_failed_batch_rolls_back_and_stops_the_run(world):
    ledger_before = dump()["ledger_entry"]
    refuse_carry_forwards()
    with pytest.raises(DatabaseError, match="disk full"):
        retention.purge()
    assert dump()["ledger_entry"] == ledger_before  # the failed batch's transaction rolled back
    assert ledger.mismatched_users() == []
    [event] = purge_events()  # what the earlier batches did is on record, and only that
    assert {k: event.detail[k] for k in ("complete", "request_logs", "recharge_records",
                                         "ledger_entries", "carry_forwards")} == {
        "complete": False, "request_logs": 2, "recharge_records": 4, "ledger_entries": 0,
        "carry_forwards": 0}
    run = retention.start()
    assert run is not None
    with pytest.raises(DatabaseError):
        while run.step():
            pass
    with pytest.raises(Conflict, match="start a new one"):
        run.step()
    assert run.finish().complete is False


def test_only_one_process_purges_a_postgres_database(any_db, fake_clock):
    first = retention.start()
    assert first is not None
    try:
        second = retention.start()
        if db.is_postgres():
            assert second is None
            with pytest.raises(Conflict, match="another RelayDesk process is purging"):
                retention.purge()
        else:  # SQLite serialises writers; nothing to lock
            assert second is not None
            second.finish()
    finally:
        first.finish()
    third = retention.start()  # free again
    assert third is not None
    third.finish()


@pytest.mark.parametrize("batch", [0, -1, 10_001, 2.5, True])
def test_batch_must_be_sensible(sqlite_db, batch):
    with pytest.raises(ValidationError):
        retention.purge(batch=batch)
    with pytest.raises(ValidationError):
        retention.start(batch=batch)


OPS = st.lists(st.tuples(st.integers(0, 2), st.integers(-3_000, 5_000), st.integers(1, 200)),
               min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, purges=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 4)),
                                min_size=1, max_size=4))
def test_any_history_any_purges_keep_the_ledger_exact(sqlite_db, fake_clock, ops, purges):
    """Random postings over ~2 years, purged at random later times with random batch sizes."""
    for model in (LedgerEntry, Reservation, RechargeRecord, AuditEvent, RequestLog, User):
        model.delete().execute()
    users = [add_user(f"u{i}-{next(_ids)}").id for i in range(3)]
    start = NOW - timedelta(days=800)
    when = start
    for who, amount, days in ops:
        when += timedelta(days=days)
        at(fake_clock, when)
        ledger.post(users[who], Kind.ADJUSTMENT, amount, reason="x", allow_negative=True)
    expected = {u.id: u.balance_micros for u in User.select()}
    for offset, batch in sorted(purges):
        at(fake_clock, start + timedelta(days=365 + offset))
        retention.purge(batch=batch)
        assert_ledger_exact()
        assert {u.id: u.balance_micros for u in User.select()} == expected
        for uid in users:
            old = LedgerEntry.select().where(LedgerEntry.user == uid,
                                             LedgerEntry.created_at < fake_clock.current
                                             - timedelta(days=365))
            assert [e.kind for e in old] in ([], [Kind.CARRY_FORWARD.value])
    at(fake_clock, NOW)
