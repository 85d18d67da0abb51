"""The outgoing mail queue: every email RelayDesk sends is a row here first, written in the
same transaction as what caused it (a recharge, a sign-in), so a crash never loses a mail nor
sends one for something that was rolled back. The relay's mail job sends queued rows and
retries failures with backoff (see :mod:`relay.mail`)."""

from datetime import datetime, timedelta

from peewee import Expression, IntegrityError, fn

from app import accounts, audit, clock, views
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.models import MailMessage

SUBJECT_MAX = 300


def enqueue(to_addr: str, subject: str, text_body: str, html_body: str | None = None, *,
            kind: str, user_id: int | None = None, lang: str = "en",
            dedupe_key: str | None = None) -> MailMessage | None:
    """Queue one message; None when ``dedupe_key`` was queued before (sent at most once).

    Joins the caller's transaction when there is one.
    """
    address = accounts.validate_email(to_addr)
    if address is None:
        raise ValidationError("Email is required", param="to")
    clean_subject = " ".join(subject.split())[:SUBJECT_MAX]  # no header injection by newline
    try:
        with write_transaction():
            return MailMessage.create(to_addr=address, subject=clean_subject,
                                      text_body=text_body, html_body=html_body, kind=kind[:32],
                                      user=user_id, lang=lang[:8],
                                      dedupe_key=dedupe_key[:200] if dedupe_key else None)
    except IntegrityError:
        if dedupe_key and MailMessage.select().where(
                MailMessage.dedupe_key == dedupe_key[:200]).exists():
            return None
        raise


# --- sending (the relay's mail job) ----------------------------------------------------------
# A row goes queued -> sending (claimed by one relay) -> sent, or back to queued with a later
# next_attempt_at, or failed after MAX_ATTEMPTS. A claim is a conditional UPDATE, so two relays
# on one PostgreSQL database never both send a row; a relay that dies holding a claim lets it
# go after CLAIM_LEASE and another sends it (at most once more, the price of not losing it).

STATUSES = ("queued", "sending", "sent", "failed")
MAX_ATTEMPTS = 8
BACKOFF_FIRST_S = 60
BACKOFF_MAX_S = 3600
CLAIM_LEASE = timedelta(minutes=5)
KEEP_DAYS = 30
LIST_LIMIT = 500


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(seconds=min(BACKOFF_FIRST_S * 2 ** max(0, attempts - 1), BACKOFF_MAX_S))


def _claimable(now: datetime) -> Expression:
    return (MailMessage.status.in_(("queued", "sending"))) & (MailMessage.next_attempt_at <= now)


def due_ids(now: datetime | None = None, limit: int = 20) -> list[int]:
    """Rows ready to send (queued and due, or claimed by a relay whose lease ran out)."""
    at = now or clock.now()
    query = (MailMessage.select(MailMessage.id).where(_claimable(at))
             .order_by(MailMessage.next_attempt_at, MailMessage.id).limit(limit))
    return [row.id for row in query]


def claim(message_id: int, now: datetime | None = None) -> MailMessage | None:
    """Take one row for sending; None when another relay took it first or it is not due.

    The WHERE repeats the due condition, so of two concurrent claims exactly one updates the
    row (PostgreSQL re-checks it after the other's commit; SQLite serialises writers)."""
    at = now or clock.now()
    with write_transaction():
        taken = (MailMessage.update(status="sending", attempts=MailMessage.attempts + 1,
                                    next_attempt_at=at + CLAIM_LEASE)
                 .where((MailMessage.id == message_id) & _claimable(at)).execute())
        return MailMessage.get_by_id(message_id) if taken else None


def mark_sent(message_id: int, now: datetime | None = None) -> bool:
    with write_transaction():
        return bool(MailMessage.update(status="sent", sent_at=now or clock.now(),
                                       last_error=None)
                    .where((MailMessage.id == message_id)
                           & (MailMessage.status == "sending")).execute())


def mark_failed(message_id: int, error: str, now: datetime | None = None) -> MailMessage | None:
    """Record a failed attempt: queued again after :func:`backoff`, or failed for good after
    ``MAX_ATTEMPTS``. ``error`` must hold no secret (app.mailer.describe_error)."""
    at = now or clock.now()
    with write_transaction():
        row = MailMessage.get_or_none((MailMessage.id == message_id)
                                      & (MailMessage.status == "sending"))
        if row is None:
            return None
        final = row.attempts >= MAX_ATTEMPTS
        row.status = "failed" if final else "queued"
        row.next_attempt_at = at + backoff(row.attempts)
        row.last_error = error[:500]
        row.save()
        return row


# --- the operator's view and actions (GUI, CLI, admin API) -----------------------------------

def get(message_id: int) -> MailMessage:
    row = MailMessage.get_or_none(MailMessage.id == message_id)
    if row is None:
        raise NotFound("there is no email with id {id}", param="id", id=message_id)
    return row


def view(row: MailMessage) -> dict[str, object]:
    """One email as the CLI and the admin API show it (no bodies: they can be long)."""
    return {"id": row.id, "status": row.status, "kind": row.kind, "to": row.to_addr,
            "subject": row.subject, "attempts": row.attempts,
            "created_at": views.iso(row.created_at), "sent_at": views.iso(row.sent_at),
            "next_attempt_at": views.iso(row.next_attempt_at) if row.status == "queued"
            else None, "last_error": row.last_error, "user_id": row.user_id}


def list_messages(status: str | None = None, limit: int = LIST_LIMIT) -> list[MailMessage]:
    """Newest first; ``status`` one of STATUSES or None for all."""
    if status is not None and status not in STATUSES:
        raise ValidationError("Status must be one of {statuses}", param="status",
                              statuses=", ".join(STATUSES))
    query = MailMessage.select().order_by(MailMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(MailMessage.status == status)
    return list(query)


def counts() -> dict[str, int]:
    query = (MailMessage.select(MailMessage.status, fn.COUNT(MailMessage.id))
             .group_by(MailMessage.status).tuples())
    rows: list[tuple[str, int]] = list(query)  # type: ignore[arg-type] # .tuples()
    found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in STATUSES}


def retry(message_id: int, *, actor: str = "admin") -> MailMessage:
    """Send a failed (or waiting) email again now, with a fresh set of attempts."""
    with write_transaction():
        row = get(message_id)
        if row.status not in ("failed", "queued"):
            raise Conflict("email {id} is {status}; only failed or waiting email can be retried",
                           param="id", id=message_id, status=row.status)
        row.status, row.attempts, row.next_attempt_at = "queued", 0, clock.now()
        row.save()
        audit.record("mail.retry", actor=actor, target=str(row.id),
                     detail={"to": row.to_addr, "kind": row.kind})
        return row


TEST_SUBJECT = "RelayDesk test email"
TEST_TEXT = ("This is a test email from RelayDesk. If you can read it, the SMTP settings "
             "work.\n")
TEST_HTML = ("<!DOCTYPE html><html><body><p>This is a test email from <b>RelayDesk</b>. If you "
             "can read it, the SMTP settings work.</p></body></html>")


def send_test(to_addr: str, *, actor: str = "admin") -> MailMessage:
    """Queue a test email; the relay's mail job sends it within seconds."""
    with write_transaction():
        row = enqueue(to_addr, TEST_SUBJECT, TEST_TEXT, TEST_HTML, kind="test")
        assert row is not None  # no dedupe key: always queued
        audit.record("mail.test", actor=actor, target=str(row.id), detail={"to": row.to_addr})
        return row


def purge(now: datetime | None = None, days: int = KEEP_DAYS, batch: int = 1000) -> int:
    """Delete sent and failed email older than ``days`` (their bodies hold personal data);
    one batch per call, the number removed."""
    cutoff = (now or clock.now()) - timedelta(days=days)
    with write_transaction():
        ids = [row.id for row in MailMessage.select(MailMessage.id).where(
            MailMessage.status.in_(("sent", "failed")) & (MailMessage.created_at < cutoff))
            .limit(batch)]
        if not ids:
            return 0
        return int(MailMessage.delete().where(MailMessage.id.in_(ids)).execute())
