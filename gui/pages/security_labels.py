"""How security events, ban reasons and token states read on the Security page.

Audit details hold facts, never secrets (app/audit.py); the summaries below still only pick
known, harmless fields, and the fallback skips anything whose name suggests a secret.
"""

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app import bans
from app.models import AuditEvent

SETTING_CHANGED = "setting.set"
translate = QCoreApplication.translate  # lupdate reads the context from each call
_SECRET_WORDS = ("password", "secret", "token_hash", "plaintext", "api_key", "key_hash")


def local_time(value: datetime | str | None) -> str:
    """Stored times are naive UTC; the operator reads local time, to the second."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def action_labels() -> dict[str, str]:
    """Every action the page lists (app.bans.SECURITY_ACTIONS and setting changes)."""
    return {
        bans.BANNED: translate("SecurityLabels", "Address banned"),
        bans.UNBANNED: translate("SecurityLabels", "Ban lifted"),
        bans.ADMIN_DENIED: translate("SecurityLabels", "Admin API access refused"),
        bans.ADMIN_NEW_ADDRESS: translate("SecurityLabels", "Admin access from a new address"),
        "admin.login": translate("SecurityLabels", "Admin signed in"),
        "admin.login_failed": translate("SecurityLabels", "Admin sign-in failed"),
        "admin.lockout": translate("SecurityLabels", "Admin sign-in locked"),
        "admin.password_change": translate("SecurityLabels", "Admin password changed"),
        "admin_token.create": translate("SecurityLabels", "Admin token created"),
        "admin_token.revoke": translate("SecurityLabels", "Admin token revoked"),
        "user.delete": translate("SecurityLabels", "User deleted"),
        "consent.withdraw": translate("SecurityLabels", "Consent withdrawn"),
        "backup.restore": translate("SecurityLabels", "Backup restored"),
        SETTING_CHANGED: translate("SecurityLabels", "Security setting changed"),
    }


def setting_labels() -> dict[str, str]:
    """Names of the settings whose changes are security events (app.bans.SECURITY_SETTINGS)."""
    return {
        "admin_ip_whitelist": translate("SecurityLabels", "Admin IP whitelist"),
        "relay_allowed_cidrs": translate("SecurityLabels", "Clients allowed to use the relay"),
        "trusted_proxies": translate("SecurityLabels", "Trusted reverse proxies"),
        "ban_threshold": translate("SecurityLabels", "Failures before a ban"),
        "ban_window_seconds": translate("SecurityLabels", "Period failures are counted in"),
        "ban_minutes": translate("SecurityLabels", "Ban length"),
        "tls_mode": translate("SecurityLabels", "HTTPS"),
        "tls_cert_file": translate("SecurityLabels", "HTTPS certificate file"),
        "tls_key_file": translate("SecurityLabels", "HTTPS private key file"),
    }


def reason_labels() -> dict[str, str]:
    """Why an address was banned (IpBan.reason)."""
    return {"invalid_api_key": translate("SecurityLabels", "Invalid API keys"),
            "admin_auth": translate("SecurityLabels", "Failed admin API sign-ins"),
            "login": translate("SecurityLabels", "Failed sign-ins"),
            "manual": translate("SecurityLabels", "Banned by the operator")}


def tls_mode_labels() -> dict[str, str]:
    return {"auto": translate("SecurityLabels", "automatic"),
            "on": translate("SecurityLabels", "on"),
            "off": translate("SecurityLabels", "off")}


def token_status(status: str) -> str:
    if status == "active":
        return translate("SecurityLabels", "Active")
    return translate("SecurityLabels", "Revoked")


def action_label(action: str) -> str:
    return action_labels().get(action, action)


def reason_label(reason: str) -> str:
    return reason_labels().get(reason, reason)


def actor_text(actor: str) -> str:
    """Who acted: the program's own actors read as words, an admin token by its name."""
    if actor == "admin":
        return translate("SecurityLabels", "Administrator")
    if actor == "relay":
        return translate("SecurityLabels", "Relay (automatic)")
    if actor.startswith("token:"):
        return translate("SecurityLabels", "Admin token “{name}”").format(name=actor[6:])
    return actor


def target_text(event: AuditEvent) -> str:
    """What the event is about; a setting reads by its name, not its key."""
    if event.action == SETTING_CHANGED and event.target:
        return setting_labels().get(event.target, event.target)
    return event.target or ""


def _setting_value(key: str | None, value: Any) -> str:
    if isinstance(value, list):
        if not value:
            return translate("SecurityLabels", "(empty list)")
        return ", ".join(str(v) for v in value)
    if key == "tls_mode":
        return tls_mode_labels().get(str(value), str(value))
    if key == "ban_threshold" and value == 0:
        return translate("SecurityLabels", "never ban")
    if value == "":
        return translate("SecurityLabels", "(none)")
    return str(value)


def summary(event: AuditEvent) -> str:
    """One line about the event's details, from known fields only."""
    detail: dict[str, Any] = event.detail if isinstance(event.detail, dict) else {}
    action = event.action
    if action == bans.BANNED:
        parts = [reason_label(str(detail.get("reason", "")))]
        if detail.get("failures"):
            parts.append(translate("SecurityLabels", "{n} failures").format(n=detail["failures"]))
        if detail.get("minutes"):
            parts.append(translate("SecurityLabels", "for {n} minutes").format(n=detail["minutes"]))
        return "; ".join(p for p in parts if p)
    if action == SETTING_CHANGED:
        value = _setting_value(event.target, detail.get("value"))
        return translate("SecurityLabels", "Now: {value}").format(value=value)
    if action == "admin.lockout":
        return translate("SecurityLabels", "{n} failed attempts; locked until {time}").format(
            n=detail.get("failures", "?"), time=local_time(detail.get("until")))
    if action in ("admin_token.create", "admin_token.revoke") and detail.get("prefix"):
        return translate("SecurityLabels", "Token {prefix}").format(prefix=detail["prefix"])
    if action == "user.delete":
        return translate("SecurityLabels", "{keys} API keys deleted, {logs} request logs "
                                           "de-identified").format(
            keys=detail.get("api_keys_deleted", 0), logs=detail.get("request_logs_deidentified", 0))
    if action == "consent.withdraw":
        return translate("SecurityLabels", "{n} API keys revoked").format(
            n=detail.get("api_keys_revoked", 0))
    if action == "backup.restore" and detail.get("kept_aside"):
        return translate("SecurityLabels", "The replaced database was kept as {name}").format(
            name=detail["kept_aside"])
    return _fallback(detail)


def _fallback(detail: dict[str, Any]) -> str:
    """Scalar fields as ``name: value``, skipping anything that could name a secret."""
    parts = []
    for name, value in detail.items():
        if any(word in name.lower() for word in _SECRET_WORDS):
            continue
        if isinstance(value, (str, int, float, bool)):
            parts.append(f"{name}: {value}")
    return "; ".join(parts)
