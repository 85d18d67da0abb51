"""The audit trail: who did what to whom. Callers pass facts, never secrets."""

from typing import Any

from app.models import AuditEvent


def record(action: str, *, actor: str = "admin", target: str | None = None,
           detail: dict[str, Any] | None = None, ip: str | None = None) -> AuditEvent:
    """Append one audit event (inside the caller's transaction when there is one)."""
    return AuditEvent.create(actor=actor, action=action, target=target, detail=detail, ip=ip)


def recent(limit: int = 100, action: str | None = None) -> list[AuditEvent]:
    query = AuditEvent.select().order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(query)
