"""Registration invite codes: create (shown once), list, revoke, and use one up atomically.

Codes are 128-bit random tokens, so a single SHA-256 is the right hash (as for API keys): it
cannot be brute-forced and lets registration find a code with one indexed lookup.
"""

import hashlib
import secrets
from datetime import datetime

from app import audit, clock
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.models import Invite

CODE_PREFIX = "inv-"
MAX_USES = 1_000_000


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def create_invite(*, max_uses: int | None = 1, expires_at: datetime | None = None,
                  note: str | None = None, actor: str = "admin") -> tuple[str, Invite]:
    """A new invite; returns ``(code, row)``. The code is never stored: show it now."""
    if max_uses is not None and (isinstance(max_uses, bool) or not 1 <= max_uses <= MAX_USES):
        raise ValidationError("Uses must be between 1 and {maximum}", param="max_uses",
                              maximum=MAX_USES)
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError("Expiry: that date is in the past", param="expires_at")
    text = (note or "").strip() or None
    if text is not None and len(text) > 200:
        raise ValidationError("Note must be at most {maximum} characters", param="note",
                              maximum=200)
    code = CODE_PREFIX + secrets.token_urlsafe(16)
    with write_transaction():
        row = Invite.create(code_hash=hash_code(code), prefix=f"{CODE_PREFIX}…{code[-4:]}",
                            note=text, max_uses=max_uses, expires_at=expires_at,
                            created_at=now, created_by=actor)
        audit.record("invite.create", actor=actor, target=str(row.id),
                     detail={"max_uses": max_uses,
                             "expires_at": expires_at.isoformat() if expires_at else None})
    return code, row


def list_invites(*, include_revoked: bool = False) -> list[Invite]:
    query = Invite.select().order_by(Invite.id.desc())
    if not include_revoked:
        query = query.where(Invite.status == "active")
    return list(query)


def revoke_invite(invite_id: int, *, actor: str = "admin") -> Invite:
    with write_transaction():
        changed = Invite.update(status="revoked", revoked_at=clock.now()).where(
            (Invite.id == invite_id) & (Invite.status == "active")).execute()
        row = Invite.get_or_none(Invite.id == invite_id)
        if row is None:
            raise NotFound("there is no invite with ID {invite_id}", param="invite_id",
                           invite_id=invite_id)
        if changed:
            audit.record("invite.revoke", actor=actor, target=str(invite_id))
    return row


def use_invite(code: str | None) -> Invite:
    """Use one of the code's uses, inside the caller's transaction (registration's).

    The use is a single conditional UPDATE, so two registrations racing for the last use cannot
    both win: the loser's UPDATE matches no row and it is refused.
    """
    if not code or not code.strip():
        raise ValidationError("an invite code is needed to register", param="invite_code")
    now = clock.now()
    digest = hash_code(code)
    used = Invite.update(uses=Invite.uses + 1).where(
        (Invite.code_hash == digest) & (Invite.status == "active")
        & (Invite.max_uses.is_null() | (Invite.uses < Invite.max_uses))
        & (Invite.expires_at.is_null() | (Invite.expires_at > now))).execute()
    if used != 1:
        raise ValidationError("that invite code is not valid, expired or used up",
                              param="invite_code")
    return Invite.get(Invite.code_hash == digest)
