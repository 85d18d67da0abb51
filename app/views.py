"""Plain-dict views of the models for every JSON transport (CLI --json, admin API, exports).

Money is always an integer field ending in ``_micros``; times are ISO-8601 UTC with a ``Z``.
Nothing secret is ever included: no password hash, no key hash, no provider key.
"""

from datetime import datetime
from typing import Any

from app import groups
from app.models import (
    AdminToken,
    ApiKey,
    AuditEvent,
    IpBan,
    LedgerEntry,
    ModelPrice,
    Provider,
    RechargeRecord,
    RequestLog,
    User,
    UserGroup,
)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def user(u: User) -> dict[str, Any]:
    return {"id": u.id, "username": u.username, "email": u.email, "phone": u.phone,
            "role": u.role, "status": u.status, "balance_micros": u.balance_micros,
            "created_at": iso(u.created_at), "consent_version": u.consent_version,
            "consent_at": iso(u.consent_at), "has_password": bool(u.password_hash),
            "group": groups.group_name(u)}


def api_key(k: ApiKey) -> dict[str, Any]:
    return {"id": k.id, "username": k.user.username, "name": k.name, "prefix": k.prefix,
            "status": k.status, "allowed_models": k.allowed_models,
            "allowed_cidrs": k.allowed_cidrs, "expires_at": iso(k.expires_at),
            "created_at": iso(k.created_at), "last_used_at": iso(k.last_used_at),
            "rpm_limit": k.rpm_limit, "tpm_limit": k.tpm_limit,
            "concurrency_limit": k.concurrency_limit}


def provider(p: Provider, *, has_key: bool | None = None) -> dict[str, Any]:
    data = {"id": p.id, "name": p.name, "kind": p.kind, "base_url": p.base_url,
            "models": p.models, "model_map": p.model_map, "priority": p.priority,
            "weight": p.weight, "enabled": p.enabled, "health": p.health,
            "consecutive_failures": p.consecutive_failures,
            "cooldown_until": iso(p.cooldown_until), "last_error": p.last_error,
            "proxy": p.proxy, "proxy_auth": p.proxy_auth, "extra_headers": p.extra_headers,
            "ca_bundle": p.ca_bundle, "anthropic_base_url": p.anthropic_base_url,
            "responses_native": bool(p.responses_native)}  # proxy credentials: keyring only
    if has_key is not None:
        data["has_key"] = has_key
    return data


def price(p: ModelPrice) -> dict[str, Any]:
    return {"model": p.model, "input_micros": p.input_micros,
            "cached_input_micros": p.cached_input_micros, "output_micros": p.output_micros,
            "max_output_tokens": p.max_output_tokens,
            "unit": "per 1M tokens", "updated_at": iso(p.updated_at)}


def ledger_entry(e: LedgerEntry) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "amount_micros": e.amount_micros,
            "balance_after_micros": e.balance_after_micros, "reason": e.reason, "ref": e.ref,
            "actor": e.actor, "created_at": iso(e.created_at)}


def recharge(r: RechargeRecord) -> dict[str, Any]:
    return {"order_no": r.order_no, "username": r.user.username, "amount_micros": r.amount_micros,
            "method": r.method, "status": r.status, "created_at": iso(r.created_at),
            "paid_at": iso(r.paid_at), "refunded_micros": r.refunded_micros,
            "refunded_at": iso(r.refunded_at), "note": r.note}


def request_log(r: RequestLog) -> dict[str, Any]:
    return {"id": r.id, "created_at": iso(r.created_at), "request_id": r.request_id,
            "username": r.username, "api_key_id": r.api_key_id, "endpoint": r.endpoint,
            "model": r.model, "upstream_model": r.upstream_model, "provider": r.provider,
            "stream": r.stream,
            "prompt_tokens": r.prompt_tokens, "cached_tokens": r.cached_tokens,
            "completion_tokens": r.completion_tokens, "cost_micros": r.cost_micros,
            "status": r.status, "error_code": r.error_code, "duration_ms": r.duration_ms,
            "ttfb_ms": r.ttfb_ms, "client_ip": r.client_ip, "user_agent": r.user_agent,
            "estimated": r.estimated, "overrun": r.overrun, "failover_count": r.failover_count,
            "written_off_micros": r.written_off_micros}


def audit_event(a: AuditEvent) -> dict[str, Any]:
    return {"id": a.id, "created_at": iso(a.created_at), "actor": a.actor, "action": a.action,
            "target": a.target, "detail": a.detail, "ip": a.ip}


def admin_token(t: AdminToken) -> dict[str, Any]:
    """An admin token without its hash: the prefix is enough to recognise it."""
    return {"id": t.id, "name": t.name, "prefix": t.prefix, "status": t.status,
            "created_at": iso(t.created_at), "created_by": t.created_by,
            "last_used_at": iso(t.last_used_at), "last_used_ip": t.last_used_ip,
            "revoked_at": iso(t.revoked_at)}


def ip_ban(b: IpBan) -> dict[str, Any]:
    return {"id": b.id, "ip": b.ip, "reason": b.reason, "failures": b.failures,
            "created_at": iso(b.created_at), "until": iso(b.until),
            "lifted_at": iso(b.lifted_at), "lifted_by": b.lifted_by}


def group(g: UserGroup) -> dict[str, Any]:
    """A user group; ``user_count`` when it was listed with its users counted."""
    data = {"id": g.id, "name": g.name, "multiplier": groups.format_multiplier(g.multiplier_ppm),
            "multiplier_ppm": g.multiplier_ppm, "models": g.models,
            "description": g.description, "created_at": iso(g.created_at),
            "updated_at": iso(g.updated_at)}
    if hasattr(g, "user_count"):
        data["user_count"] = g.user_count
    return data
