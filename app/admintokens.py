"""Tokens for the remote admin API (``/admin/api/``): issued from the GUI or CLI, shown once,
stored as a SHA-256 (like API keys: 256 random bits need no slow hash), revocable.

A token alone is not enough: the admin API also requires the caller's address to be inside
the admin IP whitelist (:mod:`app.netpolicy`).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from app import audit, clock, events
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.models import AdminToken

TOKEN_PREFIX = "rdadm-"
CREATED, REVOKED = "admin_token.create", "admin_token.revoke"


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(name: str, *, actor: str = "admin") -> tuple[AdminToken, str]:
    """Issue a token; returns the row and the plaintext, which is never retrievable again."""
    label = (name or "").strip()
    if not label or len(label) > 64:
        raise ValidationError("token name must be 1-64 characters", param="name")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        token = AdminToken.create(name=label, token_hash=hash_token(plaintext),
                                  prefix=f"{TOKEN_PREFIX}…{plaintext[-4:]}", created_by=actor)
        audit.record(CREATED, actor=actor, target=label,
                     detail={"token_id": token.id, "prefix": token.prefix})
    events.emit(events.ADMIN_TOKENS)
    return token, plaintext


def list_tokens(*, include_revoked: bool = True) -> list[AdminToken]:
    query = AdminToken.select().order_by(AdminToken.id)
    if not include_revoked:
        query = query.where(AdminToken.status == "active")
    return list(query)


def get_token(token_id: int) -> AdminToken:
    token = AdminToken.get_or_none(AdminToken.id == token_id)
    if token is None:
        raise NotFound("there is no admin token with ID {token_id}", param="id",
                       token_id=token_id)
    return token


def revoke_token(token_id: int, *, actor: str = "admin") -> AdminToken:
    token = get_token(token_id)
    if token.status != "revoked":
        with write_transaction():
            AdminToken.update(status="revoked", revoked_at=clock.now()).where(
                AdminToken.id == token.id).execute()
            audit.record(REVOKED, actor=actor, target=token.name,
                         detail={"token_id": token.id, "prefix": token.prefix})
        events.emit(events.ADMIN_TOKENS)
    return get_token(token_id)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    token_id: int
    name: str

    @property
    def actor(self) -> str:
        """How audit events name a change made with this token."""
        return f"token:{self.name}"


def verify(plaintext: str | None, *, ip: str | None = None) -> TokenInfo | None:
    """The active token matching ``plaintext`` (and note its use), or ``None``."""
    if (not plaintext or len(plaintext) > 200 or not plaintext.isascii()  # tokens are ASCII
            or not plaintext.startswith(TOKEN_PREFIX)):
        return None
    digest = hash_token(plaintext)
    token = AdminToken.get_or_none(AdminToken.token_hash == digest)
    if token is None or token.status != "active" or not hmac.compare_digest(
            token.token_hash, digest):
        return None
    with write_transaction():
        AdminToken.update(last_used_at=clock.now(), last_used_ip=(ip or "")[:64] or None).where(
            AdminToken.id == token.id).execute()
    return TokenInfo(token_id=token.id, name=token.name)
