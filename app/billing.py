"""How a relayed request is paid for: reserve, then settle or recover.

1. ``reserve``: before forwarding, hold the request's maximum cost with a conditional debit (a
   ``hold`` ledger entry) and a :class:`Reservation` row with a lease. Concurrent requests can
   never overdraw: the debit is one ``UPDATE ... WHERE balance >= amount``.
2. ``settle_many``: after the response, give the hold back (``release``) and take the actual
   cost (``charge``), and write the request log row, all in one transaction per batch. A cost
   above the hold is still charged in full (the upstream billed the operator) and marked.
3. ``recover_expired``: a reservation whose lease lapsed belongs to a process that died; it is
   settled at its last checkpointed estimate and logged as estimated.

Deleting the reservation row is the "exactly once" switch: settlement and recovery each only act
when their DELETE removed the row, so a request is never billed twice.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app import clock, sql
from app.db import write_transaction
from app.errors import InsufficientBalance, NotFound, ServiceError
from app.ledger import Kind, post
from app.models import RequestLog, Reservation


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
    """A reservation to take before forwarding a request."""

    user_id: int
    key_id: int | None
    request_id: str
    model: str
    amount_micros: int


RESERVE_SQL = ('INSERT INTO "reservation" (request_id, user_id, api_key_id, model, '
               'amount_micros, delivered_micros, created_at, lease_until) '
               'VALUES (?, ?, ?, ?, ?, 0, ?, ?)')


def _reserve_one(hold: Hold, now: datetime, lease_until: datetime) -> None:
    post(hold.user_id, Kind.HOLD, -hold.amount_micros, ref=hold.request_id, actor="relay")
    sql.execute(RESERVE_SQL, (hold.request_id, hold.user_id, hold.key_id, hold.model,
                              hold.amount_micros, now, lease_until))


def reserve(*, user_id: int, key_id: int | None, request_id: str, model: str,
            amount_micros: int, lease_seconds: float) -> None:
    """Hold ``amount_micros``; raises :class:`app.errors.InsufficientBalance`."""
    now = clock.now()
    with write_transaction():
        _reserve_one(Hold(user_id, key_id, request_id, model, amount_micros), now,
                     now + timedelta(seconds=lease_seconds))


def reserve_many(holds: list[Hold], lease_seconds: float) -> list[ServiceError | None]:
    """Take several holds in one transaction (group commit); per hold, ``None`` when taken or
    the error that refused it. A refused hold writes nothing, so the others are unaffected."""
    now = clock.now()
    until = now + timedelta(seconds=lease_seconds)
    results: list[ServiceError | None] = []
    with write_transaction():
        for hold in holds:
            try:
                _reserve_one(hold, now, until)
            except (InsufficientBalance, NotFound) as exc:
                results.append(exc)
            else:
                results.append(None)
    return results


def _settle_one(item: Settlement) -> bool:
    """Apply one settlement inside the caller's transaction; False if already settled."""
    if item.reserved:
        held = sql.one('DELETE FROM "reservation" WHERE request_id = ? RETURNING amount_micros',
                       (item.request_id,))
        if held is None:
            return False  # recovered meanwhile: already billed
        post(item.user_id, Kind.RELEASE, held[0], ref=item.request_id, actor="relay")
        if item.log is not None:
            item.log["overrun"] = item.cost_micros > held[0]
    if item.cost_micros:
        post(item.user_id, Kind.CHARGE, -item.cost_micros, ref=item.request_id, actor="relay",
             allow_negative=True)
    if item.log is not None:
        _insert_log(item.log)
    return True


LOG_COLUMNS = ("created_at", "request_id", "user_id", "api_key_id", "username", "model",
               "upstream_model", "provider", "stream", "prompt_tokens", "cached_tokens",
               "completion_tokens", "cost_micros", "status", "error_code", "duration_ms",
               "ttfb_ms", "client_ip", "user_agent", "estimated", "overrun", "failover_count")
LOG_SQL = (f'INSERT INTO "request_log" ({", ".join(LOG_COLUMNS)}) '
           f'VALUES ({", ".join("?" * len(LOG_COLUMNS))})')
LOG_DEFAULTS = {"stream": False, "prompt_tokens": 0, "cached_tokens": 0, "completion_tokens": 0,
                "cost_micros": 0, "status": 200, "duration_ms": 0, "estimated": False,
                "overrun": False, "failover_count": 0}


def _insert_log(log: dict[str, Any]) -> None:
    """One request_log row from the relay's dict (keys as in :class:`RequestLog`)."""
    row = {**LOG_DEFAULTS, **log}
    row.setdefault("created_at", clock.now())
    row["user_id"], row["api_key_id"] = row.pop("user", None), row.pop("api_key", None)
    sql.execute(LOG_SQL, tuple(_storable(row.get(c)) for c in LOG_COLUMNS))


def _storable(value: Any) -> Any:
    """Text any database takes: client-sent strings (User-Agent bytes that are not UTF-8 arrive
    as lone surrogates) must not make the whole settlement batch fail, again and again."""
    if isinstance(value, str) and not (value.isascii() and value.isprintable()):
        return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return value


def settle_many(items: list[Settlement]) -> int:
    """Settle a batch in one transaction; returns how many were applied."""
    if not items:
        return 0
    applied = 0
    with write_transaction():
        for item in items:
            applied += _settle_one(item)
    return applied


def extend_leases(request_ids: list[str], lease_seconds: float,
                  delivered: dict[str, int] | None = None) -> None:
    """Keep in-flight reservations alive and checkpoint what each has delivered so far."""
    if not request_ids:
        return
    until = clock.now() + timedelta(seconds=lease_seconds)
    delivered = delivered or {}
    with write_transaction():
        Reservation.update(lease_until=until).where(
            Reservation.request_id.in_(request_ids)).execute()
        for request_id, micros in delivered.items():
            Reservation.update(delivered_micros=micros).where(
                Reservation.request_id == request_id).execute()


def recover_expired(now: datetime | None = None, limit: int = 500) -> int:
    """Settle reservations whose owner stopped renewing them (crash, kill -9)."""
    now = now or clock.now()
    stale = list(Reservation.select().where(Reservation.lease_until < now)
                 .order_by(Reservation.id).limit(limit))
    recovered = 0
    for reservation in stale:
        with write_transaction():
            if Reservation.delete().where((Reservation.id == reservation.id)
                                          & (Reservation.lease_until < now)).execute() != 1:
                continue  # settled or renewed meanwhile
            cost = min(reservation.delivered_micros, reservation.amount_micros)
            post(reservation.user_id, Kind.RELEASE, reservation.amount_micros,
                 ref=reservation.request_id, actor="recovery")
            if cost:
                post(reservation.user_id, Kind.CHARGE, -cost, ref=reservation.request_id,
                     actor="recovery", allow_negative=True)
            RequestLog.insert(request_id=reservation.request_id, user=reservation.user_id,
                              username=reservation.user.username, api_key=reservation.api_key_id, model=reservation.model,
                              cost_micros=cost, status=500, error_code="relay_interrupted",
                              estimated=True, created_at=reservation.created_at).execute()
            recovered += 1
    return recovered


def held_total(user_id: int) -> int:
    """Money currently held for this user's in-flight requests."""
    return sum(r.amount_micros for r in Reservation.select(Reservation.amount_micros)
               .where(Reservation.user == user_id))
