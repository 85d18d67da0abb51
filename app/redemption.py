"""Redemption codes: the operator generates prepaid codes of a fixed amount (shown once, as
CSV), lists and disables them; a portal user redeems one for a recharge of that amount.

Codes are 128-bit random tokens stored as one SHA-256 (as invites and API keys are): it cannot
be brute-forced and lets redeeming find a code with one indexed lookup.
"""

import csv
import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import JOIN

from app import accounts, audit, clock, ledger, notify, views
from app.csvsafe import csv_text
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.ledger import Kind
from app.models import RechargeRecord, RedemptionCode, User
from app.money import format_amount
from app.recharges import new_order_no

CODE_PREFIX = "rc-"
METHOD = "code"
STATUSES = ("active", "used", "disabled")
MAX_COUNT = 1000
MAX_AMOUNT_MICROS = 1_000_000 * 1_000_000  # one million per code: a typo, not a gift card
NOTE_LENGTH = 200
CSV_COLUMNS = ("code", "amount", "expires_at", "batch", "note")


@dataclass(frozen=True)
class NewCode:
    """A generated code with its row: the only time the code itself exists."""

    code: str
    row: RedemptionCode


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def generate(count: int, amount_micros: int, *, expires_at: datetime | None = None,
             note: str | None = None, actor: str = "admin") -> list[NewCode]:
    """``count`` new codes worth ``amount_micros`` each, one batch, in one transaction."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValidationError("Count must be between 1 and {maximum}", param="count",
                              maximum=MAX_COUNT)
    if (isinstance(amount_micros, bool) or not isinstance(amount_micros, int)
            or amount_micros <= 0):
        raise ValidationError("Amount must be positive", param="amount")
    if amount_micros > MAX_AMOUNT_MICROS:
        raise ValidationError("Amount must be at most {maximum}", param="amount",
                              maximum=format_amount(MAX_AMOUNT_MICROS))
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError("Expiry: that date is in the past", param="expires_at")
    text = (note or "").strip() or None
    if text is not None and len(text) > NOTE_LENGTH:
        raise ValidationError("Note must be at most {maximum} characters", param="note",
                              maximum=NOTE_LENGTH)
    batch = now.strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(3)
    made: list[NewCode] = []
    with write_transaction():
        for _ in range(count):
            code = CODE_PREFIX + secrets.token_urlsafe(16)
            row = RedemptionCode.create(
                code_hash=hash_code(code), prefix=f"{CODE_PREFIX}…{code[-4:]}",
                amount_micros=amount_micros, expires_at=expires_at, batch=batch, note=text,
                created_at=now, created_by=actor)
            made.append(NewCode(code, row))
        audit.record("code.generate", actor=actor, target=batch,
                     detail={"count": count, "amount_micros": amount_micros,
                             "expires_at": expires_at.isoformat() if expires_at else None})
    return made


def to_csv(codes: list[NewCode]) -> str:
    """The generated codes as CSV for the operator to hand out (the note is neutralised: a
    spreadsheet must not run it as a formula)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in codes:
        row = item.row
        writer.writerow([item.code, format_amount(row.amount_micros),
                         row.expires_at.isoformat(sep=" ") if row.expires_at else "",
                         row.batch, csv_text(row.note or "")])
    return out.getvalue()


def write_csv(path: Path, codes: list[NewCode], *, replace: bool = False) -> None:
    """Save :func:`to_csv` owner-only from the start (it holds live codes); an existing file is
    refused unless ``replace`` (the GUI's save dialog has asked)."""
    flags = os.O_CREAT | os.O_WRONLY | (os.O_TRUNC if replace else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise ValidationError("{path} already exists; choose a new file", param="out",
                              path=str(path)) from None
    except OSError as exc:
        raise ValidationError("cannot write {path}: {reason}", param="out", path=str(path),
                              reason=exc.strerror or str(exc)) from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        os.fchmod(handle.fileno(), 0o600)  # a replaced file keeps its old mode otherwise
        handle.write(to_csv(codes))


def list_codes(*, status: str | None = None, batch: str | None = None,
               limit: int = 1000, offset: int = 0) -> list[RedemptionCode]:
    """Codes, newest first; expired active codes keep status "active" (see :func:`expired`)."""
    if status is not None and status not in STATUSES:
        raise ValidationError("Status must be one of {statuses}", param="status",
                              statuses=", ".join(STATUSES))
    query = (RedemptionCode.select(RedemptionCode, User)
             .join(User, JOIN.LEFT_OUTER, on=(RedemptionCode.used_by == User.id))
             .order_by(RedemptionCode.id.desc()).limit(limit).offset(offset))
    if status:
        query = query.where(RedemptionCode.status == status)
    if batch:
        query = query.where(RedemptionCode.batch == batch)
    return list(query)


def expired(row: RedemptionCode, now: datetime | None = None) -> bool:
    return row.expires_at is not None and row.expires_at <= (now or clock.now())


def view(row: RedemptionCode) -> dict[str, Any]:
    """What the CLI and the admin API show of a code (never the code: it is not stored)."""
    return {"id": row.id, "prefix": row.prefix, "amount_micros": row.amount_micros,
            "status": row.status, "expired": row.status == "active" and expired(row),
            # what the code can do now: an expired active code reads "expired"
            "state": "expired" if row.status == "active" and expired(row) else row.status,
            "expires_at": views.iso(row.expires_at), "batch": row.batch, "note": row.note,
            "created_at": views.iso(row.created_at), "created_by": row.created_by,
            "used_by": row.used_by.username if row.used_by is not None else None,
            "used_at": views.iso(row.used_at), "order_no": row.order_no}


def get_code(code_id: int) -> RedemptionCode:
    row = RedemptionCode.get_or_none(RedemptionCode.id == code_id)
    if row is None:
        raise NotFound("there is no redemption code with ID {code_id}", param="code_id",
                       code_id=code_id)
    return row


def disable(code_id: int, *, actor: str = "admin") -> RedemptionCode:
    """Stop an unused code working; a used code cannot be (its money is the user's)."""
    with write_transaction():
        changed = RedemptionCode.update(status="disabled", disabled_at=clock.now()).where(
            (RedemptionCode.id == code_id) & (RedemptionCode.status == "active")).execute()
        row = get_code(code_id)
        if not changed and row.status == "used":
            raise Conflict("redemption code {code_id} is already used", param="code_id",
                           code_id=code_id)
        if changed:
            audit.record("code.disable", actor=actor, target=str(code_id),
                         detail={"batch": row.batch})
    return row


def redeem(user_id: int, code: str | None, *, ip: str | None = None) -> RechargeRecord:
    """Credit the code's amount to the user: the code is used up, a recharge record, a ledger
    entry, an audit event and the receipt are written in one transaction.

    Using the code is one conditional UPDATE, so of two users racing for a code exactly one
    matches the row. Every refusal reads the same, whether the code is unknown, used, expired or
    disabled: the answer must not help guess codes.
    """
    text = (code or "").strip()
    if not text or len(text) > 100:
        raise ValidationError("that code is not valid", param="code")
    user = accounts.get_user_by_id(user_id)
    digest = hash_code(text)
    now = clock.now()
    with write_transaction():
        used = RedemptionCode.update(status="used", used_by=user.id, used_at=now).where(
            (RedemptionCode.code_hash == digest) & (RedemptionCode.status == "active")
            & (RedemptionCode.expires_at.is_null() | (RedemptionCode.expires_at > now))
        ).execute()
        if used != 1:
            raise ValidationError("that code is not valid", param="code")
        row = RedemptionCode.get(RedemptionCode.code_hash == digest)
        record = RechargeRecord.create(order_no=new_order_no(), user=user,
                                       amount_micros=row.amount_micros, method=METHOD,
                                       status="paid", created_at=now, paid_at=now,
                                       note=row.prefix)
        RedemptionCode.update(order_no=record.order_no).where(
            RedemptionCode.id == row.id).execute()
        ledger.post(user.id, Kind.RECHARGE, row.amount_micros, ref=record.order_no,
                    actor=user.username, reason=row.prefix)
        audit.record("code.redeem", actor=user.username, target=user.username, ip=ip,
                     detail={"code_id": row.id, "order_no": record.order_no,
                             "amount_micros": row.amount_micros})
        notify.recharge_receipt(record)
    return record


def own_redemption(user_id: int, order_no: str) -> RechargeRecord:
    """The user's own recharge made by a code (the page shown after redeeming); anything else,
    another user's order included, is not found."""
    record = RechargeRecord.get_or_none(
        (RechargeRecord.order_no == (order_no or "").strip()[:40])
        & (RechargeRecord.user == user_id) & (RechargeRecord.method == METHOD))
    if record is None:
        raise NotFound("there is no recharge with order number {order_no!r}", param="order_no",
                       order_no=order_no)
    return record
