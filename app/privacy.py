"""The privacy policy's promises about consent and account deletion, as service calls.

* Consent is recorded with the policy version the user accepted, and can be withdrawn: the
  account stops working at once (disabled, keys revoked); its data then follows the normal
  retention rules, because withdrawing consent is not a deletion request.
* Deleting an account erases who the person was (profile, keys, login history) in one
  transaction, but keeps the request logs and payment records the books still need, de-identified:
  they stay attached to a tombstone user row, so balances and the ledger remain consistent.

Everything here emits :data:`app.events.KEYS` so the relay's key cache drops the user at once.
"""

import operator
from functools import reduce

from peewee import Expression

from app import accounts, audit, clock, events, notify, websessions
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.models import ApiKey, AuditEvent, RequestLog, Reservation, SignIn, User

POLICY_VERSION = "2026-06-03"
LOGIN_ACTION_PREFIX = "login"  # audit actions "login", "login.failed", ... form login history
# Audit actions whose target names something else (a key id, a provider, a price, a setting, a
# backup): never rewritten on deletion, even when that name equals the deleted username.
OTHER_TARGETS = ("key.update", "key.revoke", "provider.", "price.", "setting.", "backup.")
# Actors that are parts of the program, not people: a user may happen to be called "admin".
SERVICE_ACTORS = frozenset({"admin", "relay", "recovery"})


def tombstone_name(user_id: int) -> str:
    """The username a deleted account is renamed to.

    The ``:`` is not allowed in real usernames, so a tombstone can never collide with a live
    user, and the old name is free for a new account at once.
    """
    return f"deleted:{user_id}"


def login_history(username: str) -> Expression:
    """Filter for the user's login history: audit events ``login*`` that target them."""
    return (AuditEvent.target == username) & AuditEvent.action.startswith(LOGIN_ACTION_PREFIX)


def record_consent(username: str, version: str = POLICY_VERSION, *,
                   actor: str = "admin") -> User:
    """Record that the user accepted privacy-policy ``version`` now.

    It does not re-enable an account disabled by a withdrawal: that stays the operator's call.
    """
    text = (version or "").strip()
    if not text or len(text) > 32:
        raise ValidationError("the policy version must be 1-32 characters", param="version")
    user = accounts.get_user(username)
    with write_transaction():
        now = clock.now()
        User.update(consent_version=text, consent_at=now, updated_at=now).where(
            User.id == user.id).execute()
        audit.record("consent.record", actor=actor, target=user.username,
                     detail={"version": text})
    return accounts.get_user_by_id(user.id)


def withdraw_consent(username: str, *, actor: str = "admin") -> User:
    """Stop the service for this user now: account disabled, consent cleared, keys revoked."""
    user = accounts.get_user(username)
    with write_transaction():
        now = clock.now()
        User.update(status="disabled", consent_version=None, consent_at=None,
                    updated_at=now).where(User.id == user.id).execute()
        revoked = ApiKey.update(status="revoked", revoked_at=now).where(
            (ApiKey.user == user.id) & (ApiKey.status == "active")).execute()
        websessions.end_all_sessions(user)
        audit.record("consent.withdraw", actor=actor, target=user.username,
                     detail={"version": user.consent_version, "api_keys_revoked": revoked})
    events.emit(events.KEYS)
    return accounts.get_user_by_id(user.id)


def delete_user(username: str, *, actor: str = "admin") -> None:
    """Delete an account; refused with :class:`Conflict` while it has requests in flight.

    Erased: email, phone, password hash, username (replaced by :func:`tombstone_name`), consent,
    API keys, login history (sign-in records too), portal sessions. Kept but de-identified:
    request logs (no username, client IP, user agent or key) and payment records (recharges,
    ledger), which stay on the tombstone row. Audit events that named the user now name the
    tombstone, so the trail keeps who-did-what without keeping who they were. Any remaining
    balance stays on the tombstone (refundable by order number).
    """
    user = accounts.get_user(username)
    name, tombstone = user.username, tombstone_name(user.id)
    with write_transaction():
        # Erase first: this UPDATE locks the user row, which every relay hold also updates, so
        # no reservation can appear between the check below and the commit.
        erased = User.update(
            username=tombstone, email=None, phone=None, password_hash=None, status="deleted",
            consent_version=None, consent_at=None, updated_at=clock.now(),
        ).where((User.id == user.id) & (User.status != "deleted")).execute()
        if erased != 1:
            raise NotFound("there is no user named {username!r}", param="username",
                           username=username)
        if Reservation.select().where(Reservation.user == user.id).exists():
            raise Conflict("{name} has requests in progress; try again when they finish",
                           name=name)
        logs = RequestLog.update(username=None, client_ip=None, user_agent=None,
                                 api_key=None).where(RequestLog.user == user.id).execute()
        keys = ApiKey.delete().where(ApiKey.user == user.id).execute()
        websessions.end_all_sessions(user)
        logins = AuditEvent.delete().where(login_history(name)).execute()
        logins += SignIn.delete().where(SignIn.user == user.id).execute()
        notify.forget_user(user.id)  # mail naming them, reset links, mail settings
        _rename_in_audit(name, tombstone)
        audit.record("user.delete",
                     actor=tombstone if actor == name and name not in SERVICE_ACTORS else actor,
                     target=tombstone,
                     detail={"user_id": user.id, "api_keys_deleted": keys,
                             "request_logs_deidentified": logs, "login_events_deleted": logins})
    events.emit(events.KEYS)


def _rename_in_audit(name: str, tombstone: str) -> None:
    """Audit events about or by the user now say the tombstone (inside the caller's transaction).

    Events whose target is something else that happens to share the name, and the program's own
    actors ("admin", ...), are left alone.
    """
    about_others = reduce(operator.or_, (AuditEvent.action.startswith(prefix)
                                         for prefix in OTHER_TARGETS))
    AuditEvent.update(target=tombstone).where(
        (AuditEvent.target == name) & ~about_others).execute()
    if name not in SERVICE_ACTORS:
        AuditEvent.update(actor=tombstone).where(AuditEvent.actor == name).execute()
