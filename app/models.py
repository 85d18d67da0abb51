"""The data model. Every table lives here so a reader sees the whole schema in one file.

Money columns are integer micro-units (``*_micros``); times are naive UTC. Changing a model means
adding a numbered migration in :mod:`app.migrations`.
"""

import json
from typing import Any

from peewee import (
    SQL,
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from app import clock
from app.db import database


class JSONField(TextField):
    """JSON stored as text: portable across SQLite and PostgreSQL."""

    def db_value(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


class BaseModel(Model):
    # For the type checker only: peewee adds this primary key at run time (Setting has its own).
    id: "AutoField[int]"

    class Meta:
        database = database
        legacy_table_names = False


class UserGroup(BaseModel):
    """Users priced and limited alike (migration 8). "default" always exists."""

    name = CharField(max_length=64, unique=True)
    # Exact price multiplier in parts per million: 1_000_000 is 1.0, so billing stays integer.
    multiplier_ppm = BigIntegerField(default=1_000_000)
    models = JSONField(null=True)  # list[str] or None for "every priced model"
    description = CharField(max_length=300, null=True)
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)


class User(BaseModel):
    """A person who calls the relay (role ``user``) or administers it (role ``admin``)."""

    username = CharField(max_length=64, unique=True)
    email = CharField(max_length=254, null=True)
    phone = CharField(max_length=32, null=True)
    password_hash = CharField(max_length=100, null=True)
    role = CharField(max_length=16, default="user")
    status = CharField(max_length=16, default="active", index=True)  # active|disabled|deleted
    balance_micros = BigIntegerField(default=0)
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)
    consent_version = CharField(max_length=32, null=True)
    consent_at = DateTimeField(null=True)
    # NULL reads as the "default" group; the service always sets it (migration 8).
    group = ForeignKeyField(UserGroup, null=True, backref="users", on_delete="SET NULL")
    group_id: int | None
    # Notifications (migration 15): the language mail is written in (None: the relay's
    # setting), the low-balance threshold (None: the global setting), whether this crossing
    # below it was warned of, the mail kinds opted out of, and the unsubscribe links' token.
    lang = CharField(max_length=8, null=True)
    low_balance_threshold_micros = BigIntegerField(null=True)
    # A database default too: rows inserted by older code (or by hand) read as not warned.
    low_balance_warned = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    email_opt_outs = JSONField(null=True)
    unsubscribe_token = CharField(max_length=64, null=True, unique=True)


class ApiKey(BaseModel):
    """A relay API key. Only a SHA-256 of the key is stored; the key itself is shown once."""

    user = ForeignKeyField(User, backref="api_keys", on_delete="CASCADE")
    name = CharField(max_length=64, default="default")
    key_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=32)
    allowed_models = JSONField(null=True)  # list[str] or None for "any priced model"
    allowed_cidrs = JSONField(null=True)  # list[str] or None for "any address"
    expires_at = DateTimeField(null=True)
    status = CharField(max_length=16, default="active")  # active|revoked
    created_at = DateTimeField(default=clock.now)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
    # Rate limits: None follows the operator's default setting, 0 means unlimited.
    rpm_limit = IntegerField(null=True)
    tpm_limit = IntegerField(null=True)
    concurrency_limit = IntegerField(null=True)
    # The operator set this key's limits (migration 11): a ceiling its user cannot change in
    # the portal.
    limits_locked = BooleanField(default=False)


class Provider(BaseModel):
    """An upstream AI provider. Its API key lives in the OS keyring, never in this table."""

    name = CharField(max_length=64, unique=True)
    kind = CharField(max_length=16)  # deepseek|zhipu|dashscope|openai
    base_url = CharField(max_length=500)
    models = JSONField(default=list)  # client-visible model names this provider serves
    model_map = JSONField(default=dict)  # client model -> upstream model name
    priority = IntegerField(default=0)
    weight = IntegerField(default=1)
    enabled = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)
    # Health, written by the relay on state changes so every process (and the CLI) sees it.
    health = CharField(max_length=16, default="unknown")  # unknown|healthy|cooling
    consecutive_failures = IntegerField(default=0)
    cooldown_until = DateTimeField(null=True)
    last_error = CharField(max_length=300, null=True)
    last_checked_at = DateTimeField(null=True)
    # How to reach it (migration 6). proxy: NULL (direct), "system" (the environment's
    # *_PROXY variables) or scheme://host:port; its user:password lives in the keyring, and
    # proxy_auth says whether there is one, so the relay looks it up only then.
    proxy = CharField(max_length=500, null=True)
    proxy_auth = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    extra_headers = JSONField(default=dict, constraints=[SQL("DEFAULT '{}'")])  # name -> value
    ca_bundle = CharField(max_length=1000, null=True)  # PEM file trusted besides the system's
    # Where the provider serves the Anthropic Messages API (DeepSeek's and Zhipu's /anthropic):
    # /v1/messages then passes through instead of being translated (migration 16).
    anthropic_base_url = CharField(max_length=500, null=True)
    # The provider serves /v1/responses itself: passed through instead of translated.
    responses_native = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    # The last Test button result (migration 7), so it survives a restart.
    last_test_at = DateTimeField(null=True)
    last_test_ok = BooleanField(null=True)
    last_test_ms = IntegerField(null=True)
    last_test_message = CharField(max_length=300, null=True)


class ModelPrice(BaseModel):
    """Operator's price for one model, in micro-units per 1,000,000 tokens."""

    model = CharField(max_length=128, unique=True)
    input_micros = BigIntegerField()
    cached_input_micros = BigIntegerField()
    output_micros = BigIntegerField()
    # The most completion tokens a request may ask for (and what the relay asks for when the
    # client names none); None: the ``default_max_tokens`` setting.
    max_output_tokens = IntegerField(null=True)
    updated_at = DateTimeField(default=clock.now)


class LedgerEntry(BaseModel):
    """One immutable balance change. ``User.balance_micros`` always equals the sum of these."""

    user = ForeignKeyField(User, backref="ledger", on_delete="CASCADE")
    user_id: int  # peewee's accessor for the raw column (annotation only, for the type checker)
    kind = CharField(max_length=24)  # recharge|refund|adjustment|hold|release|charge|carry_forward
    amount_micros = BigIntegerField()
    balance_after_micros = BigIntegerField()
    reason = CharField(max_length=500, null=True)
    # Not indexed: nothing looks entries up by ref, and the relay's refs are random request ids,
    # so an index would take three writes at random places per request (migration 4).
    ref = CharField(max_length=64, null=True)
    actor = CharField(max_length=64, null=True)
    created_at = DateTimeField(default=clock.now, index=True)


class RechargeRecord(BaseModel):
    """A payment that credited a balance (manual now, online gateways later)."""

    order_no = CharField(max_length=40, unique=True)
    user = ForeignKeyField(User, backref="recharges", on_delete="CASCADE")
    user_id: int
    amount_micros = BigIntegerField()
    method = CharField(max_length=32, default="manual")
    status = CharField(max_length=24, default="paid")  # pending|expired|paid|(partially_)refunded
    created_at = DateTimeField(default=clock.now, index=True)
    paid_at = DateTimeField(null=True)
    refunded_micros = BigIntegerField(default=0)
    refunded_at = DateTimeField(null=True)
    note = CharField(max_length=500, null=True)
    # Online top-ups (issue 17, migration 13): pending until the gateway confirms, expired after.
    gateway = CharField(max_length=16, null=True)  # epay|hupijiao; None for manual recharges
    trade_no = CharField(max_length=64, null=True)  # the gateway's own trade number
    pay_type = CharField(max_length=16, null=True)  # alipay|wxpay
    expires_at = DateTimeField(null=True)


class Reservation(BaseModel):
    """Money held for an in-flight relay request; settled or expired, never left held.

    The lease is extended while the request runs; a reservation whose lease lapsed belongs to a
    crashed process and is settled by recovery (billing the last checkpointed estimate).
    """

    # Only in-flight requests live here, so a scan is cheap: every hold inserts a row and every
    # settlement deletes it, and each extra index is pages written on the hot path.
    request_id = CharField(max_length=40, unique=True)
    user = ForeignKeyField(User, backref="reservations", on_delete="CASCADE", index=False)
    api_key = ForeignKeyField(ApiKey, null=True, on_delete="SET NULL", index=False)
    user_id: int
    api_key_id: int | None
    model = CharField(max_length=128)
    amount_micros = BigIntegerField()
    delivered_micros = BigIntegerField(default=0)  # checkpointed estimate of what was delivered
    created_at = DateTimeField(default=clock.now)
    lease_until = DateTimeField()


class RequestLog(BaseModel):
    """One relayed request: metering facts only, never prompt or completion text."""

    created_at = DateTimeField(default=clock.now, index=True)
    request_id = CharField(max_length=40)  # random: not indexed, nothing looks it up (migration 4)
    # Indexed by the (user, created_at) index below, whose leading column serves user lookups.
    user = ForeignKeyField(User, null=True, backref="request_logs", on_delete="SET NULL",
                           index=False)
    api_key = ForeignKeyField(ApiKey, null=True, on_delete="SET NULL")
    api_key_id: int | None
    username = CharField(max_length=64, null=True)
    model = CharField(max_length=128, null=True)
    upstream_model = CharField(max_length=128, null=True)
    provider = CharField(max_length=64, null=True)
    stream = BooleanField(default=False)
    prompt_tokens = IntegerField(default=0)
    cached_tokens = IntegerField(default=0)
    completion_tokens = IntegerField(default=0)
    cost_micros = BigIntegerField(default=0)
    status = IntegerField(default=200)
    error_code = CharField(max_length=64, null=True)
    duration_ms = IntegerField(default=0)
    ttfb_ms = IntegerField(null=True)
    client_ip = CharField(max_length=64, null=True)
    user_agent = CharField(max_length=300, null=True)
    estimated = BooleanField(default=False)
    overrun = BooleanField(default=False)
    failover_count = IntegerField(default=0)
    # The API route the client called, e.g. /v1/messages (migration 16; NULL before it).
    endpoint = CharField(max_length=32, null=True)
    # What the provider reported beyond the request's hold: the operator's loss, never the
    # user's debt (a balance never goes below zero).
    written_off_micros = BigIntegerField(default=0, constraints=[SQL("DEFAULT 0")])

    class Meta:
        indexes = ((("user", "created_at"), False),)


class Setting(BaseModel):
    """Operator settings as text; types and defaults live in :mod:`app.settings`."""

    key = CharField(max_length=64, primary_key=True)
    value = TextField()


class AuditEvent(BaseModel):
    """Who did what to whom, and when. Records the action, never the secret or deleted data."""

    created_at = DateTimeField(default=clock.now, index=True)
    actor = CharField(max_length=64)
    action = CharField(max_length=64, index=True)
    target = CharField(max_length=128, null=True)
    detail = JSONField(null=True)
    ip = CharField(max_length=64, null=True)


class AdminToken(BaseModel):
    """A bearer token for the remote admin API. Only its SHA-256 is stored; shown once."""

    name = CharField(max_length=64)
    token_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=32)
    status = CharField(max_length=16, default="active")  # active|revoked
    created_at = DateTimeField(default=clock.now)
    created_by = CharField(max_length=64, default="admin")
    last_used_at = DateTimeField(null=True)
    last_used_ip = CharField(max_length=64, null=True)
    revoked_at = DateTimeField(null=True)


class IpBan(BaseModel):
    """A temporary ban of one client address (repeated invalid keys or failed logins)."""

    ip = CharField(max_length=64, index=True)
    reason = CharField(max_length=64)  # invalid_api_key|admin_auth|login|manual
    failures = IntegerField(default=0)
    created_at = DateTimeField(default=clock.now)
    until = DateTimeField(index=True)
    lifted_at = DateTimeField(null=True)
    lifted_by = CharField(max_length=64, null=True)


# --- The user portal (issue 16, migration 9) ---------------------------------------------------


class Invite(BaseModel):
    """A registration invite code. Only a SHA-256 of the code is stored; it is shown once."""

    code_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=32)
    note = CharField(max_length=200, null=True)
    max_uses = IntegerField(null=True)  # None: unlimited
    uses = IntegerField(default=0)
    expires_at = DateTimeField(null=True)
    status = CharField(max_length=16, default="active")  # active|revoked
    created_at = DateTimeField(default=clock.now)
    created_by = CharField(max_length=64, default="admin")
    revoked_at = DateTimeField(null=True)


class WebSession(BaseModel):
    """A signed-in portal session. Only SHA-256 hashes of its token and CSRF token are stored."""

    user = ForeignKeyField(User, backref="web_sessions", on_delete="CASCADE")
    user_id: int
    token_hash = CharField(max_length=64, unique=True)
    csrf_hash = CharField(max_length=64)
    created_at = DateTimeField(default=clock.now)
    last_seen_at = DateTimeField(default=clock.now)
    ip = CharField(max_length=64, null=True)
    user_agent = CharField(max_length=300, null=True)


class SignIn(BaseModel):
    """One portal sign-in attempt, with the browser and OS its user agent names."""

    user = ForeignKeyField(User, null=True, backref="signins", on_delete="CASCADE")
    user_id: int | None
    created_at = DateTimeField(default=clock.now, index=True)
    ok = BooleanField()
    ip = CharField(max_length=64, null=True)
    user_agent = CharField(max_length=300, null=True)
    browser = CharField(max_length=64, null=True)
    os = CharField(max_length=64, null=True)


class DeletionRequest(BaseModel):
    """A user's request to delete their account, for the operator to approve or reject."""

    user = ForeignKeyField(User, backref="deletion_requests", on_delete="CASCADE")
    user_id: int
    status = CharField(max_length=16, default="pending", index=True)  # pending|approved|rejected
    reason = CharField(max_length=500, null=True)  # the operator's, on rejection
    created_at = DateTimeField(default=clock.now)
    decided_at = DateTimeField(null=True)
    decided_by = CharField(max_length=64, null=True)


class Announcement(BaseModel):
    """A notice from the operator to every portal user (shown on the portal's home page)."""

    title = CharField(max_length=200)
    body = TextField()
    created_at = DateTimeField(default=clock.now, index=True)
    created_by = CharField(max_length=64, default="admin")


class MailMessage(BaseModel):
    """One outgoing email in the persistent queue (sent by the relay's mail job, retried with
    backoff). Deleted with its user; sent messages are purged by retention."""

    to_addr = CharField(max_length=254)
    user = ForeignKeyField(User, null=True, backref="mail", on_delete="CASCADE")
    user_id: int | None
    kind = CharField(max_length=32)  # test|low_balance|receipt|security|announcement|policy|...
    lang = CharField(max_length=8, default="en")
    subject = CharField(max_length=300)
    text_body = TextField()
    html_body = TextField(null=True)
    status = CharField(max_length=16, default="queued", index=True)  # queued|sent|failed
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=clock.now, index=True)
    last_error = CharField(max_length=500, null=True)
    # Set for mail that must go at most once (one low-balance warning per crossing...).
    dedupe_key = CharField(max_length=200, null=True, unique=True)
    created_at = DateTimeField(default=clock.now, index=True)
    sent_at = DateTimeField(null=True)


class RedemptionCode(BaseModel):
    """A prepaid code worth a fixed amount, usable once (migration 14). Only a SHA-256 of the
    code is stored; it is shown once, when generated."""

    code_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=32)
    amount_micros = BigIntegerField()
    status = CharField(max_length=16, default="active", index=True)  # active|used|disabled
    expires_at = DateTimeField(null=True)
    batch = CharField(max_length=32, index=True)  # the codes generated together
    note = CharField(max_length=200, null=True)
    created_at = DateTimeField(default=clock.now)
    created_by = CharField(max_length=64, default="admin")
    # The payment record survives its user's deletion; the code keeps only that it was used.
    used_by = ForeignKeyField(User, null=True, backref="redeemed_codes", on_delete="SET NULL")
    used_by_id: int | None
    used_at = DateTimeField(null=True)
    order_no = CharField(max_length=40, null=True)  # the recharge record it made
    disabled_at = DateTimeField(null=True)


class PasswordReset(BaseModel):
    """An emailed one-time password-reset link (migration 15). Only a SHA-256 of its token is
    stored; it expires and is used at most once."""

    user = ForeignKeyField(User, backref="password_resets", on_delete="CASCADE")
    user_id: int
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)


class SchemaVersion(BaseModel):
    """Single-row table holding the applied migration number."""

    version = IntegerField()


ALL_MODELS: list[type[BaseModel]] = [
    UserGroup, User, ApiKey, Provider, ModelPrice, LedgerEntry, RechargeRecord, Reservation,
    RequestLog, Setting, AuditEvent, AdminToken, IpBan, SchemaVersion,
    Invite, WebSession, SignIn, DeletionRequest, Announcement, MailMessage, PasswordReset,
    RedemptionCode,
]
