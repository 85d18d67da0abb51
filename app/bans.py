"""Temporary bans of client addresses, and the security-event view of the audit trail.

The relay counts failures (invalid API keys, failed admin-token or login attempts) per address
in memory and calls :func:`ban` when an address crosses the threshold; bans live in the
database so every relay process, the GUI and the CLI see them, and the operator can lift one.
"""

from datetime import datetime, timedelta

from app import audit, clock, events, notify, settings
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.models import AuditEvent, IpBan
from app.netpolicy import ban_subject, parse_address

BANNED, UNBANNED = "security.ban", "security.unban"
ADMIN_DENIED = "admin_api.denied"  # admin API refused: bad token or address outside whitelist
ADMIN_NEW_ADDRESS = "admin.new_address"  # first successful admin access from an address

# Setting keys whose changes are security events (whitelist and friends).
SECURITY_SETTINGS = ("admin_ip_whitelist", "relay_allowed_cidrs", "trusted_proxies",
                     "ban_threshold", "ban_window_seconds", "ban_minutes", "tls_mode",
                     "tls_cert_file", "tls_key_file")
# Audit actions shown on the GUI's security page (and, later, emailed).
SECURITY_ACTIONS = (BANNED, UNBANNED, ADMIN_DENIED, ADMIN_NEW_ADDRESS,
                    "admin.login", "admin.login_failed", "admin.lockout", "admin.password_change",
                    "admin_token.create", "admin_token.revoke", "user.delete",
                    "consent.withdraw", "backup.restore")


def _normalise(ip: str) -> str:
    """The ban's subject: the address, or for IPv6 its /64 (see netpolicy.ban_subject)."""
    subject = ban_subject(ip)
    if subject is None:
        raise ValidationError("{ip!r} is not an IP address", param="ip", ip=ip)
    return subject


def ban(ip: str, *, reason: str, failures: int = 0, minutes: int | None = None,
        actor: str = "relay") -> IpBan:
    """Ban ``ip`` for ``minutes`` (default: the ``ban_minutes`` setting), with an audit event.

    Banning an address that is already banned extends nothing and returns the running ban.
    """
    address = _normalise(ip)
    length = minutes if minutes is not None else settings.get("ban_minutes")
    if length < 1:
        raise ValidationError("a ban lasts at least one minute", param="minutes")
    now = clock.now()
    with write_transaction():
        running = _running(address, now)
        if running is not None:
            return running
        row = IpBan.create(ip=address, reason=reason[:64], failures=failures, created_at=now,
                           until=now + timedelta(minutes=length))
        audit.record(BANNED, actor=actor, target=address, ip=address,
                     detail={"reason": reason, "failures": failures, "minutes": length,
                             "ban_id": row.id})
        notify.address_banned(row)
    events.emit(events.BANS)
    return row


def _running(address: str, now: datetime) -> IpBan | None:
    return (IpBan.select()
            .where(IpBan.ip == address, IpBan.lifted_at.is_null(), IpBan.until > now)
            .order_by(IpBan.id.desc()).get_or_none())


def unban(ip: str, *, actor: str = "admin") -> int:
    """Lift every running ban of ``ip``; returns how many. NotFound when none is running."""
    address = _normalise(ip)
    now = clock.now()
    with write_transaction():
        lifted: int = (IpBan.update(lifted_at=now, lifted_by=actor[:64])
                  .where(IpBan.ip == address, IpBan.lifted_at.is_null(), IpBan.until > now)
                  .execute())
        if not lifted:
            raise NotFound("{address} is not banned", param="ip", address=address)
        audit.record(UNBANNED, actor=actor, target=address, ip=address)
    events.emit(events.BANS)
    return lifted


def active_bans() -> list[IpBan]:
    """Running bans, newest first."""
    now = clock.now()
    return list(IpBan.select()
                .where(IpBan.lifted_at.is_null(), IpBan.until > now)
                .order_by(IpBan.id.desc()))


def banned_until() -> dict[str, datetime]:
    """Address -> end of its running ban: the relay keeps this in memory."""
    result: dict[str, datetime] = {}
    for row in active_bans():
        result[row.ip] = max(row.until, result.get(row.ip, row.until))
    return result


def security_events(limit: int = 200, before_id: int | None = None) -> list[AuditEvent]:
    """Bans, admin access, whitelist changes, deletions... newest first."""
    query = AuditEvent.select().where(
        AuditEvent.action.in_(SECURITY_ACTIONS)
        | ((AuditEvent.action == "setting.set") & AuditEvent.target.in_(SECURITY_SETTINGS)))
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(query.order_by(AuditEvent.id.desc()).limit(limit))


def note_admin_access(ip: str | None, *, actor: str) -> bool:
    """Record an :data:`ADMIN_NEW_ADDRESS` event the first time an admin acts from ``ip``.

    Returns whether the address was new.
    """
    if not ip:
        return False
    address = parse_address(ip)
    ip = str(address) if address is not None else ip[:64]  # ::ffff:a.b.c.d is a.b.c.d
    with write_transaction():
        seen = AuditEvent.select().where(
            AuditEvent.action.in_((ADMIN_NEW_ADDRESS, )), AuditEvent.ip == ip).exists()
        if seen:
            return False
        audit.record(ADMIN_NEW_ADDRESS, actor=actor, target=ip, ip=ip)
    return True
