"""How a relayed request is paid for: reserve, then settle or recover.

1. ``reserve``: before any of the answer reaches the client, hold the request's maximum cost
   with a conditional debit (a ``hold`` ledger entry) and a :class:`Reservation` row with a
   lease. The relay takes it before forwarding, or while a lone request's provider works
   (relay/reserver.py). Concurrent requests can never overdraw: the debit is one
   ``UPDATE ... WHERE balance >= amount``.
2. ``settle_many`` / ``settle_each``: give the hold back (``release``), take the actual cost
   (``charge``) and write the request log row, in one transaction per batch. A finished answer
   is settled before its last byte leaves the relay (relay/settler.py), so a crash cannot lose
   it; anything else (errors, hang-ups, broken streams) right after. The hold is an upper bound
   of what the request may cost its user: a cost a provider reports above it is charged up to
   the hold and the rest written off (visible to the operator, audited), so a balance never
   goes below zero.
3. ``recover_expired``: a reservation whose lease lapsed belongs to a process that died while
   the request was unfinished; it is settled at its last checkpointed estimate, logged as
   estimated.

Deleting the reservation row is the "exactly once" switch: settlement and recovery each only act
when their DELETE removed the row, so a request is never billed twice.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from app import clock, sql
from app.db import is_postgres, write_transaction
from app.errors import InsufficientBalance, NotFound, ServiceError, ValidationError
from app.ledger import Kind, apply_balance, post
from app.models import Reservation


@dataclass(slots=True)
class Settlement:
    """The outcome of one relayed request, queued by the relay and written in batches."""

    request_id: str
    user_id: int
    cost_micros: int
    reserved: bool
    log: dict[str, Any] | None = field(default=None)


@dataclass(frozen=True, slots=True)
class Hold:
    """A reservation to take before any of a request's answer reaches its client."""

    user_id: int
    key_id: int | None
    request_id: str
    model: str
    amount_micros: int


LEDGER_COLUMNS = ("user_id", "kind", "amount_micros", "balance_after_micros", "reason", "ref",
                  "actor", "created_at")
RESERVATION_COLUMNS = ("request_id", "user_id", "api_key_id", "model", "amount_micros",
                       "delivered_micros", "created_at", "lease_until")
# Rows per multi-row INSERT: 24 log columns x 256 stays far below SQLite's 32766 variables.
ROWS_PER_INSERT = 256


def reserve(*, user_id: int, key_id: int | None, request_id: str, model: str,
            amount_micros: int, lease_seconds: float) -> None:
    """Hold ``amount_micros``; raises :class:`app.errors.InsufficientBalance`."""
    results = reserve_many([Hold(user_id, key_id, request_id, model, amount_micros)],
                           lease_seconds)
    if results[0] is not None:
        raise results[0]


MAX_MICROS = 2**63 - 1  # what a BIGINT column holds


def _is_money(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_MICROS


def reserve_many(holds: list[Hold], lease_seconds: float) -> list[ServiceError | None]:
    """Take several holds in one transaction (group commit); per hold, ``None`` when taken or
    the error that refused it. A refused hold writes nothing, so the others are unaffected.

    The usual case costs a fixed number of statements per batch, whatever its size: one
    conditional debit per user for the sum of that user's holds (``WHERE balance >= sum``), then
    one multi-row INSERT each for the ledger entries and the reservations. Only when a user's
    sum does not fit are that user's holds taken one by one, in order, exactly as
    :func:`app.ledger.post` would.
    """
    stamp = sql.timestamp(clock.now())
    results: list[ServiceError | None] = [None] * len(holds)
    by_user: dict[int, list[int]] = {}
    for i, hold in enumerate(holds):
        if not _is_money(hold.amount_micros):
            raise ValidationError("the amount must be a whole number of micro-units")
        by_user.setdefault(hold.user_id, []).append(i)
    entries: list[tuple[Any, ...]] = []
    with write_transaction():
        until = sql.timestamp(lease_now() + timedelta(seconds=lease_seconds))
        for user_id in sorted(by_user):  # one lock order for every writer (PostgreSQL)
            indexes = by_user[user_id]
            amounts = [holds[i].amount_micros for i in indexes]
            total = sum(amounts)
            row = None
            if all(a > 0 for a in amounts):
                row = sql.one('UPDATE "user" SET balance_micros = balance_micros - ? '
                              'WHERE id = ? AND balance_micros >= ? RETURNING balance_micros',
                              (total, user_id, total))
            if row is not None:
                balance = row[0] + total
                for i, amount in zip(indexes, amounts, strict=True):
                    balance -= amount
                    entries.append((i, balance))
                continue
            for i in indexes:  # does not fit (or odd amounts): hold by hold, as post() does
                try:
                    entries.append((i, apply_balance(user_id, -holds[i].amount_micros)))
                except (InsufficientBalance, NotFound) as exc:
                    results[i] = exc
        entries.sort(key=lambda e: e[0])  # ledger ids follow the batch order
        _insert_rows("ledger_entry", LEDGER_COLUMNS, [
            (holds[i].user_id, Kind.HOLD.value, -holds[i].amount_micros, after, None,
             holds[i].request_id, "relay", stamp) for i, after in entries])
        _insert_rows("reservation", RESERVATION_COLUMNS, [
            (holds[i].request_id, holds[i].user_id, holds[i].key_id, holds[i].model,
             holds[i].amount_micros, 0, stamp, until) for i, _ in entries])
    return results


@cache
def _insert_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    one = f'({", ".join("?" * len(columns))})'
    return f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES {", ".join([one] * rows)}'


def _chunk_sizes(count: int) -> list[int]:
    """Rows per INSERT for ``count`` rows.

    PostgreSQL: as few statements as possible (each one a network round trip). SQLite: powers
    of two (37 rows: 32 + 4 + 1), so the relay only ever runs a few dozen distinct statements
    and every one stays in the connection's prepared-statement cache (128 entries); preparing a
    many-row INSERT costs several microseconds per row, more than running it.
    """
    if is_postgres():
        full, rest = divmod(count, ROWS_PER_INSERT)
        return [ROWS_PER_INSERT] * full + ([rest] if rest else [])
    sizes = []
    while count >= ROWS_PER_INSERT:
        sizes.append(ROWS_PER_INSERT)
        count -= ROWS_PER_INSERT
    bit = ROWS_PER_INSERT >> 1
    while count:
        if count & bit:
            sizes.append(bit)
            count -= bit
        bit >>= 1
    return sizes


def _insert_rows(table: str, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT ``rows`` with a few multi-row statements (each one a single step)."""
    start = 0
    for size in _chunk_sizes(len(rows)):
        chunk = rows[start:start + size]
        start += size
        sql.execute(_insert_sql(table, columns, size),
                    tuple(value for row in chunk for value in row))


LOG_COLUMNS = ("created_at", "request_id", "user_id", "api_key_id", "username", "model",
               "upstream_model", "provider", "stream", "prompt_tokens", "cached_tokens",
               "completion_tokens", "cost_micros", "status", "error_code", "duration_ms",
               "ttfb_ms", "client_ip", "user_agent", "estimated", "overrun", "failover_count",
               "written_off_micros", "endpoint")
LOG_DEFAULTS = {"stream": False, "prompt_tokens": 0, "cached_tokens": 0, "completion_tokens": 0,
                "cost_micros": 0, "status": 200, "duration_ms": 0, "estimated": False,
                "overrun": False, "failover_count": 0, "written_off_micros": 0}
# Reservations released per DELETE (bound variables, like ROWS_PER_INSERT).
IDS_PER_DELETE = 512


# The text columns (the rest are numbers, flags and times, which need no cleaning).
_LOG_TEXT = tuple(i for i, c in enumerate(LOG_COLUMNS) if c in (
    "request_id", "username", "model", "upstream_model", "provider", "error_code", "client_ip",
    "user_agent", "endpoint"))


def _log_values(log: dict[str, Any], now: datetime) -> list[Any]:
    """One request_log row from the relay's dict (keys as in :class:`RequestLog`)."""
    row = {**LOG_DEFAULTS, **log}
    row.setdefault("created_at", now)
    row["user_id"], row["api_key_id"] = row.pop("user", None), row.pop("api_key", None)
    values = [row.get(c) for c in LOG_COLUMNS]
    for i in _LOG_TEXT:
        values[i] = _storable(values[i])
    return values


def _take_reservations(request_ids: list[str]) -> dict[str, int]:
    """Delete these reservations; request_id -> amount held, for the rows that were there."""
    held: dict[str, int] = {}
    unique = list(dict.fromkeys(request_ids))
    for start in range(0, len(unique), IDS_PER_DELETE):
        chunk = unique[start:start + IDS_PER_DELETE]
        # The list is padded to a power of two with repeats of its last id (a repeat matches
        # nothing more), so the statement comes from a handful, all prepared once.
        size = 1 << (len(chunk) - 1).bit_length()
        chunk += [chunk[-1]] * (size - len(chunk))
        cursor = sql.execute(_delete_sql(size), tuple(chunk))
        held.update((rid, int(amount)) for rid, amount in cursor.fetchall())
    return held


def _storable(value: Any) -> Any:
    """Text any database takes: client-sent strings (User-Agent bytes that are not UTF-8 arrive
    as lone surrogates) must not make the whole settlement batch fail, again and again."""
    if isinstance(value, str) and not (value.isascii() and value.isprintable()):
        return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return value


@cache
def _delete_sql(ids: int) -> str:
    return (f'DELETE FROM "reservation" WHERE request_id IN ({", ".join("?" * ids)}) '
            f'RETURNING request_id, amount_micros')


def settle_many(items: list[Settlement]) -> int:
    """Settle a batch in one transaction; returns how many were applied."""
    return sum(_settle(items))


def settle_each(items: list[Settlement]) -> list[ServiceError | None]:
    """:func:`settle_many` for the relay's group commit (relay/settler.py): per item ``None``
    when applied, :class:`NotFound` when its reservation is gone (recovery billed it)."""
    return [None if done else NotFound("reservation {request_id} is gone (recovered)",
                                       request_id=item.request_id)
            for item, done in zip(items, _settle(items), strict=True)]


def _settle(items: list[Settlement]) -> list[bool]:
    """Settle a batch in one transaction; per item, whether it was applied.

    Each applied item is what it always was — a ``release`` of its hold, a ``charge`` of its
    cost and its log row, in batch order — but written with a fixed number of statements per
    batch: one DELETE of the batch's reservations (deleting the row is the exactly-once
    switch: an item whose reservation is gone was recovered meanwhile and is skipped), one
    balance UPDATE per user for the net of that user's entries, and multi-row INSERTs for the
    ledger entries and log rows.

    A charge never exceeds the item's hold (:func:`split_cost`), so each user's net is a
    credit and no balance can go below zero; what a provider reported beyond the hold is
    written off: the log row's ``written_off_micros``, ``overrun``, and an audit event naming
    the provider.
    """
    if not items:
        return []
    now = clock.now()
    stamp = sql.timestamp(now)
    applied = [False] * len(items)
    with write_transaction():
        held = _take_reservations([item.request_id for item in items if item.reserved])
        moves: list[tuple[int, str, int, str]] = []  # user, kind, amount, ref
        logs: list[list[Any]] = []
        write_offs: list[tuple[Any, ...]] = []
        for index, item in enumerate(items):
            amount = 0
            if item.reserved:
                found = held.pop(item.request_id, None)
                if found is None:
                    continue  # recovered meanwhile (or a repeat): already billed
                amount = found
                moves.append((item.user_id, Kind.RELEASE.value, amount, item.request_id))
            if not _is_money(item.cost_micros):
                raise ValidationError("the amount must be a whole number of micro-units")
            charged, written_off = split_cost(amount, item.cost_micros)
            if charged:
                moves.append((item.user_id, Kind.CHARGE.value, -charged, item.request_id))
            if item.log is not None:
                item.log["cost_micros"] = charged
                item.log["written_off_micros"] = written_off
                item.log["overrun"] = written_off > 0
                logs.append(_log_values(item.log, now))
            if written_off:
                write_offs.append(_write_off_event(item, amount, written_off, stamp))
            applied[index] = True
        net: dict[int, int] = {}
        for user_id, _, amount, _ in moves:
            net[user_id] = net.get(user_id, 0) + amount
        balance = {}
        for user_id in sorted(net):  # one lock order for every writer (PostgreSQL)
            after = apply_balance(user_id, net[user_id])  # a credit: never below zero
            balance[user_id] = after - net[user_id]
        entries = []
        for user_id, kind, amount, ref in moves:
            balance[user_id] += amount
            entries.append((user_id, kind, amount, balance[user_id], None, ref, "relay", stamp))
        _insert_rows("ledger_entry", LEDGER_COLUMNS, entries)
        _insert_rows("request_log", LOG_COLUMNS, logs)
        _insert_rows("audit_event", AUDIT_COLUMNS, write_offs)
    return applied


AUDIT_COLUMNS = ("created_at", "actor", "action", "target", "detail", "ip")
WRITE_OFF_ACTION = "billing.write_off"


def _write_off_event(item: Settlement, held: int, written_off: int, stamp: Any) -> tuple[Any, ...]:
    """The audit row for a cost above its hold: which provider, request and user, how much."""
    provider = (item.log or {}).get("provider")
    detail = {"request_id": item.request_id, "user_id": item.user_id,
              "provider": provider, "model": (item.log or {}).get("model"),
              "held_micros": held, "reported_cost_micros": item.cost_micros,
              "written_off_micros": written_off}
    return (stamp, "relay", WRITE_OFF_ACTION, provider,
            json.dumps(detail, ensure_ascii=False, sort_keys=True), None)


def split_cost(held_micros: int, cost_micros: int) -> tuple[int, int]:
    """(charged, written off) for a request that held ``held_micros`` and cost ``cost_micros``.

    The hold is the most a request may cost its user: whatever a provider reports beyond it
    (a provider bug, an unpriced image) is the operator's loss, recorded, never the user's debt.
    """
    charged = min(max(0, cost_micros), max(0, held_micros))
    return charged, max(0, cost_micros) - charged


def lease_now() -> datetime:
    """"Now" for leases. On PostgreSQL the database's clock, the one every relay sharing it
    reads, so a relay whose own clock is off cannot recover another's live requests; on SQLite
    (one machine) this machine's."""
    if is_postgres():
        row = sql.one("SELECT now() AT TIME ZONE 'UTC'")
        assert row is not None
        return row[0]  # type: ignore[no-any-return]
    return clock.now()


def extend_leases(request_ids: list[str], lease_seconds: float,
                  delivered: dict[str, int] | None = None) -> None:
    """Keep in-flight reservations alive and checkpoint what each has delivered so far."""
    if not request_ids:
        return
    delivered = delivered or {}
    with write_transaction():
        until = lease_now() + timedelta(seconds=lease_seconds)
        Reservation.update(lease_until=until).where(
            Reservation.request_id.in_(request_ids)).execute()
        for request_id, micros in delivered.items():
            Reservation.update(delivered_micros=micros).where(
                Reservation.request_id == request_id).execute()


def recover_expired(limit: int = 500) -> int:
    """Settle reservations whose owner stopped renewing them (crash, kill -9): the last
    checkpoint of what was delivered, up to the hold, logged as an estimated
    ``relay_interrupted``. (A finished answer never gets here: it is settled before its last
    byte leaves the relay.)"""
    now = lease_now()
    stale = list(Reservation.select().where(Reservation.lease_until < now)
                 .order_by(Reservation.id).limit(limit))
    recovered = 0
    for reservation in stale:
        with write_transaction():
            if Reservation.delete().where((Reservation.id == reservation.id)
                                          & (Reservation.lease_until < now)).execute() != 1:
                continue  # settled or renewed meanwhile
            _settle_recovered(reservation)
            recovered += 1
    return recovered


def _settle_recovered(reservation: Reservation) -> None:
    held, rid, user_id = reservation.amount_micros, reservation.request_id, reservation.user_id
    cost = min(reservation.delivered_micros, held)
    log: dict[str, Any] = {"status": 500, "error_code": "relay_interrupted", "estimated": True}
    charged, written_off = split_cost(held, cost)
    post(user_id, Kind.RELEASE, held, ref=rid, actor="recovery")
    if charged:
        post(user_id, Kind.CHARGE, -charged, ref=rid, actor="recovery")
    log.update(request_id=rid, user=user_id, api_key=reservation.api_key_id,
               username=reservation.user.username, model=reservation.model,
               created_at=reservation.created_at, cost_micros=charged,
               written_off_micros=written_off, overrun=written_off > 0)
    now = clock.now()
    _insert_rows("request_log", LOG_COLUMNS, [_log_values(log, now)])
    if written_off:
        item = Settlement(rid, user_id, cost, True, log)
        _insert_rows("audit_event", AUDIT_COLUMNS,
                     [_write_off_event(item, held, written_off, sql.timestamp(now))])


def held_total(user_id: int) -> int:
    """Money currently held for this user's in-flight requests."""
    return sum(r.amount_micros for r in Reservation.select(Reservation.amount_micros)
               .where(Reservation.user == user_id))
