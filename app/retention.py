"""Retention: delete what the privacy policy says is kept only for a while.

- request logs: older than ``log_retention_days`` (90);
- payment records: recharge records that are settled (paid, refunded, partially refunded --
  never pending) and had no activity within ``payment_retention_days`` (365); ledger entries
  older than that are *folded*, not dropped (below);
- login and security events: audit events ``login*``, ``security*``, ``ban*`` and
  ``admin.login*``, and portal sign-in records, older than ``security_retention_days`` (90).
  Every other audit event records an operator action and is kept.

Folding the ledger keeps every balance exact: a user's removed entries become ONE
``carry_forward`` entry (amount = their sum, ``created_at`` = the cutoff, ``balance_after`` = the
balance after the last removed entry), written in the same transaction as the deletion, so
``User.balance_micros == SUM(entries)`` holds after every batch. The carry-forward takes the id
of the last entry it replaces, so the ledger still reads in order. A later run folds the previous
carry-forward together with the entries that aged since. Entries whose ``ref`` is a reservation
still held are never touched.

Work is done in batches, each its own short transaction, walking the ``created_at`` index from
the oldest row with a ``(created_at, id)`` key -- so a relay sharing the database keeps serving.
:func:`purge` runs a whole purge; :func:`start` returns a :class:`PurgeRun` whose
:meth:`PurgeRun.step` is one batch, for callers that run each batch as its own executor call
(the relay's daily job, the GUI). On PostgreSQL a run holds an advisory lock so that only one
process (of several relays on one database) purges at a time; SQLite serialises writers itself.
"""

import contextlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import reduce
from typing import Any

from peewee import Case, Expression, ModelSelect, fn

from app import audit, clock, db, settings
from app.db import write_transaction
from app.errors import Conflict, ValidationError
from app.joblock import JobLock
from app.ledger import Kind
from app.models import (
    AuditEvent,
    BaseModel,
    LedgerEntry,
    RechargeRecord,
    RequestLog,
    Reservation,
    SignIn,
)

SETTLED = ("paid", "refunded", "partially_refunded", "expired")  # expired: never paid
SECURITY_PREFIXES = ("login", "security", "ban.", "admin.login", "admin.lockout")
AUDIT_ACTION = "retention.purge"
DEFAULT_BATCH = 5000
MAX_BATCH = 10_000  # a batch deletes by an id list (<= 2 x batch): under SQLite's 32,766


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Rows created before these (naive UTC) times are past their retention period."""

    logs: datetime
    payments: datetime
    security: datetime

    @classmethod
    def at(cls, now: datetime) -> "Cutoffs":
        def days(key: str) -> timedelta:
            return timedelta(days=int(settings.get(key)))
        return cls(now - days("log_retention_days"), now - days("payment_retention_days"),
                   now - days("security_retention_days"))

    def as_dict(self) -> dict[str, str]:
        return {name: value.isoformat(sep=" ") for name, value in
                (("request_logs", self.logs), ("payments", self.payments),
                 ("security_events", self.security))}


@dataclass(slots=True)
class Counts:
    request_logs: int = 0
    recharge_records: int = 0
    ledger_entries: int = 0  # entries folded away
    carry_forwards: int = 0  # users whose folded entries became one carry_forward entry
    audit_events: int = 0  # login and security events

    @property
    def total(self) -> int:
        """Rows deleted, counting each folded ledger entry (carry-forwards are not subtracted)."""
        return (self.request_logs + self.recharge_records + self.ledger_entries
                + self.audit_events)

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(Counts)}

    def take_counts(self, other: "Counts") -> None:
        """Copy ``other``'s counts into this record (subclasses add fields of other types, so
        ``**other.counts()`` in a constructor would not type-check)."""
        for f in fields(Counts):
            setattr(self, f.name, getattr(other, f.name))


@dataclass(slots=True)
class PurgePlan(Counts):
    """What a purge at ``now`` would delete."""

    now: datetime = field(default_factory=clock.now)
    cutoffs: Cutoffs | None = None


@dataclass(slots=True)
class PurgeResult(Counts):
    """What a purge deleted (or, with ``dry_run``, would delete)."""

    now: datetime = field(default_factory=clock.now)
    cutoffs: Cutoffs | None = None
    dry_run: bool = False
    complete: bool = True  # False: stopped part-way (shutdown, error); the counts are what it did
    batches: int = 0

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"dry_run": self.dry_run, "complete": self.complete,
                                **self.counts()}
        if self.cutoffs is not None:
            data["cutoffs"] = self.cutoffs.as_dict()
        return data


# --- what is old ------------------------------------------------------------------------------

def _security_action() -> Expression:
    return reduce(lambda a, b: a | b,
                  (AuditEvent.action.startswith(prefix) for prefix in SECURITY_PREFIXES))


def _settled_recharge(cutoff: datetime) -> Expression:
    """Settled and quiet since ``cutoff``: a refund within the year keeps its payment record."""
    return (RechargeRecord.status.in_(SETTLED) & (RechargeRecord.created_at < cutoff)
            & (RechargeRecord.paid_at.is_null() | (RechargeRecord.paid_at < cutoff))
            & (RechargeRecord.refunded_at.is_null() | (RechargeRecord.refunded_at < cutoff)))


def _not_held() -> Expression:
    return LedgerEntry.ref.is_null() | LedgerEntry.ref.not_in(
        Reservation.select(Reservation.request_id))


@dataclass(frozen=True, slots=True)
class _Stage:
    name: str  # the Counts field
    model: type[BaseModel]
    cutoff: Callable[[Cutoffs], datetime]
    where: Callable[[datetime], Expression] | None = None


LEDGER = _Stage("ledger_entries", LedgerEntry, lambda c: c.payments, lambda _: _not_held())
STAGES = (
    _Stage("request_logs", RequestLog, lambda c: c.logs),
    _Stage("recharge_records", RechargeRecord, lambda c: c.payments, _settled_recharge),
    LEDGER,
    _Stage("audit_events", AuditEvent, lambda c: c.security, lambda _: _security_action()),
    # Portal sign-in records are login events too: counted with them.
    _Stage("audit_events", SignIn, lambda c: c.security),
)


def _old(stage: _Stage, cutoffs: Cutoffs) -> Expression:
    cutoff = stage.cutoff(cutoffs)
    model: Any = stage.model
    condition: Expression = model.created_at < cutoff
    return condition if stage.where is None else condition & stage.where(cutoff)


def plan(now: datetime | None = None) -> PurgePlan:
    """Count what :func:`purge` at ``now`` would delete, deleting nothing."""
    now = clock.now() if now is None else now
    cutoffs = Cutoffs.at(now)
    result = PurgePlan(now=now, cutoffs=cutoffs)
    for stage in STAGES:
        if stage is LEDGER:
            continue
        setattr(result, stage.name, getattr(result, stage.name)
                + stage.model.select().where(_old(stage, cutoffs)).count())
    is_carry = Case(None, [(LedgerEntry.kind == Kind.CARRY_FORWARD.value, 1)], 0)
    per_user = (LedgerEntry.select(fn.COUNT(LedgerEntry.id), fn.SUM(is_carry))
                .where(_old(LEDGER, cutoffs)).group_by(LedgerEntry.user))
    for entries, carries in db.tuples(per_user):
        if entries == 1 and carries == 1:
            continue  # already folded: a lone carry-forward stays as it is
        result.ledger_entries += entries
        result.carry_forwards += 1
    return result


# --- one process at a time (PostgreSQL) -------------------------------------------------------
# A run holds an advisory lock on a connection of its own (app/joblock.py), not the executor
# threads' connections its batches use; a crashed process's lock goes with its connection. Not
# the relay's "retention" job lock: the relay holding that one starts runs under this one.
RUN_LOCK = "retention-run"


# --- a run, batch by batch --------------------------------------------------------------------

class PurgeRun:
    """One purge, done by :meth:`step` calls (each one short transaction), ended by
    :meth:`finish`. Get one from :func:`start`. Steps may run on any thread, one at a time."""

    def __init__(self, now: datetime, cutoffs: Cutoffs, *, batch: int, actor: str,
                 lock: JobLock) -> None:
        self.now, self.cutoffs, self.batch, self.actor = now, cutoffs, batch, actor
        self.counts = Counts()
        self.batches = 0
        self._lock = lock
        self._stage = 0
        self._key: tuple[datetime, int] | None = None  # last (created_at, id) of the stage
        self._carry: dict[int, int] = {}  # user id -> id of their carry-forward seen or made
        self._made: set[int] = set()  # carry-forward ids written by this run
        self._folded_users: set[int] = set()
        self._failed = False  # a batch raised: its in-memory bookkeeping may not match the rows
        self._finished = False

    @property
    def removed(self) -> int:
        return self.counts.total

    @property
    def done(self) -> bool:
        return self._stage >= len(STAGES)

    def step(self) -> bool:
        """Delete (or fold) one batch in its own transaction; False once nothing is left."""
        if self._failed or self._finished:
            raise Conflict("this purge run has stopped; start a new one")
        if self.done:
            return False
        stage = STAGES[self._stage]
        try:
            with write_transaction():
                rows = self._next_rows(stage)
                if stage is LEDGER:
                    removed, bookkeeping = self._fold(rows)
                else:
                    removed, bookkeeping = 0, None
                    if rows:
                        removed = stage.model.delete().where(
                            stage.model.id.in_([row[0] for row in rows])).execute()
        except BaseException:
            self._failed = True
            raise
        if bookkeeping is not None:  # committed: now the run may remember it
            bookkeeping()
        self.batches += 1
        setattr(self.counts, stage.name, getattr(self.counts, stage.name) + removed)
        if len(rows) < self.batch:
            self._stage += 1
            self._key = None
        else:
            self._key = (rows[-1][1], rows[-1][0])
        return not self.done

    def _next_rows(self, stage: _Stage) -> list[tuple[Any, ...]]:
        model: Any = stage.model
        columns = [model.id, model.created_at]
        if stage is LEDGER:
            columns += [LedgerEntry.user, LedgerEntry.kind]
        query: ModelSelect = model.select(*columns).where(_old(stage, self.cutoffs))
        if self._key is not None:
            at, last_id = self._key
            query = query.where(model.created_at >= at,
                                (model.created_at > at) | (model.id > last_id))
        return list(db.tuples(query.order_by(model.created_at, model.id).limit(self.batch)))

    def _fold(self, rows: list[tuple[Any, ...]]) -> tuple[int, Callable[[], None]]:
        """Fold each user's old entries in ``rows`` (plus their carry-forward so far) into one
        carry-forward entry. Returns how many pre-existing entries were removed, and the
        bookkeeping to apply once the transaction has committed."""
        by_user: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for entry_id, _, user_id, kind in rows:
            by_user[user_id].append((entry_id, kind))
        doomed: list[int] = []
        carry: dict[int, int] = {}  # user id -> their carry-forward after this batch
        for user_id, entries in by_user.items():
            earlier = self._carry.get(user_id)
            ids = [entry_id for entry_id, _ in entries]
            if earlier is not None and earlier not in ids:
                ids.append(earlier)
            if len(ids) == 1 and entries[0][1] == Kind.CARRY_FORWARD.value:
                carry[user_id] = ids[0]  # already folded; later entries join it
                continue
            doomed.extend(ids)
        if not doomed:
            return 0, lambda: self._carry.update(carry)
        # RETURNING: fold exactly what this transaction deleted, whatever else runs meanwhile.
        deleted = list(db.tuples(LedgerEntry.delete().where(LedgerEntry.id.in_(doomed)).returning(
            LedgerEntry.id, LedgerEntry.user, LedgerEntry.amount_micros,
            LedgerEntry.balance_after_micros)))
        folded: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for entry_id, user_id, amount, balance_after in deleted:
            folded[user_id].append((entry_id, amount, balance_after))
        reason = (f"entries before {self.cutoffs.payments.isoformat(sep=' ', timespec='seconds')}"
                  " UTC folded by retention")
        new_rows: list[dict[str, Any]] = []
        for user_id, pieces in folded.items():
            last_id, _, balance_after = max(pieces)
            new_rows.append({"id": last_id, "user": user_id, "kind": Kind.CARRY_FORWARD.value,
                             "amount_micros": sum(amount for _, amount, _ in pieces),
                             "balance_after_micros": balance_after, "reason": reason,
                             "ref": None, "actor": self.actor,
                             "created_at": self.cutoffs.payments})
            carry[user_id] = last_id
        LedgerEntry.insert_many(new_rows).execute()
        removed = sum(1 for entry_id, _, _, _ in deleted if entry_id not in self._made)

        def bookkeeping() -> None:
            self._carry.update(carry)
            self._made.difference_update(entry_id for entry_id, _, _, _ in deleted)
            self._made.update(row["id"] for row in new_rows)
            self._folded_users.update(folded)
            self.counts.carry_forwards = len(self._folded_users)
        return removed, bookkeeping

    def result(self, *, complete: bool) -> PurgeResult:
        result = PurgeResult(now=self.now, cutoffs=self.cutoffs, complete=complete,
                             batches=self.batches)
        result.take_counts(self.counts)
        return result

    def finish(self, *, complete: bool | None = None) -> PurgeResult:
        """Record the run (audit event ``retention.purge`` with its counts) and release the
        lock. ``complete`` defaults to whether every batch was done; a run stopped before it
        removed anything leaves no event."""
        if self._finished:
            raise Conflict("this purge run has already finished")
        self._finished = True
        done = self.done and not self._failed
        result = self.result(complete=done if complete is None else complete)
        try:
            if result.complete or result.total:
                with write_transaction():
                    audit.record(AUDIT_ACTION, actor=self.actor, detail=result.as_dict())
        finally:
            self._lock.release()
        return result


def _check_batch(batch: int) -> int:
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH:
        raise ValidationError("the batch size must be a whole number from 1 to {maximum}",
                              param="batch", maximum=MAX_BATCH)
    return batch


def start(now: datetime | None = None, *, batch: int = DEFAULT_BATCH,
          actor: str = "admin") -> PurgeRun | None:
    """Begin a purge at ``now``; None when another process is purging (PostgreSQL)."""
    _check_batch(batch)
    now = clock.now() if now is None else now
    lock = JobLock(RUN_LOCK)
    if not lock.acquire():
        return None
    try:
        return PurgeRun(now, Cutoffs.at(now), batch=batch, actor=actor, lock=lock)
    except BaseException:
        lock.release()
        raise


def purge(now: datetime | None = None, *, batch: int = DEFAULT_BATCH, dry_run: bool = False,
          pause: Callable[[], None] | None = None, actor: str = "admin") -> PurgeResult:
    """Delete everything past its retention period as of ``now``, ``batch`` rows at a time.

    ``pause`` is called between batches (an async runner yields to its loop there). A dry run
    counts instead (see :func:`plan`) and writes nothing. Raises :class:`Conflict` when another
    process is purging the same PostgreSQL database.
    """
    _check_batch(batch)
    if dry_run:
        p = plan(now)
        result = PurgeResult(now=p.now, cutoffs=p.cutoffs, dry_run=True)
        result.take_counts(p)
        return result
    run = start(now, batch=batch, actor=actor)
    if run is None:
        raise Conflict("another RelayDesk process is purging old records right now; "
                       "try again later")
    try:
        while run.step():
            if pause is not None:
                pause()
    except BaseException:
        with contextlib.suppress(Exception):  # the database may be what failed: the first
            run.finish(complete=False)  # error is the one to report
        raise
    return run.finish()
