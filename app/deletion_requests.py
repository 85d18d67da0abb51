"""Account deletion requested by the user (on the portal), decided by the operator.

A request waits as "pending" until the operator approves it -- which runs
:func:`app.privacy.delete_user` in the same transaction, so a refused deletion (requests in
flight) leaves the request pending -- or rejects it with a reason the user is shown. Every step
is audited; the audit events name the user, so a deletion turns them into the tombstone name
like the rest of the user's trail.
"""

from app import accounts, audit, clock, events, privacy
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.models import DeletionRequest, User

STATUSES = ("pending", "approved", "rejected")
MAX_REASON = 500


def request_deletion(username: str, *, ip: str | None = None) -> DeletionRequest:
    """The user asks for their account to be deleted; one pending request at a time."""
    user = accounts.get_user(username)
    with write_transaction():
        if DeletionRequest.select().where((DeletionRequest.user == user.id)
                                          & (DeletionRequest.status == "pending")).exists():
            raise Conflict("a deletion request of {username} is already waiting",
                           username=user.username)
        row = DeletionRequest.create(user=user.id, created_at=clock.now())
        audit.record("deletion_request.create", actor=user.username, target=user.username,
                     detail={"request_id": row.id}, ip=(ip or "")[:64] or None)
    return row


def list_requests(status: str | None = "pending") -> list[DeletionRequest]:
    """Requests with ``status`` (None: all), oldest first, each with its user."""
    query = (DeletionRequest.select(DeletionRequest, User).join(User)
             .order_by(DeletionRequest.id))
    if status is not None:
        if status not in STATUSES:
            raise ValidationError("the status must be one of {statuses}", param="status",
                                  statuses=", ".join(STATUSES))
        query = query.where(DeletionRequest.status == status)
    return list(query)


def user_requests(user: User) -> list[DeletionRequest]:
    """The user's own requests, newest first (the portal shows their state and reason)."""
    return list(DeletionRequest.select().where(DeletionRequest.user == user.id)
                .order_by(DeletionRequest.id.desc()))


def _pending(request_id: int) -> DeletionRequest:
    row = (DeletionRequest.select(DeletionRequest, User).join(User)
           .where(DeletionRequest.id == request_id).get_or_none())
    if row is None:
        raise NotFound("there is no deletion request with ID {request_id}", param="request_id",
                       request_id=request_id)
    if row.status != "pending":
        raise Conflict("deletion request {request_id} was already {status}",
                       request_id=request_id, status=row.status)
    return row


def _decide(row: DeletionRequest, status: str, reason: str | None, actor: str) -> None:
    """Mark ``row`` decided, only if still pending (a concurrent decision wins once)."""
    decided = DeletionRequest.update(status=status, reason=reason, decided_at=clock.now(),
                                     decided_by=actor).where(
        (DeletionRequest.id == row.id) & (DeletionRequest.status == "pending")).execute()
    if decided != 1:
        raise Conflict("deletion request {request_id} was already decided", request_id=row.id)


def approve(request_id: int, *, actor: str = "admin") -> DeletionRequest:
    """Delete the account now (see :func:`app.privacy.delete_user`) and close the request."""
    with write_transaction():
        row = _pending(request_id)
        username = row.user.username
        _decide(row, "approved", None, actor)
        audit.record("deletion_request.approve", actor=actor, target=username,
                     detail={"request_id": row.id})
        privacy.delete_user(username, actor=actor)
    events.emit(events.KEYS)  # again after our commit: delete_user's came inside our transaction
    return DeletionRequest.get_by_id(request_id)


def reject(request_id: int, reason: str, *, actor: str = "admin") -> DeletionRequest:
    """Keep the account; ``reason`` is shown to the user."""
    text = (reason or "").strip()
    if not text or len(text) > MAX_REASON:
        raise ValidationError("a rejection needs a reason of 1-{maximum} characters",
                              param="reason", maximum=MAX_REASON)
    with write_transaction():
        row = _pending(request_id)
        _decide(row, "rejected", text, actor)
        audit.record("deletion_request.reject", actor=actor, target=row.user.username,
                     detail={"request_id": row.id, "reason": text})
    return DeletionRequest.get_by_id(request_id)
