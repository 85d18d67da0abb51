"""Top-up orders: a pending recharge record per attempt, credited exactly once when a verified
notify or order query says it is paid, expired when it is not paid in time.

Crediting is one transaction whose conditional ``UPDATE ... WHERE status = 'pending'`` lets
only one of any number of repeated or concurrent confirmations through.
"""

import enum
import re
from datetime import timedelta
from typing import Any

from app import accounts, audit, clock, ledger, notify, recharges, settings
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.ledger import Kind
from app.models import RechargeRecord, User
from app.payments import gateways
from app.payments.epay import PAY_TYPES, Notice
from app.payments.money import CENT, parse_yuan
from app.views import iso

MIN_MICROS = CENT  # 0.01
MAX_MICROS = 100_000 * 1_000_000
_AMOUNT = re.compile(r"[0-9]{1,6}(\.[0-9]{1,2})?")
GATEWAY_STATUSES = ("pending", "paid", "expired", "partially_refunded", "refunded")


class Outcome(enum.StrEnum):
    """What a confirmation did; only CREDITED moved money."""

    CREDITED = "credited"
    ALREADY_PAID = "already_paid"
    UNPAID = "unpaid"
    UNKNOWN_ORDER = "unknown_order"
    EXPIRED = "expired"
    MISMATCH = "mismatch"


def parse_amount(text: str) -> int:
    """The amount a user typed (yuan, at most two decimals) in micros."""
    raw = (text or "").strip()
    if not _AMOUNT.fullmatch(raw):
        raise ValidationError("Amount must be a number such as 10 or 9.99", param="amount")
    micros = parse_yuan(raw)
    assert micros is not None  # the pattern admits only exact decimals
    return micros


def create_order(user_id: int, amount_micros: int, gateway: str, pay_type: str = "alipay"
                 ) -> RechargeRecord:
    """A pending order for a configured gateway; the user is then sent to pay it. Epay takes
    a payment type (alipay, wxpay); HupiJiao's channel is its appid's, so it has none."""
    user = accounts.get_user_by_id(user_id)
    gateways.check_name(gateway)
    if gateway not in gateways.available():
        gateways.load(gateway)  # raises, naming what is missing
    if not MIN_MICROS <= amount_micros <= MAX_MICROS or amount_micros % CENT:
        raise ValidationError("Amount must be between 0.01 and 100000 in whole cents",
                              param="amount")
    if gateway == "hupijiao":
        pay_type = ""
    elif pay_type not in PAY_TYPES:
        raise ValidationError("Payment type must be one of {types}", param="pay_type",
                              types=", ".join(PAY_TYPES))
    now = clock.now()
    expiry = timedelta(minutes=settings.get("payments_order_expiry_minutes"))
    with write_transaction():
        record = RechargeRecord.create(
            order_no=recharges.new_order_no(), user=user, amount_micros=amount_micros,
            method=gateway, status="pending", created_at=now, gateway=gateway,
            pay_type=pay_type or None, expires_at=now + expiry)
        audit.record("payment.order", actor=user.username, target=user.username,
                     detail={"order_no": record.order_no, "amount_micros": amount_micros,
                             "gateway": gateway})
    return record


def confirm(gateway: str, notice: Notice, merchant_id: str, *, source: str) -> Outcome:
    """Credit the order a verified gateway message reports paid, at most once.

    ``merchant_id`` is ours; the message must name it, report the order paid and carry exactly
    its amount, and the order must still be pending and unexpired.
    """
    if notice.merchant_id != merchant_id:
        return Outcome.MISMATCH
    if not notice.paid:
        return Outcome.UNPAID
    with write_transaction():
        record = RechargeRecord.get_or_none((RechargeRecord.order_no == notice.out_trade_no)
                                            & (RechargeRecord.gateway == gateway))
        if record is None:
            return Outcome.UNKNOWN_ORDER
        if notice.amount_micros != record.amount_micros:
            audit.record("payment.amount_mismatch", actor=f"gateway:{gateway}",
                         target=record.order_no,
                         detail={"expected_micros": record.amount_micros,
                                 "reported_micros": notice.amount_micros, "source": source})
            return Outcome.MISMATCH
        now = clock.now()
        changed = RechargeRecord.update(
            status="paid", paid_at=now, trade_no=notice.trade_no[:64] or None).where(
            (RechargeRecord.id == record.id) & (RechargeRecord.status == "pending")
            & (RechargeRecord.expires_at > now)
            & (RechargeRecord.amount_micros == notice.amount_micros)).execute()
        if changed != 1:
            return _not_credited(record.id, gateway, notice, source)
        record = RechargeRecord.get_by_id(record.id)
        user = accounts.get_user_by_id(record.user_id)
        ledger.post(user.id, Kind.RECHARGE, record.amount_micros, ref=record.order_no,
                    actor=f"gateway:{gateway}")
        audit.record("recharge", actor=f"gateway:{gateway}", target=user.username,
                     detail={"order_no": record.order_no, "amount_micros": record.amount_micros,
                             "method": gateway, "trade_no": record.trade_no, "source": source})
        notify.recharge_receipt(record)
    return Outcome.CREDITED


def _not_credited(record_id: int, gateway: str, notice: Notice, source: str) -> Outcome:
    """Another confirmation won, or the order expired: a payment after expiry is recorded
    (trade number, audit event) for the operator to refund in the gateway's console."""
    record = RechargeRecord.get_by_id(record_id)
    if record.status in ("paid", "partially_refunded", "refunded"):
        return Outcome.ALREADY_PAID
    if record.trade_no is None:
        RechargeRecord.update(trade_no=notice.trade_no[:64] or None).where(
            RechargeRecord.id == record_id).execute()
        audit.record("payment.paid_after_expiry", actor=f"gateway:{gateway}",
                     target=record.order_no,
                     detail={"trade_no": notice.trade_no, "amount_micros": record.amount_micros,
                             "source": source})
    return Outcome.EXPIRED


def expire_overdue() -> int:
    """Pending orders past their expiry become expired; returns how many."""
    with write_transaction():
        return int(RechargeRecord.update(status="expired").where(
            (RechargeRecord.status == "pending") & (RechargeRecord.expires_at <= clock.now())
        ).execute())


def pending_orders(limit: int = 200) -> list[RechargeRecord]:
    """Unexpired pending orders, oldest first: the ones worth asking the gateway about."""
    return list(RechargeRecord.select().where(
        (RechargeRecord.status == "pending") & (RechargeRecord.gateway.is_null(False))
        & (RechargeRecord.expires_at > clock.now())).order_by(RechargeRecord.id).limit(limit))


def get_order(order_no: str) -> RechargeRecord:
    record = RechargeRecord.get_or_none((RechargeRecord.order_no == (order_no or "").strip())
                                        & RechargeRecord.gateway.is_null(False))
    if record is None:
        raise NotFound("there is no top-up order {order_no!r}", param="order_no",
                       order_no=order_no)
    return record


def get_own_order(user_id: int, order_no: str) -> RechargeRecord | None:
    """The user's own order, or ``None`` (another user's order is as good as missing)."""
    return RechargeRecord.get_or_none((RechargeRecord.order_no == order_no)
                                      & (RechargeRecord.user == user_id)
                                      & RechargeRecord.gateway.is_null(False))


def list_orders(*, status: str | None = None, gateway: str | None = None,
                username: str | None = None, limit: int = 200, offset: int = 0
                ) -> list[RechargeRecord]:
    """Gateway orders newest first (the Payments page, CLI and admin API)."""
    if status and status not in GATEWAY_STATUSES:
        raise ValidationError("Status must be one of {statuses}", param="status",
                              statuses=", ".join(GATEWAY_STATUSES))
    query = (RechargeRecord.select(RechargeRecord, User).join(User)
             .where(RechargeRecord.gateway.is_null(False))
             .order_by(RechargeRecord.id.desc()).limit(limit).offset(offset))
    if status:
        query = query.where(RechargeRecord.status == status)
    if gateway:
        query = query.where(RechargeRecord.gateway == gateways.check_name(gateway))
    if username:
        query = query.where(RechargeRecord.user == accounts.get_user(username))
    return list(query)


def order_view(r: RechargeRecord) -> dict[str, Any]:
    """An order as the CLI and admin API show it."""
    return {"order_no": r.order_no, "username": r.user.username, "gateway": r.gateway,
            "pay_type": r.pay_type, "amount_micros": r.amount_micros, "status": r.status,
            "trade_no": r.trade_no, "created_at": iso(r.created_at),
            "expires_at": iso(r.expires_at), "paid_at": iso(r.paid_at),
            "refunded_micros": r.refunded_micros, "note": r.note}


REFUND_NOTE = ("The balance is debited here; the money itself goes back to the payer through "
               "the gateway's own console.")


def refund(order_no: str, amount_micros: int | None = None, *, note: str | None = None,
           actor: str = "admin") -> RechargeRecord:
    """Refund a paid gateway order through :func:`app.recharges.refund` (see REFUND_NOTE)."""
    get_order(order_no)
    return recharges.refund(order_no, amount_micros, note=note, actor=actor)
