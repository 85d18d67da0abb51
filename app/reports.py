"""Read-only views for the desktop app's Balances page: filtered lists and their totals.

``recharges.list_recharges`` answers "this user's orders"; the Balances page also filters by the
date an order was placed and shows what the filtered orders add up to, so the list and the totals
share one filter here and can never disagree. Likewise ``ledger.entries`` lists every entry, while
an operator reading a ledger usually wants to skip the hold/release pair each relayed request
leaves behind.
"""

from dataclasses import dataclass
from datetime import datetime

from peewee import Case, fn

from app import accounts, ledger
from app.errors import ValidationError
from app.ledger import Kind
from app.models import LedgerEntry, RechargeRecord, User

RECHARGE_STATUSES = ("pending", "paid", "partially_refunded", "refunded")
RESERVATION_KINDS = (Kind.HOLD.value, Kind.RELEASE.value)


@dataclass(frozen=True, slots=True)
class RechargeFilter:
    """Which recharge records to show.

    Attributes:
        username: only this user's orders (an unknown name raises NotFound).
        status: one of ``RECHARGE_STATUSES``.
        since, until: naive UTC bounds on ``created_at``, half-open ``[since, until)``.
    """

    username: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class RechargeTotals:
    """Sums over the filtered records, in micro-units.

    ``recharged`` counts money actually received (pending orders are not paid yet); ``refunded``
    is what was given back from those orders, whenever the refund happened.
    """

    count: int
    recharged_micros: int
    refunded_micros: int

    @property
    def net_micros(self) -> int:
        return self.recharged_micros - self.refunded_micros


def _where(query, flt: RechargeFilter):  # type: ignore[no-untyped-def]
    if flt.username:
        query = query.where(RechargeRecord.user == accounts.get_user(flt.username))
    if flt.status:
        if flt.status not in RECHARGE_STATUSES:
            raise ValidationError("Status must be one of {choices}", param="status",
                                  choices=", ".join(RECHARGE_STATUSES))
        query = query.where(RechargeRecord.status == flt.status)
    if flt.since is not None and flt.until is not None and flt.until <= flt.since:
        raise ValidationError("the end of the date range must be after its start",
                              param="until")
    if flt.since is not None:
        query = query.where(RechargeRecord.created_at >= flt.since)
    if flt.until is not None:
        query = query.where(RechargeRecord.created_at < flt.until)
    return query


def list_recharges(flt: RechargeFilter = RechargeFilter(), *, limit: int = 200,
                   offset: int = 0) -> list[RechargeRecord]:
    """Newest first, each with its user loaded (no lazy query when a caller reads the name)."""
    query = (RechargeRecord.select(RechargeRecord, User).join(User)
             .order_by(RechargeRecord.id.desc()).limit(limit).offset(offset))
    return list(_where(query, flt))


def recharge_totals(flt: RechargeFilter = RechargeFilter()) -> RechargeTotals:
    # unpaid gateway orders (pending, expired) were never credited
    paid = fn.SUM(Case(None, [(RechargeRecord.status.not_in(("pending", "expired")),
                               RechargeRecord.amount_micros)], 0))
    query = RechargeRecord.select(fn.COUNT(RechargeRecord.id),
                                  fn.COALESCE(paid, 0),
                                  fn.COALESCE(fn.SUM(RechargeRecord.refunded_micros), 0))
    count, recharged, refunded = _where(query, flt).tuples().get()
    return RechargeTotals(int(count), int(recharged), int(refunded))


def ledger_entries(user_id: int, *, hide_reservations: bool = False, limit: int = 100,
                   offset: int = 0) -> list[LedgerEntry]:
    """Newest first, like ``ledger.entries``; optionally without request holds and releases
    (the charge each request ends with is kept)."""
    if not hide_reservations:
        return ledger.entries(user_id, limit=limit, offset=offset)
    return list(LedgerEntry.select()
                .where((LedgerEntry.user == user_id)
                       & LedgerEntry.kind.not_in(RESERVATION_KINDS))
                .order_by(LedgerEntry.id.desc()).limit(limit).offset(offset))
