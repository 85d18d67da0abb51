"""The ledger invariant under random operation sequences, on SQLite and PostgreSQL.

A hypothesis state machine drives users, recharges, refunds (valid and not), adjustments,
refused debits and the relay's reserve / settle / recover cycle, keeping a plain-Python model of
every balance. After every step: ``balance == sum(entries)`` for every user, balances equal the
model, nobody is ever below zero (a charge above its hold is written off), and every refused
operation left the database exactly as it was.
"""

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app import accounts, billing, db, ledger, recharges
from app.billing import Settlement
from app.errors import Conflict, InsufficientBalance, NotFound, ValidationError
from app.ledger import Kind
from app.models import (
    ApiKey,
    AuditEvent,
    LedgerEntry,
    RechargeRecord,
    RequestLog,
    Reservation,
    User,
)
from tests.app.support import unchanged

SETTINGS = settings(max_examples=30, stateful_step_count=20, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much])
AMOUNTS = st.integers(min_value=1, max_value=5_000_000)
_names = itertools.count()


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, fake_clock) -> None:
        super().__init__()
        for model in (RequestLog, Reservation, LedgerEntry, RechargeRecord, ApiKey, AuditEvent,
                      User):
            model.delete().execute()
        self.clock = fake_clock
        # On PostgreSQL leases run on the database's clock, which the test cannot move: there
        # time passing moves every lease back instead, and leases are taken a minute per model
        # second so the real seconds a run takes never end one early.
        self.pg = db.is_postgres()
        self.lease_scale = 60 if self.pg else 1
        self.balance: dict[int, int] = {}  # user id -> expected balance
        self.names: dict[int, str] = {}
        self.orders: dict[str, list[int]] = {}  # order_no -> [user id, amount, refunded]
        self.held: dict[str, list] = {}  # request id -> [user id, amount, delivered, lease_until]
        self.settled: list[str] = []  # request ids no longer reserved
        self.request_ids = itertools.count()

    # -- helpers -----------------------------------------------------------------------------
    def refused(self, error: type[Exception], call, *args, **kwargs) -> None:
        with unchanged(), pytest.raises(error):
            call(*args, **kwargs)

    # Choices are drawn from insertion-ordered collections, never sorted: order numbers are
    # random, and sorting them would make the generated data depend on them (hypothesis then
    # reports inconsistent data generation when it replays an example).
    def pick_user(self, data) -> int:
        return data.draw(st.sampled_from(list(self.balance)), label="user")

    def credit(self, user_id: int, amount: int) -> None:
        self.balance[user_id] += amount

    # -- accounts and payments ---------------------------------------------------------------
    @initialize(funds=st.lists(st.integers(0, 20_000_000), min_size=1, max_size=3))
    def some_funded_users(self, funds) -> None:
        for amount in funds:
            user_id = self.new_user()
            if amount:
                record = recharges.recharge(self.names[user_id], amount)
                self.orders[record.order_no] = [user_id, amount, 0]
                self.credit(user_id, amount)

    @rule()
    def add_user(self) -> None:
        self.new_user()

    def new_user(self) -> int:
        name = f"u{next(_names)}"
        user = accounts.add_user(name, f"{name}@example.com")
        self.balance[user.id], self.names[user.id] = 0, name
        return user.id

    @precondition(lambda self: self.balance)
    @rule(data=st.data(), amount=st.integers(min_value=-2_000_000, max_value=50_000_000))
    def recharge(self, data, amount) -> None:
        user_id = self.pick_user(data)
        if amount <= 0:
            self.refused(ValidationError, recharges.recharge, self.names[user_id], amount)
            return
        record = recharges.recharge(self.names[user_id], amount)
        self.orders[record.order_no] = [user_id, amount, 0]
        self.credit(user_id, amount)

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def refund(self, data) -> None:
        order_no = data.draw(st.sampled_from(list(self.orders)), label="order")
        user_id, paid, refunded = self.orders[order_no]
        remaining = paid - refunded
        amount = data.draw(st.none() | st.integers(-2, remaining + 2) | AMOUNTS, label="amount")
        wanted = remaining if amount is None else amount
        if remaining == 0 or wanted > remaining:
            self.refused(Conflict, recharges.refund, order_no, amount)
        elif wanted <= 0:
            self.refused(ValidationError, recharges.refund, order_no, amount)
        elif wanted > self.balance[user_id]:
            self.refused(InsufficientBalance, recharges.refund, order_no, amount)
        else:
            record = recharges.refund(order_no, amount)
            self.orders[order_no][2] += wanted
            self.credit(user_id, -wanted)
            assert record.refunded_micros == refunded + wanted
            assert record.status == ("refunded" if refunded + wanted == paid
                                     else "partially_refunded")

    @rule(order_no=st.text(alphabet="RD0123456789ABCDEF", max_size=24),
          amount=st.integers(-1000, 1000), which=st.booleans())
    def unknown_targets_are_refused(self, order_no, amount, which) -> None:
        if which:
            self.refused(NotFound, ledger.post, 10**9, Kind.ADJUSTMENT, amount or 1)
        elif order_no.strip() not in self.orders:
            self.refused(NotFound, recharges.refund, order_no)

    @precondition(lambda self: self.balance)
    @rule(data=st.data(), amount=st.integers(-10_000_000, 10_000_000),
          reason=st.sampled_from(["goodwill", "  fix  ", "", "   "]))
    def adjust(self, data, amount, reason) -> None:
        user_id = self.pick_user(data)
        if amount == 0 or not reason.strip():
            self.refused(ValidationError, ledger.adjust, user_id, amount, reason)
        elif amount < 0 and -amount > self.balance[user_id]:
            self.refused(InsufficientBalance, ledger.adjust, user_id, amount, reason)
        else:
            entry = ledger.adjust(user_id, amount, reason)
            self.credit(user_id, amount)
            assert entry.reason == reason.strip()

    @precondition(lambda self: self.balance)
    @rule(data=st.data(), extra=AMOUNTS,
          kind=st.sampled_from([Kind.HOLD, Kind.CHARGE, Kind.REFUND]))
    def overdraw_is_refused(self, data, extra, kind) -> None:
        user_id = self.pick_user(data)
        amount = max(self.balance[user_id], 0) + extra
        self.refused(InsufficientBalance, ledger.post, user_id, kind, -amount)

    # -- the relay's reserve / settle / recover cycle ----------------------------------------
    @precondition(lambda self: self.balance)
    @rule(data=st.data(), lease=st.integers(1, 120))
    def reserve(self, data, lease) -> None:
        user_id = self.pick_user(data)
        amount = data.draw(st.integers(1, max(self.balance[user_id], 0) + 3), label="hold")
        request_id = f"req{next(self.request_ids)}"
        call = {"user_id": user_id, "key_id": None, "request_id": request_id, "model": "m",
                "amount_micros": amount, "lease_seconds": lease * self.lease_scale}
        if amount > self.balance[user_id]:
            self.refused(InsufficientBalance, billing.reserve, **call)
            return
        billing.reserve(**call)
        self.held[request_id] = [user_id, amount, 0, self.clock.current.timestamp() + lease]
        self.credit(user_id, -amount)

    @precondition(lambda self: self.held or self.settled or self.balance)
    @rule(data=st.data())
    def settle(self, data) -> None:
        live = data.draw(st.lists(st.sampled_from(list(self.held)), unique=True, max_size=3)
                         if self.held else st.just([]), label="live")
        stale = data.draw(st.lists(st.sampled_from(self.settled), unique=True, max_size=2)
                          if self.settled else st.just([]), label="stale")
        items = []
        for request_id in live:
            user_id, amount = self.held[request_id][:2]
            cost = data.draw(st.integers(0, 2 * amount), label=f"cost {request_id}")
            items.append(Settlement(request_id, user_id, cost, True, self._log(request_id,
                                                                                user_id, cost)))
        for request_id in stale:
            items.append(Settlement(request_id, 1, 999, True, self._log(request_id, 1, 999)))
        unreserved = self.balance and data.draw(st.booleans(), label="unreserved")
        if unreserved:
            user_id = self.pick_user(data)
            cost = data.draw(st.integers(0, 3_000_000), label="unreserved cost")
            items.append(Settlement(f"free{next(self.request_ids)}", user_id, cost, False,
                                    self._log("x", user_id, cost)))
        items = data.draw(st.permutations(items), label="order")
        if not live and not unreserved:
            with unchanged():
                assert billing.settle_many(items) == 0
            return
        logs_before = RequestLog.select().count()
        assert billing.settle_many(items) == len(live) + bool(unreserved)
        for item in items:
            if item.request_id in self.held:
                user_id, amount = self.held.pop(item.request_id)[:2]
                charged = min(item.cost_micros, amount)  # the hold is the most it can cost
                self.credit(user_id, amount - charged)
                self.settled.append(item.request_id)
                row = RequestLog.get(RequestLog.request_id == item.request_id)
                assert row.overrun == (item.cost_micros > amount)
                assert (row.cost_micros, row.written_off_micros) == (
                    charged, item.cost_micros - charged)
            elif not item.reserved:  # nothing held: nothing charged, all written off
                row = RequestLog.select().where(RequestLog.request_id == "x").order_by(
                    RequestLog.id.desc()).get()
                assert (row.cost_micros, row.written_off_micros) == (0, item.cost_micros)
        assert RequestLog.select().count() == logs_before + len(live) + bool(unreserved)

    @staticmethod
    def _log(request_id: str, user_id: int, cost: int) -> dict:
        return {"request_id": request_id, "user": user_id, "model": "m", "cost_micros": cost}

    @precondition(lambda self: self.held)
    @rule(data=st.data(), lease=st.integers(1, 120))
    def extend_and_checkpoint(self, data, lease) -> None:
        ids = data.draw(st.lists(st.sampled_from(list(self.held)), unique=True, min_size=1),
                        label="extend")
        delivered = {rid: data.draw(st.integers(0, 2 * self.held[rid][1]), label=rid)
                     for rid in ids if data.draw(st.booleans(), label=f"checkpoint {rid}")}
        billing.extend_leases(ids, lease * self.lease_scale, delivered)
        for rid in ids:
            self.held[rid][3] = self.clock.current.timestamp() + lease
            self.held[rid][2] = delivered.get(rid, self.held[rid][2])

    @rule(seconds=st.integers(0, 150))
    def time_passes_and_recovery_runs(self, seconds) -> None:
        self.clock.advance(seconds=seconds)
        if self.pg:
            Reservation.update(lease_until=Reservation.lease_until - timedelta(
                seconds=seconds * self.lease_scale)).execute()
        now = self.clock.current.timestamp()
        # (a lease ending exactly now on the database's clock ended the real moment before)
        expired = [rid for rid, (_, _, _, until) in self.held.items()
                   if until < now or (self.pg and until == now)]
        assert billing.recover_expired() == len(expired)
        for rid in expired:
            user_id, amount, delivered, _ = self.held.pop(rid)
            self.credit(user_id, amount - min(delivered, amount))
            self.settled.append(rid)
            assert RequestLog.get(RequestLog.request_id == rid).estimated is True

    # -- what must hold after every step -----------------------------------------------------
    @invariant()
    def balances_are_the_ledger(self) -> None:
        assert ledger.mismatched_users() == []
        actual = {u.id: u.balance_micros for u in User.select(User.id, User.balance_micros)}
        assert actual == self.balance
        for user_id, value in actual.items():
            assert value >= 0, (self.names[user_id], value)

    @invariant()
    def entries_chain(self) -> None:
        running: dict[int, int] = {}
        for entry in LedgerEntry.select().order_by(LedgerEntry.id):
            running[entry.user_id] = running.get(entry.user_id, 0) + entry.amount_micros
            assert entry.balance_after_micros == running[entry.user_id]

    @invariant()
    def reservations_are_the_model(self) -> None:
        assert sorted(r.request_id for r in Reservation.select()) == sorted(self.held)
        for user_id in self.balance:
            expected = sum(h[1] for h in self.held.values() if h[0] == user_id)
            assert billing.held_total(user_id) == expected

    @invariant()
    def payments_match(self) -> None:
        for record in RechargeRecord.select():
            user_id, paid, refunded = self.orders[record.order_no]
            assert (record.user_id, record.amount_micros, record.refunded_micros) == (
                user_id, paid, refunded)


def test_ledger_invariant_holds_for_any_operation_sequence(any_db, fake_clock):
    run_state_machine_as_test(lambda: LedgerMachine(fake_clock), settings=SETTINGS)
