"""Recharges and refunds: payment records tied to ledger entries in one transaction."""

import secrets

from app import accounts, audit, clock, ledger, notify
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.ledger import Kind
from app.models import RechargeRecord, User
from app.money import format_amount

METHODS = ("manual", "cash", "bank", "alipay", "wechat", "epay", "hupijiao", "code")
# What an operator records by hand: a redemption code credits itself, through its own service.
MANUAL_METHODS = tuple(method for method in METHODS if method != "code")


def new_order_no() -> str:
    """Sortable and unguessable: RD + UTC timestamp + 8 random hex digits."""
    return "RD" + clock.now().strftime("%Y%m%d%H%M%S") + secrets.token_hex(4).upper()


def _note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > 500:
        raise ValidationError("Note is longer than 500 characters", param="note")
    return text or None


def recharge(username: str, amount_micros: int, *, method: str = "manual",
             note: str | None = None, actor: str = "admin") -> RechargeRecord:
    """Credit a user's balance with a paid recharge; returns the record (with order number)."""
    user = accounts.get_user(username)
    if amount_micros <= 0:
        raise ValidationError("Amount must be positive", param="amount")
    if method not in MANUAL_METHODS:
        raise ValidationError("Method must be one of {methods}", param="method",
                              methods=", ".join(MANUAL_METHODS))
    text = _note(note)
    now = clock.now()
    with write_transaction():
        record = RechargeRecord.create(order_no=new_order_no(), user=user,
                                       amount_micros=amount_micros, method=method, status="paid",
                                       created_at=now, paid_at=now, note=text)
        ledger.post(user.id, Kind.RECHARGE, amount_micros, ref=record.order_no, actor=actor,
                    reason=text)
        audit.record("recharge", actor=actor, target=user.username,
                     detail={"order_no": record.order_no, "amount_micros": amount_micros,
                             "method": method})
        notify.recharge_receipt(record)
    return record


def get_recharge(order_no: str) -> RechargeRecord:
    record = RechargeRecord.get_or_none(RechargeRecord.order_no == (order_no or "").strip())
    if record is None:
        raise NotFound("there is no recharge with order number {order_no!r}", param="order_no",
                       order_no=order_no)
    return record


def refund(order_no: str, amount_micros: int | None = None, *, note: str | None = None,
           actor: str = "admin") -> RechargeRecord:
    """Refund all or part of a paid recharge, debiting the user's balance.

    A refund can never exceed what is left of the payment, nor what the user still holds.
    """
    text = _note(note)
    with write_transaction():
        record = get_recharge(order_no)
        if record.status not in ("paid", "partially_refunded"):
            raise Conflict("recharge {order_no} is {status}; there is nothing to refund",
                           order_no=record.order_no, status=record.status)
        remaining = record.amount_micros - record.refunded_micros
        amount = remaining if amount_micros is None else amount_micros
        if amount <= 0:
            raise ValidationError("Refund amount must be positive", param="amount")
        if amount > remaining:
            raise Conflict("the refund of {amount} is more than the {remaining} of {order_no} "
                           "that can still be refunded", param="amount",
                           amount=format_amount(amount), remaining=format_amount(remaining),
                           order_no=record.order_no)
        ledger.post(record.user_id, Kind.REFUND, -amount, ref=record.order_no, actor=actor,
                    reason=text)
        refunded = record.refunded_micros + amount
        status = "refunded" if refunded == record.amount_micros else "partially_refunded"
        RechargeRecord.update(refunded_micros=refunded, status=status, refunded_at=clock.now(),
                              note=text or record.note).where(
            RechargeRecord.id == record.id).execute()
        audit.record("refund", actor=actor, target=record.user.username,
                     detail={"order_no": record.order_no, "amount_micros": amount})
    return get_recharge(record.order_no)


def list_recharges(username: str | None = None, *, status: str | None = None,
                   limit: int = 200, offset: int = 0) -> list[RechargeRecord]:
    query = (RechargeRecord.select(RechargeRecord, User).join(User)
             .order_by(RechargeRecord.id.desc()).limit(limit).offset(offset))
    if username:
        query = query.where(RechargeRecord.user == accounts.get_user(username))
    if status:
        query = query.where(RechargeRecord.status == status)
    return list(query)
