"""Sending one queued email over SMTP: the settings (app.settings ``smtp_*``, ``mail_from``),
the password (OS keyring, or ``RELAYDESK_SMTP_PASSWORD`` on a headless server), the MIME
message (plain text with an HTML alternative) and the smtplib conversation.

Everything here blocks (D-Bus, sockets): the relay's mail job calls it in a worker thread. The
password never reaches a log, an exception text or the database: :func:`describe_error` makes the
short text stored as ``last_error`` and scrubs the password from it in case a server echoes it.
"""

import os
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from app import accounts, keystore, settings
from app.errors import KeystoreUnavailable, ValidationError
from app.models import MailMessage

SECRET_KIND = "smtp"
SECRET_NAME = "password"
ENV_PASSWORD = "RELAYDESK_SMTP_PASSWORD"
TIMEOUT_S = 30.0
ERROR_MAX = 500  # MailMessage.last_error
# Short names (CLI options, admin API fields) -> setting keys.
SETTING_NAMES = {"host": "smtp_host", "port": "smtp_port", "security": "smtp_security",
                 "username": "smtp_username", "sender": "mail_from"}


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """What one SMTP session needs; ``repr`` leaves the password out."""

    host: str
    port: int
    security: str  # none|starttls|ssl
    username: str
    from_addr: str
    password: str | None = field(default=None, repr=False)
    timeout: float = TIMEOUT_S

    @property
    def configured(self) -> bool:
        return bool(self.host and self.from_addr)


def password() -> str | None:
    """The SMTP password: the environment variable first (headless servers), else the keyring."""
    return os.environ.get(ENV_PASSWORD) or keystore.get_secret(SECRET_KIND, SECRET_NAME)


def has_password() -> bool:
    return password() is not None


def set_password(secret: str | None) -> None:
    """Store the password in the OS keyring (empty or None removes it); never anywhere else."""
    if not secret:
        keystore.delete_secret(SECRET_KIND, SECRET_NAME)
        return
    if not keystore.backend_usable():
        raise KeystoreUnavailable(keystore.NO_KEYRING_HELP, env=ENV_PASSWORD)
    keystore.set_secret(SECRET_KIND, SECRET_NAME, secret)


def settings_view() -> dict[str, object]:
    """The SMTP settings by short name, and whether a password is stored (never the password;
    a keyring call)."""
    return {**{name: settings.get(key) for name, key in SETTING_NAMES.items()},
            "password": "set" if has_password() else "not set"}


def parse_settings(values: dict[str, Any]) -> dict[str, Any]:
    """Setting key -> value, each checked (all before any is written); the sender must be an
    email address or empty."""
    parsed = {key: settings.parse(key, value) for key, value in values.items()}
    if parsed.get("mail_from"):
        try:
            accounts.validate_email(parsed["mail_from"])
        except ValidationError as exc:
            raise ValidationError(exc.template, param="mail_from", **exc.values) from None
    return parsed


def load_settings() -> SmtpConfig:
    """The SMTP settings without the password (a database read only)."""
    return SmtpConfig(host=str(settings.get("smtp_host")).strip(),
                      port=int(settings.get("smtp_port")),
                      security=str(settings.get("smtp_security")),
                      username=str(settings.get("smtp_username")).strip(),
                      from_addr=str(settings.get("mail_from")).strip())


def with_password(config: SmtpConfig) -> SmtpConfig:
    """``config`` with the password filled in (a keyring call: not on the event loop)."""
    return SmtpConfig(config.host, config.port, config.security, config.username,
                      config.from_addr, password() if config.username else None, config.timeout)


def _one_line(value: str, what: str) -> str:
    """A last guard against header injection (enqueue and the settings check these already)."""
    if any(c in value for c in "\r\n\x00"):
        raise ValueError(f"the {what} header has a line break")
    return value


def build_message(row: MailMessage, from_addr: str) -> EmailMessage:
    """The MIME message of a queued row: text/plain, plus text/html as an alternative."""
    msg = EmailMessage()
    msg["From"] = _one_line(from_addr, "mail_from")
    msg["To"] = _one_line(row.to_addr, "to")
    msg["Subject"] = _one_line(row.subject, "subject")
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    domain = from_addr.rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(f"relaydesk.{row.id}", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to us
    msg.set_content(row.text_body)
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html")
    if row.lang:  # after the content: set_content() drops Content-* headers
        msg["Content-Language"] = row.lang.replace("_", "-")
    return msg


def tls_context() -> ssl.SSLContext:
    """Certificates verified against the system's authorities (``SSL_CERT_FILE`` honoured)."""
    return ssl.create_default_context()


def send(config: SmtpConfig, msg: EmailMessage) -> None:
    """Deliver ``msg`` to the SMTP server; raises on any failure (see :func:`describe_error`)."""
    client: smtplib.SMTP
    if config.security == "ssl":
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout,
                                  context=tls_context())
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        client.ehlo()
        if config.security == "starttls":
            client.starttls(context=tls_context())
            client.ehlo()
        if config.username:
            client.login(config.username, config.password or "")
        client.send_message(msg)


def describe_error(exc: BaseException, secret: str | None = None) -> str:
    """A short text for ``last_error`` and the operator: the kind of failure and the server's
    answer, with the password (if a server echoed it) replaced."""
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error
        reply = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
        text = f"SMTP {exc.smtp_code}: {reply}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "recipient refused: " + "; ".join(
            f"{code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
            for code, msg in exc.recipients.values())
    elif isinstance(exc, socket.timeout | TimeoutError):
        text = "timed out talking to the SMTP server"
    elif isinstance(exc, ConnectionRefusedError):
        text = "connection refused by the SMTP server"
    elif isinstance(exc, ssl.SSLError):
        text = f"TLS failed: {exc.reason or exc}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    if secret:
        text = text.replace(secret, "***")
    return text[:ERROR_MAX]
