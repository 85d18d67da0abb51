"""The ledger: every balance change is one immutable entry, written with the balance update.

``User.balance_micros`` is a cache of ``SUM(LedgerEntry.amount_micros)`` kept in the same
transaction, so reading a balance is one row while the sum stays the truth. Debits use a
conditional ``UPDATE ... WHERE balance >= amount`` so concurrent debits can never overdraw, on
SQLite and PostgreSQL alike.
"""

from enum import StrEnum

from peewee import fn

from app import clock, sql
from app.db import joined_transaction, tuples
from app.errors import InsufficientBalance, NotFound, ValidationError
from app.models import LedgerEntry, User
from app.money import format_amount


class Kind(StrEnum):
    RECHARGE = "recharge"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"
    HOLD = "hold"  # relay reservation taken before the answer reaches the client
    RELEASE = "release"  # reservation given back when the request settles
    CHARGE = "charge"  # actual cost of a relayed request
    CARRY_FORWARD = "carry_forward"  # purged old entries folded into one (retention)


def apply_balance(user_id: int, amount_micros: int, *, allow_negative: bool = False) -> int:
    """The conditional balance UPDATE behind every ledger entry (the caller writes the entry, in
    the same transaction); returns the balance after it. A debit the balance cannot cover
    changes nothing and raises :class:`InsufficientBalance` unless ``allow_negative``."""
    if amount_micros < 0 and not allow_negative:
        row = sql.one('UPDATE "user" SET balance_micros = balance_micros + ? '
                      'WHERE id = ? AND balance_micros >= ? RETURNING balance_micros',
                      (amount_micros, user_id, -amount_micros))
    else:
        row = sql.one('UPDATE "user" SET balance_micros = balance_micros + ? '
                      'WHERE id = ? RETURNING balance_micros', (amount_micros, user_id))
    if row is None:
        balance = sql.one('SELECT balance_micros FROM "user" WHERE id = ?', (user_id,))
        if balance is None:
            raise NotFound("there is no user with ID {user_id}", user_id=user_id)
        raise InsufficientBalance(
            "the balance ({balance}) cannot cover this charge of {amount}",
            balance=format_amount(balance[0]), amount=format_amount(-amount_micros),
            balance_micros=int(balance[0]))
    return int(row[0])


def post(user_id: int, kind: Kind, amount_micros: int, *, reason: str | None = None,
         ref: str | None = None, actor: str | None = None,
         allow_negative: bool = False) -> LedgerEntry:
    """Apply ``amount_micros`` (signed) to a user's balance and record it.

    A debit that would take the balance below zero raises :class:`InsufficientBalance` unless
    ``allow_negative`` (a request that cost more than its reservation is still billed in full).
    """
    if not isinstance(amount_micros, int) or isinstance(amount_micros, bool):
        raise ValidationError("the amount must be a whole number of micro-units", param="amount")
    now = clock.now()
    with joined_transaction():  # the UPDATE below either applies or nothing is written
        after = apply_balance(user_id, amount_micros, allow_negative=allow_negative)
        values = (user_id, kind.value, amount_micros, after, reason, ref, actor, now)
        (entry_id,) = sql.one(  # type: ignore[misc]
            'INSERT INTO "ledger_entry" (user_id, kind, amount_micros, balance_after_micros, '
            'reason, ref, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id', values)
    return LedgerEntry(id=entry_id, user=user_id, kind=kind.value, amount_micros=amount_micros,
                       balance_after_micros=after, reason=reason, ref=ref, actor=actor,
                       created_at=now)


def adjust(user_id: int, amount_micros: int, reason: str, *, actor: str = "admin") -> LedgerEntry:
    """Operator correction; the reason is mandatory so the ledger explains itself."""
    if not reason or not reason.strip():
        raise ValidationError("Reason is required: the ledger keeps why each adjustment was made",
                              param="reason")
    if amount_micros == 0:
        raise ValidationError("Amount must not be zero", param="amount")
    return post(user_id, Kind.ADJUSTMENT, amount_micros, reason=reason.strip(), actor=actor)


def entries(user_id: int, *, limit: int | None = 100, offset: int = 0) -> list[LedgerEntry]:
    """Newest first."""
    query = (LedgerEntry.select().where(LedgerEntry.user == user_id)
             .order_by(LedgerEntry.id.desc()).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return list(query)


def ledger_sum(user_id: int) -> int:
    total = (LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.amount_micros), 0))
             .where(LedgerEntry.user == user_id).scalar())
    return int(total)


def mismatched_users() -> list[tuple[str, int, int]]:
    """Users whose cached balance differs from their ledger sum: (username, balance, sum).

    Should always be empty; exposed so tests and a health check can prove it.
    """
    sums = (LedgerEntry.select(LedgerEntry.user, fn.SUM(LedgerEntry.amount_micros).alias("total"))
            .group_by(LedgerEntry.user))
    totals = {user_id: int(total) for user_id, total in tuples(sums)}
    bad = []
    for user in User.select(User.id, User.username, User.balance_micros):
        total = totals.get(user.id, 0)
        if total != user.balance_micros:
            bad.append((user.username, user.balance_micros, total))
    return bad
