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

from app import clock
from app.db import write_transaction
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


def reserve(*, user_id: int, key_id: int | None, request_id: str, model: str,
            amount_micros: int, lease_seconds: float) -> None:
    """Hold ``amount_micros``; raises :class:`app.errors.InsufficientBalance`."""
    now = clock.now()
    with write_transaction():
        post(user_id, Kind.HOLD, -amount_micros, ref=request_id, actor="relay")
        Reservation.create(request_id=request_id, user=user_id, api_key=key_id, model=model,
                           amount_micros=amount_micros, created_at=now,
                           lease_until=now + timedelta(seconds=lease_seconds))


def _settle_one(item: Settlement) -> bool:
    """Apply one settlement inside the caller's transaction; False if already settled."""
    if item.reserved:
        reservation = Reservation.get_or_none(Reservation.request_id == item.request_id)
        if reservation is None:
            return False  # recovered meanwhile: already billed
        if Reservation.delete().where(Reservation.id == reservation.id).execute() != 1:
            return False
        post(item.user_id, Kind.RELEASE, reservation.amount_micros, ref=item.request_id,
             actor="relay")
        if item.log is not None:
            item.log["overrun"] = item.cost_micros > reservation.amount_micros
    if item.cost_micros:
        post(item.user_id, Kind.CHARGE, -item.cost_micros, ref=item.request_id, actor="relay",
             allow_negative=True)
    if item.log is not None:
        RequestLog.insert(**item.log).execute()
    return True


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
