"""Operator settings: typed, validated, with defaults, stored as text rows."""

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app import audit, events
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.models import Setting

# The checkers are shared by many settings: they name a generic field, which parse() replaces
# with the setting's label.
ANY_FIELD = "The value"


def _int_range(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError("{field} must be a whole number, not {value!r}",
                                  field=ANY_FIELD, value=value) from None
        if not low <= number <= high:
            raise ValidationError("{field} must be between {low} and {high}", field=ANY_FIELD,
                                  low=low, high=high)
        return number
    return check


def _choice(*options: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = str(value).strip()
        if text not in options:
            raise ValidationError("{field} must be one of {options}", field=ANY_FIELD,
                                  options=", ".join(options))
        return text
    return check


def _cidr_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [
        v for v in str(value).replace(",", " ").split() if v]
    result = []
    for item in items:
        try:
            result.append(str(ipaddress.ip_network(str(item).strip(), strict=False)))
        except ValueError:
            raise ValidationError("{field}: {item!r} is not an IP address or network (such as "
                                  "192.168.1.10 or 192.168.1.0/24)",
                                  field=ANY_FIELD, item=item) from None
    return result


def _currency(value: Any) -> str:
    text = str(value).strip().upper()
    if len(text) != 3 or not text.isalpha():
        raise ValidationError("{field} must be a 3-letter code such as CNY", field=ANY_FIELD)
    return text


def _http_url(value: Any) -> str:
    """Payments (issue 17): an http(s) base address without a trailing slash, or empty."""
    text = str(value).strip().rstrip("/")
    if text and (not text.startswith(("http://", "https://")) or len(text) > 300
                 or any(c.isspace() or ord(c) < 32 for c in text)):
        raise ValidationError("{field} must be an http:// or https:// address",
                              field=ANY_FIELD)
    return text


def _short_text(value: Any) -> str:
    """Payments (issue 17): a merchant id or appid, one line."""
    text = str(value).strip()
    if len(text) > 64 or any(c.isspace() or ord(c) < 32 for c in text):
        raise ValidationError("{field} must be at most 64 characters without spaces",
                              field=ANY_FIELD)
    return text


def _optional_email(value: Any) -> str:
    """An email address or "" (notifications' operator_email)."""
    from app.accounts import validate_email  # accounts builds on this module

    return validate_email(str(value or ""), required=False) or ""


@dataclass(frozen=True, slots=True)
class Spec:
    """``label`` names the setting in words, as the Settings page does, for error messages."""

    default: Any
    parse: Callable[[Any], Any]
    description: str
    label: str


SPECS: dict[str, Spec] = {
    "currency": Spec("CNY", _currency, "Currency of balances and prices",
                     label="Currency"),
    "relay_host": Spec("0.0.0.0", str, "Address the relay listens on",
                       label="Relay address"),
    "relay_port": Spec(8765, _int_range(0, 65535), "Relay TCP port",
                       label="Relay port"),
    "log_retention_days": Spec(90, _int_range(1, 3650), "Days request logs are kept",
                               label="Days to keep request logs"),
    "payment_retention_days": Spec(365, _int_range(1, 3650), "Days payment records are kept",
                                   label="Days to keep payment records"),
    "security_retention_days": Spec(90, _int_range(1, 3650), "Days login/security events kept",
                                    label="Days to keep login and security events"),
    "default_max_tokens": Spec(4096, _int_range(1, 10_000_000),
                               "Completion tokens reserved when a request gives no max_tokens",
                               label="Default completion tokens"),
    "reservation_lease_seconds": Spec(60, _int_range(1, 3600),
                                      "Seconds an in-flight reservation survives a crashed relay",
                                      label="Reservation lease"),
    "admin_ip_whitelist": Spec(["127.0.0.1/32", "::1/128"], _cidr_list,
                               "CIDRs allowed to use the admin API",
                               label="Admin IP allow-list"),
    "policy_version": Spec("", str, "Privacy policy version in force (YYYY-MM-DD)",
                           label="Privacy policy version"),
    "policy_major_version": Spec("", str, "Latest policy version users must accept again",
                                 label="Privacy policy major version"),
    "language": Spec("auto", _choice("auto", "en", "zh_CN"), "Interface language",
                     label="Language"),
    "backup_interval_hours": Spec(24, _int_range(0, 8760),
                                  "Hours between automatic database backups (0 = off)",
                                  label="Hours between backups"),
    "backup_keep": Spec(7, _int_range(1, 1000), "Database backups kept (newest first)",
                        label="Backups kept"),
    # Security (issue 6). CIDR lists are validated; an empty relay allowlist admits any address.
    "relay_allowed_cidrs": Spec([], _cidr_list,
                                "CIDRs allowed to call /v1 at all (empty = any address)",
                                label="Clients allowed to use the relay"),
    "trusted_proxies": Spec([], _cidr_list,
                            "Reverse proxies whose X-Forwarded-For is believed",
                            label="Trusted reverse proxies"),
    "rate_limit_rpm": Spec(0, _int_range(0, 1_000_000),
                           "Default requests per minute per key (0 = unlimited)",
                           label="Requests per minute, per key"),
    "rate_limit_tpm": Spec(0, _int_range(0, 1_000_000_000),
                           "Default tokens per minute per key (0 = unlimited)",
                           label="Tokens per minute, per key"),
    "rate_limit_concurrency": Spec(0, _int_range(0, 10_000),
                                   "Default concurrent requests per key (0 = unlimited)",
                                   label="Concurrent requests per key"),
    "ban_threshold": Spec(10, _int_range(0, 10_000),
                          "Invalid keys or failed logins from one address before a ban "
                          "(0 = never ban)",
                          label="Failures before a ban"),
    "ban_window_seconds": Spec(300, _int_range(1, 86_400),
                               "Window in which those failures are counted",
                               label="Counting period for failures"),
    "ban_minutes": Spec(15, _int_range(1, 525_600), "How long a ban lasts",
                        label="Ban length"),
    "max_body_mb": Spec(32, _int_range(1, 100), "Largest request body accepted, in MB",
                        label="Largest request"),
    "tls_mode": Spec("auto", _choice("auto", "on", "off"),
                     "HTTPS: auto = on when listening beyond loopback",
                     label="HTTPS"),
    "tls_cert_file": Spec("", str, "Operator's certificate (PEM); empty = self-signed",
                          label="HTTPS certificate file"),
    "tls_key_file": Spec("", str, "Operator's private key (PEM) for tls_cert_file",
                         label="HTTPS private key file"),
    # Hostile and idle connections (relay/lowlevel.py, relay/connlimit.py): at relay start.
    "header_timeout_seconds": Spec(10, _int_range(1, 300),
                                   "A new connection's first request head must arrive within",
                                   label="Request head timeout"),
    "keepalive_timeout_seconds": Spec(30, _int_range(1, 3600),
                                      "An idle keep-alive connection is closed after",
                                      label="Idle connection timeout"),
    "body_timeout_seconds": Spec(30, _int_range(1, 3600),
                                 "A request's body must arrive whole within",
                                 label="Request body timeout"),
    "max_connections_per_ip": Spec(256, _int_range(0, 1_000_000),
                                   "Open connections per client address (0 = no limit)",
                                   label="Connections per client address"),
    "upstream_read_timeout_seconds": Spec(300, _int_range(1, 3600),
                                          "Longest silence tolerated from a provider",
                                          label="Provider silence timeout"),
    "stream_write_timeout_seconds": Spec(30, _int_range(1, 3600),
                                         "A stream client that stops reading is dropped after",
                                         label="Stream client timeout"),
    # The user portal (issue 16). "closed" keeps an existing operator's relay as it was.
    "registration_mode": Spec("closed", _choice("closed", "invite", "open"),
                              "Who may register on the user portal: closed, invite or open",
                              label="Registration"),
    "session_idle_minutes": Spec(120, _int_range(5, 10_080),
                                 "A portal session unused this long ends",
                                 label="Portal sign-out after inactivity"),
    "session_absolute_hours": Spec(168, _int_range(1, 8760),
                                   "A portal session ends this long after sign-in, in use or not",
                                   label="Portal session lifetime"),
    # --- payments (issue 17): add payment settings right below this line ---
    "payments_epay_url": Spec("", _http_url, "Epay gateway address (submit.php and api.php "
                              "are under it); empty turns Epay off", label="Epay gateway URL"),
    "payments_epay_pid": Spec("", _short_text, "Epay merchant id (pid); the merchant key is "
                              "in the keyring", label="Epay merchant id"),
    "payments_hupijiao_url": Spec("https://api.xunhupay.com", _http_url,
                                  "HupiJiao gateway address (payment/do.html is under it)",
                                  label="HupiJiao gateway URL"),
    "payments_hupijiao_appid": Spec("", _short_text, "HupiJiao appid; empty turns HupiJiao off "
                                    "(the appsecret is in the keyring)", label="HupiJiao appid"),
    "public_base_url": Spec("", _http_url, "Address the internet reaches this relay at (for "
                            "gateway notifies); empty: orders are confirmed by asking the gateway",
                            label="Public base URL"),
    "payments_order_expiry_minutes": Spec(30, _int_range(5, 1440),
                                          "An unpaid top-up order expires after",
                                          label="Top-up order expiry"),
    # --- mail (issue 17): add SMTP settings right below this line ---
    "smtp_host": Spec("", str, "SMTP server that sends RelayDesk's email (empty = no email)",
                      label="SMTP server"),
    "smtp_port": Spec(587, _int_range(1, 65535), "SMTP port (587 STARTTLS, 465 SSL, 25 none)",
                      label="SMTP port"),
    "smtp_security": Spec("starttls", _choice("none", "starttls", "ssl"),
                          "SMTP connection security: none, starttls or ssl",
                          label="SMTP security"),
    "smtp_username": Spec("", str, "SMTP user name (empty = no login); the password is in the "
                          "OS keyring", label="SMTP user name"),
    "mail_from": Spec("", str, "Sender address of RelayDesk's email", label="Sender address"),
    # --- notifications (issue 17): add notification settings right below this line ---
    "low_balance_threshold_micros": Spec(
        1_000_000, _int_range(0, 10**15),
        "Users are emailed once when their balance falls below this, in micro-units "
        "(0 = never; a user may set their own)", label="Low-balance warning threshold"),
    "operator_email": Spec("", _optional_email,
                           "Where security alerts for the operator (address bans) are sent",
                           label="Operator's email"),
}


def _spec(key: str) -> Spec:
    if key not in SPECS:
        raise NotFound("there is no setting called {key!r}; the settings are: {known}",
                       param="key", key=key, known=", ".join(sorted(SPECS)))
    return SPECS[key]


def get(key: str) -> Any:
    spec = _spec(key)
    row = Setting.get_or_none(Setting.key == key)
    return spec.default if row is None else json.loads(row.value)


def parse(key: str, value: Any) -> Any:
    """``value`` checked and normalised for setting ``key``; a refusal names the setting by its
    label ("Admin IP allow-list") and carries ``key`` as its ``param``."""
    spec = _spec(key)
    try:
        return spec.parse(value)
    except ValidationError as exc:
        raise ValidationError(exc.template, param=key,
                              **{**exc.values, "field": spec.label}) from None


def set(key: str, value: Any, *, actor: str = "admin") -> Any:  # noqa: A001 - service verb
    parsed = parse(key, value)
    with write_transaction():
        Setting.insert(key=key, value=json.dumps(parsed)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(parsed)}).execute()
        audit.record("setting.set", actor=actor, target=key, detail={"value": parsed})
    events.emit(events.SETTINGS)
    return parsed


def all_settings() -> dict[str, Any]:
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return {key: stored.get(key, spec.default) for key, spec in SPECS.items()}
