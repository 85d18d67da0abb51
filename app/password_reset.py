"""Portal password reset by an emailed one-time link.

Asking never tells whether an address has an account: the caller shows one answer either way,
and the work done is alike (the mail is rendered for unknown addresses too; only the writes
differ). A link is good for :data:`LIFETIME`, once; using it sets the new password, ends every
portal session of the user and spends their other open links. Only a SHA-256 of each token
is stored.
"""

import hashlib
import secrets
from datetime import timedelta

from peewee import fn

from app import accounts, audit, clock, mailqueue, notify, passwords, websessions
from app.db import write_transaction
from app.errors import ValidationError
from app.models import PasswordReset, User

LIFETIME = timedelta(hours=1)
INVALID = "This password-reset link is not valid any more; ask for a new one."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str, *, ip: str | None = None) -> bool:
    """Email a reset link to the portal account with ``email`` (when there is one); True when
    one was queued. The caller must answer the same either way."""
    address = (email or "").strip()[:254]
    token = secrets.token_urlsafe(32)
    user = (User.select().where((fn.LOWER(User.email) == address.lower())
                                & (User.role == "user") & (User.status == "active"))
            .order_by(User.id).first()) if address else None
    lang = notify.mail_lang(user)
    subject, text, html = notify.render(
        "password_reset", lang, user=user.username if user else "",
        reset_url=notify.portal_link(f"/reset/{token}"),
        minutes=int(LIFETIME.total_seconds() // 60), ip=ip or "?")
    if user is None or not user.email:
        return False
    now = clock.now()
    with write_transaction():
        PasswordReset.create(user=user.id, token_hash=_digest(token), created_at=now,
                             expires_at=now + LIFETIME)
        mailqueue.enqueue(user.email, subject, text, html, kind="password_reset",
                          user_id=user.id, lang=lang)
        audit.record("user.password_reset_requested", actor=user.username,
                     target=user.username, ip=(ip or "")[:64] or None)
    return True


def _open_link(token: str) -> PasswordReset | None:
    if not token or len(token) > 100:
        return None
    row = PasswordReset.get_or_none(PasswordReset.token_hash == _digest(token))
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        return None
    if row.user.status != "active":
        return None
    return row


def check_link(token: str) -> bool:
    """True while ``token`` is an unused, unexpired link of an active user."""
    return _open_link(token) is not None


def reset_password(token: str, new_password: str, *, ip: str | None = None) -> User:
    """Set a new password through the link ``token``; refused for a wrong, used or expired
    link. Ends all the user's sessions. Blocking (bcrypt)."""
    from app.registration import check_password  # registration builds on accounts

    row = _open_link(token)
    if row is None:
        raise ValidationError(INVALID, param="token")
    user = row.user
    check_password(new_password, user.username, user.email)
    hashed = passwords.hash_password(new_password)  # slow: before the write lock
    with write_transaction():
        # Spend the link first: of two racing uses only one changes a row.
        spent = PasswordReset.update(used_at=clock.now()).where(
            (PasswordReset.id == row.id) & PasswordReset.used_at.is_null()
            & (PasswordReset.expires_at > clock.now())).execute()
        if not spent:
            raise ValidationError(INVALID, param="token")
        PasswordReset.update(used_at=clock.now()).where(
            (PasswordReset.user == user.id) & PasswordReset.used_at.is_null()).execute()
        User.update(password_hash=hashed, updated_at=clock.now()).where(
            User.id == user.id).execute()
        ended = websessions.end_all_sessions(user)
        audit.record("user.password_reset", actor=user.username, target=user.username,
                     detail={"sessions_ended": ended}, ip=(ip or "")[:64] or None)
    return accounts.get_user_by_id(user.id)


def purge_expired() -> int:
    """Delete links past their expiry or used (the notification job's hourly call)."""
    with write_transaction():
        return int(PasswordReset.delete().where(
            (PasswordReset.expires_at <= clock.now())
            | PasswordReset.used_at.is_null(False)).execute())
