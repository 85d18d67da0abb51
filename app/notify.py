"""Service notifications by email: what RelayDesk tells a user (or the operator) and when.

Each function decides whether a mail is due and queues it through :mod:`app.mailqueue` in the
caller's transaction (a ``dedupe_key`` makes each go at most once); the relay's mail job sends
it. Texts are jinja2 templates in ``resources/mail/<lang>/`` (plain text and HTML). Security
alerts, password resets and policy notices always go; the kinds in :data:`OPTIONAL` can be
opted out of, and their mails carry an unsubscribe link that works without signing in.
"""

import logging
import secrets
from functools import cache
from typing import Any

import jinja2
from peewee import fn

from app import clock, mailqueue, settings, tls
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.models import (
    Announcement,
    IpBan,
    MailMessage,
    PasswordReset,
    RechargeRecord,
    SignIn,
    User,
)
from app.money import format_amount
from app.resources import resource

log = logging.getLogger(__name__)

LANGS = ("en", "zh_CN")
# Kinds a user may opt out of, in the order the portal lists them.
OPTIONAL = ("low_balance", "receipt", "announcement")
MAX_THRESHOLD_MICROS = 10**15
THRESHOLD = "Low-balance warning threshold"  # the setting's label, a field name refusals use


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource("mail")),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def render(kind: str, lang: str, **values: Any) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of mail ``kind`` in ``lang``. The subject is the text
    template's ``subject`` block."""
    env = _environment()
    values.setdefault("unsubscribe_url", None)
    text_template = env.get_template(f"{lang}/{kind}.txt")
    subject = "".join(text_template.blocks["subject"](text_template.new_context(values)))
    text = text_template.render(values)
    html = env.get_template(f"{lang}/{kind}.html").render(values)
    return " ".join(subject.split()), text, html


def mail_lang(user: User | None) -> str:
    """The user's portal language, else the relay's ``language`` setting (auto: English)."""
    if user is not None and user.lang in LANGS:
        return str(user.lang)
    chosen = settings.get("language")
    return chosen if chosen in LANGS else "en"


def base_url() -> str:
    """Where links in mail point: ``public_base_url`` when the operator has one, else the
    relay's own address on the LAN. Never taken from a request's Host header (a forged one
    would send reset links to an attacker's site)."""
    public = str(settings.get("public_base_url") or "").rstrip("/")
    if public:
        return public
    host = str(settings.get("relay_host") or "")
    if host in ("", "0.0.0.0", "::"):
        host = next(iter(tls.lan_ipv4_addresses()), "localhost")
    mode = settings.get("tls_mode")
    scheme = "https" if mode == "on" or (mode == "auto" and not tls.is_loopback(host)) else "http"
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{settings.get('relay_port')}"


def portal_link(path: str) -> str:
    return f"{base_url()}/portal{path}"


def _unsubscribe_token(user: User) -> str:
    """The user's unsubscribe token, made on first need (in the caller's transaction)."""
    if user.unsubscribe_token:
        return str(user.unsubscribe_token)
    token = secrets.token_urlsafe(24)
    with write_transaction():
        User.update(unsubscribe_token=token).where(
            (User.id == user.id) & User.unsubscribe_token.is_null()).execute()
        stored = str(User.get_by_id(user.id).unsubscribe_token)
    user.unsubscribe_token = stored
    return stored


def opted_out(user: User, kind: str) -> bool:
    return kind in OPTIONAL and kind in (user.email_opt_outs or [])


def _send(user: User, kind: str, dedupe_key: str | None, **values: Any) -> bool:
    """Queue mail ``kind`` for ``user`` unless they have no email or opted out; True when
    queued (False also when ``dedupe_key`` went before)."""
    if not user.email or user.status == "deleted" or opted_out(user, kind):
        return False
    lang = mail_lang(user)
    if kind in OPTIONAL:
        values["unsubscribe_url"] = portal_link(
            f"/unsubscribe/{_unsubscribe_token(user)}?kind={kind}")
    return _queue(user.email, kind, lang, dedupe_key, user.id, user=user.username, **values)


def _queue(to: str, kind: str, lang: str, dedupe_key: str | None, user_id: int | None,
           **values: Any) -> bool:
    """Render and queue one mail. A template or address that fails is logged and skipped: a
    notification must never undo the credit, ban or sign-in whose transaction it joins."""
    try:
        subject, text, html = render(kind, lang, **values)
        mail_kind = "security" if kind == "ban" else kind
        return mailqueue.enqueue(to, subject, text, html, kind=mail_kind, user_id=user_id,
                                 lang=lang, dedupe_key=dedupe_key) is not None
    except (jinja2.TemplateError, OSError, ValidationError):
        log.exception("could not queue the %s mail to user %s", kind, user_id)
        return False


# --- what other modules call -------------------------------------------------------------


def recharge_receipt(record: RechargeRecord) -> None:
    """A credited recharge (manual, gateway or redemption code): queue the user's receipt.
    Called inside the crediting transaction."""
    user = User.get_by_id(record.user_id)
    _send(user, "receipt", f"receipt:{record.order_no}", order_no=record.order_no,
          amount=format_amount(record.amount_micros), method=record.method,
          balance=format_amount(user.balance_micros), currency=settings.get("currency"),
          when=(record.paid_at or clock.now()).strftime("%Y-%m-%d %H:%M UTC"))


def signed_in(user_id: int, signin_id: int, lang: str | None = None) -> bool:
    """After a successful portal sign-in: remember the portal language the user reads, and
    queue a security alert when the browser/OS or the address is new for them (not for their
    very first sign-in). True when an alert was queued."""
    with write_transaction():
        user = User.get_by_id(user_id)
        if lang in LANGS and user.lang != lang:
            User.update(lang=lang).where(User.id == user_id).execute()
            user.lang = lang
        attempt = SignIn.get_by_id(signin_id)
        earlier = SignIn.select().where((SignIn.user == user_id) & SignIn.ok
                                        & (SignIn.id < attempt.id))
        if not earlier.exists():
            return False
        new_device = not earlier.where((SignIn.browser == attempt.browser)
                                       & (SignIn.os == attempt.os)).exists()
        new_address = not earlier.where(SignIn.ip == attempt.ip).exists()
        if not (new_device or new_address):
            return False
        return _send(user, "security", f"signin:{attempt.id}", browser=attempt.browser,
                     os=attempt.os, ip=attempt.ip or "?",
                     when=attempt.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                     profile_url=portal_link("/profile"),
                     reset_url=portal_link("/forgot"))


def address_banned(ban: IpBan) -> bool:
    """A new address ban: alert the operator (the ``operator_email`` setting), once per ban.
    Called inside the transaction that records the ban."""
    to = settings.get("operator_email")
    if not to:
        return False
    return _queue(to, "ban", mail_lang(None), f"ban:{ban.id}", None, ip=ban.ip,
                  reason=ban.reason, failures=ban.failures,
                  until=ban.until.strftime("%Y-%m-%d %H:%M UTC"))


def _reachable_users() -> list[User]:
    return list(User.select().where((User.role == "user") & (User.status == "active")
                                    & User.email.is_null(False) & (User.email != "")))


def announcement(row: Announcement) -> int:
    """Email an announcement to every active user who has not opted out; how many were
    queued. Called inside the transaction that posts it."""
    return sum(_send(user, "announcement", f"announcement:{row.id}:{user.id}",
                     title=row.title, body=row.body, home_url=portal_link("/"))
               for user in _reachable_users())


def policy_published(version: str) -> int:
    """A major privacy-policy version: email every user who consented to an earlier one
    (always sent: no opt-out). How many were queued."""
    return sum(_send(user, "policy", f"policy:{version}:{user.id}", version=version,
                     policy_url=portal_link("/policy"), consent_url=portal_link("/consent"))
               for user in _reachable_users() if user.consent_version)


# --- low-balance warnings ----------------------------------------------------------------


def low_balance_sweep() -> tuple[int, int]:
    """Warn users whose balance is below their threshold and who were not warned since they
    went below; clear the mark of those back at or above it. Run every minute by the relay
    (relay/notify_job.py), never on the request path. Returns (warned, cleared)."""
    default = int(settings.get("low_balance_threshold_micros"))
    threshold = fn.COALESCE(User.low_balance_threshold_micros, default)
    warned = 0
    below = list(User.select(User.id).where(
        (User.role == "user") & (User.status == "active") & ~User.low_balance_warned
        & (threshold > 0) & (User.balance_micros < threshold)))
    for row in below:
        with write_transaction():
            # Claim the crossing first: of two racing sweeps only one sees a row change.
            claimed = User.update(low_balance_warned=True).where(
                (User.id == row.id) & ~User.low_balance_warned
                & (threshold > 0) & (User.balance_micros < threshold)).execute()
            if not claimed:
                continue
            user = User.get_by_id(row.id)
            limit = (user.low_balance_threshold_micros
                     if user.low_balance_threshold_micros is not None else default)
            crossing = clock.now().strftime("%Y%m%d%H%M%S%f")
            warned += _send(user, "low_balance", f"low_balance:{user.id}:{crossing}",
                            balance=format_amount(user.balance_micros),
                            threshold=format_amount(limit), currency=settings.get("currency"),
                            recharge_url=portal_link("/recharges"))
    with write_transaction():
        cleared = User.update(low_balance_warned=False).where(
            User.low_balance_warned & ((threshold <= 0)
                                       | (User.balance_micros >= threshold))).execute()
    return warned, int(cleared)


# --- the user's own preferences ----------------------------------------------------------


def preferences(user_id: int) -> tuple[list[str], int | None]:
    """(kinds opted out of, own low-balance threshold or None for the global one)."""
    user = User.get_by_id(user_id)
    return list(user.email_opt_outs or []), user.low_balance_threshold_micros


def set_preferences(user_id: int, opt_outs: list[str], threshold_micros: int | None) -> None:
    """Save a user's opt-outs and threshold (None: the operator's global threshold;
    0: never warn)."""
    unknown = [kind for kind in opt_outs if kind not in OPTIONAL]
    if unknown:
        raise ValidationError("unknown notification {kind!r}", param="kind", kind=unknown[0])
    if threshold_micros is not None and not 0 <= threshold_micros <= MAX_THRESHOLD_MICROS:
        raise ValidationError("{field} is too large", param="threshold", field=THRESHOLD)
    chosen = [kind for kind in OPTIONAL if kind in opt_outs]
    with write_transaction():
        User.update(email_opt_outs=chosen or None,
                    low_balance_threshold_micros=threshold_micros).where(
            User.id == user_id).execute()


def unsubscribe_user(token: str) -> User:
    """The user an unsubscribe link names; NotFound for a wrong token."""
    user = User.get_or_none((User.unsubscribe_token == (token or "")[:64])
                            & (User.status != "deleted")) if token else None
    if user is None:
        raise NotFound("this unsubscribe link is not valid")
    return user


def unsubscribe(token: str, kind: str | None) -> list[str]:
    """Opt the link's user out of ``kind`` (None or unknown: every optional kind); returns
    what they are now opted out of."""
    with write_transaction():
        user = unsubscribe_user(token)
        kinds = set(user.email_opt_outs or []) | ({kind} if kind in OPTIONAL else set(OPTIONAL))
        chosen = [k for k in OPTIONAL if k in kinds]
        User.update(email_opt_outs=chosen).where(User.id == user.id).execute()
    return chosen


def mail_address(user_id: int) -> str | None:
    """The address a user's mail goes to (None: they get no mail)."""
    email: str | None = User.get_by_id(user_id).email
    return email or None


def forget_user(user_id: int) -> int:
    """Account deletion (inside its transaction): the user's queued and sent mail, reset links
    and notification settings go; mail holds their name and address. How many mails."""
    with write_transaction():
        mails = MailMessage.delete().where(MailMessage.user == user_id).execute()
        PasswordReset.delete().where(PasswordReset.user == user_id).execute()
        User.update(lang=None, low_balance_threshold_micros=None, low_balance_warned=False,
                    email_opt_outs=None, unsubscribe_token=None).where(
            User.id == user_id).execute()
    return int(mails)
