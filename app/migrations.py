"""Numbered schema migrations, applied atomically at start-up.

A fresh database gets the current schema from :data:`app.models.ALL_MODELS` and is stamped with
the latest version. An existing one runs each pending migration, together with its version bump,
in one transaction (SQLite and PostgreSQL both have transactional DDL). The SQLite file is backed
up first. New migrations append to :data:`MIGRATIONS`; never edit a released one.
"""

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peewee import (
    SQL,
    BigIntegerField,
    BooleanField,
    CharField,
    Database,
    DateTimeField,
    IntegerField,
    PostgresqlDatabase,
    SqliteDatabase,
)
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator
from playhouse.migrate import migrate as run_operations

from app import clock
from app.errors import Conflict
from app.models import (
    ALL_MODELS,
    AdminToken,
    Announcement,
    ApiKey,
    DeletionRequest,
    Invite,
    IpBan,
    JSONField,
    MailMessage,
    ModelPrice,
    PasswordReset,
    Provider,
    RechargeRecord,
    RedemptionCode,
    RequestLog,
    SchemaVersion,
    SignIn,
    User,
    UserGroup,
    WebSession,
)

log = logging.getLogger(__name__)

# An arbitrary constant: serialises migrations of several RelayDesk processes on one PostgreSQL.
PG_ADVISORY_LOCK_ID = 0x52454C4159


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Database], None]


def _initial(db: Database) -> None:
    db.create_tables(ALL_MODELS, safe=True)


def _migrator(db: Database) -> SchemaMigrator:
    return SqliteMigrator(db) if isinstance(db, SqliteDatabase) else PostgresqlMigrator(db)


def _security(db: Database) -> None:
    """Admin tokens, IP bans and per-key rate limits (issue 6)."""
    db.create_tables([AdminToken, IpBan], safe=True)
    table = ApiKey._meta.table_name
    have = {c.name for c in db.get_columns(table)}
    ops = _migrator(db)
    run_operations(*[ops.add_column(table, name, IntegerField(null=True))
                     for name in ("rpm_limit", "tpm_limit", "concurrency_limit")
                     if name not in have])


def _lean_hot_path(db: Database) -> None:
    """Indexes the relay's per-request writes paid for without using them (issue 3)."""
    for name in ("reservation_user_id", "reservation_api_key_id", "reservation_lease_until",
                 "request_log_user_id"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def _no_random_indexes(db: Database) -> None:
    """Indexes on random request ids that nothing reads (issue 3). Every request wrote three
    ledger refs and one log request id into them, each at a random page, and every such page is
    written to the log again at commit: most of a settlement's cost on a big database."""
    for name in ("ledger_entry_ref", "request_log_request_id"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def _bounded_billing(db: Database) -> None:
    """A per-model output cap, and write-offs in the request log (issue 13)."""
    ops = _migrator(db)
    wanted = [(ModelPrice, "max_output_tokens", IntegerField(null=True)),
              (RequestLog, "written_off_micros",
               BigIntegerField(default=0, constraints=[SQL("DEFAULT 0")]))]
    run_operations(*[ops.add_column(model._meta.table_name, name, field)
                     for model, name, field in wanted
                     if name not in {c.name for c in db.get_columns(model._meta.table_name)}])


def _provider_network(db: Database) -> None:
    """Per-provider proxy, extra headers and CA bundle (issue 14)."""
    table = Provider._meta.table_name
    have = {c.name for c in db.get_columns(table)}
    wanted = [("proxy", CharField(max_length=500, null=True)),
              ("proxy_auth", BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])),
              ("extra_headers", JSONField(default=dict, constraints=[SQL("DEFAULT '{}'")])),
              ("ca_bundle", CharField(max_length=1000, null=True))]
    ops = _migrator(db)
    run_operations(*[ops.add_column(table, name, field) for name, field in wanted
                     if name not in have])


def _provider_tests(db: Database) -> None:
    """The provider Test button's last result, kept across restarts (issue 15)."""
    table = Provider._meta.table_name
    have = {c.name for c in db.get_columns(table)}
    wanted = [("last_test_at", DateTimeField(null=True)),
              ("last_test_ok", BooleanField(null=True)),
              ("last_test_ms", IntegerField(null=True)),
              ("last_test_message", CharField(max_length=300, null=True))]
    ops = _migrator(db)
    run_operations(*[ops.add_column(table, name, field) for name, field in wanted
                     if name not in have])


def _seed_default_group() -> None:
    """The group every user without another one belongs to."""
    if not UserGroup.select().where(UserGroup.name == "default").exists():
        now = clock.now()
        UserGroup.insert(name="default", multiplier_ppm=1_000_000, models=None,
                         description=None, created_at=now, updated_at=now).execute()


def _user_groups(db: Database) -> None:
    """User groups: a price multiplier and a model list; every user joins "default" (issue 15)."""
    db.create_tables([UserGroup], safe=True)
    _seed_default_group()
    table = User._meta.table_name
    if "group_id" not in {c.name for c in db.get_columns(table)}:
        run_operations(_migrator(db).add_column(table, "group_id", User.group))
    default = UserGroup.get(UserGroup.name == "default")
    User.update(group=default).where(User.group.is_null()).execute()


def _portal(db: Database) -> None:
    """The user portal's invites, sessions, sign-in records and deletion requests (issue 16)."""
    db.create_tables([Invite, WebSession, SignIn, DeletionRequest], safe=True)


def _announcements(db: Database) -> None:
    """The operator's announcements to portal users (issue 16)."""
    db.create_tables([Announcement], safe=True)


def _key_limits_locked(db: Database) -> None:
    """Which keys' limits the operator set, so their users cannot clear them (issue 16)."""
    table = ApiKey._meta.table_name
    if "limits_locked" not in {c.name for c in db.get_columns(table)}:
        run_operations(_migrator(db).add_column(table, "limits_locked", ApiKey.limits_locked))
    # Who set an existing key's limits is not recorded on it; before the portal only the
    # operator could, so a key with any limit keeps it as a ceiling (the operator can unlock).
    ApiKey.update(limits_locked=True).where(
        ApiKey.rpm_limit.is_null(False) | ApiKey.tpm_limit.is_null(False)
        | ApiKey.concurrency_limit.is_null(False)).execute()


def _mail_queue(db: Database) -> None:
    """The outgoing mail queue (issue 17)."""
    db.create_tables([MailMessage], safe=True)


def _redemption_codes(db: Database) -> None:
    """Redemption codes (issue 17)."""
    db.create_tables([RedemptionCode], safe=True)


def _gateway_orders(db: Database) -> None:
    """Online top-ups (issue 17): a recharge record can be a gateway order, pending until paid."""
    table = RechargeRecord._meta.table_name
    have = {c.name for c in db.get_columns(table)}
    fields = ("gateway", "trade_no", "pay_type", "expires_at")
    run_operations(*[_migrator(db).add_column(table, name, getattr(RechargeRecord, name))
                     for name in fields if name not in have])


def _notifications(db: Database) -> None:
    """Per-user notification state and password-reset links (issue 17)."""
    table = User._meta.table_name
    have = {c.name for c in db.get_columns(table)}
    ops = _migrator(db)
    fields = {"lang": User.lang,
              "low_balance_threshold_micros": User.low_balance_threshold_micros,
              "low_balance_warned": User.low_balance_warned,
              "email_opt_outs": User.email_opt_outs,
              "unsubscribe_token": User.unsubscribe_token}
    run_operations(*[ops.add_column(table, name, field) for name, field in fields.items()
                     if name not in have])
    db.create_tables([PasswordReset], safe=True)


def _dialects(db: Database) -> None:
    """Anthropic-native and Responses-native providers, and the route of each logged request
    (issue 18)."""
    ops = _migrator(db)
    wanted = [(Provider, "anthropic_base_url", Provider.anthropic_base_url),
              (Provider, "responses_native", Provider.responses_native),
              (RequestLog, "endpoint", RequestLog.endpoint)]
    run_operations(*[ops.add_column(model._meta.table_name, name, field)
                     for model, name, field in wanted
                     if name not in {c.name for c in db.get_columns(model._meta.table_name)}])


MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema", _initial),
    Migration(2, "admin tokens, IP bans, per-key rate limits", _security),
    Migration(3, "drop indexes the hot path wrote but nothing read", _lean_hot_path),
    Migration(4, "drop the unread indexes on random request ids", _no_random_indexes),
    Migration(5, "output caps and write-offs", _bounded_billing),
    Migration(6, "per-provider proxy, extra headers and CA bundle", _provider_network),
    Migration(7, "the provider Test button's last result", _provider_tests),
    Migration(8, "user groups", _user_groups),
    Migration(9, "user portal: invites, sessions, sign-ins, deletion requests", _portal),
    Migration(10, "announcements", _announcements),
    Migration(11, "API keys: limits the operator set are locked", _key_limits_locked),
    Migration(12, "the outgoing mail queue", _mail_queue),
    Migration(13, "recharge records as online gateway orders", _gateway_orders),
    Migration(14, "redemption codes", _redemption_codes),
    Migration(15, "notification state on users, password-reset links", _notifications),
    Migration(16, "Anthropic- and Responses-native providers, the route of each request",
              _dialects),
]


def latest_version(migrations: list[Migration] | None = None) -> int:
    return max(m.version for m in (migrations or MIGRATIONS))


def current_version(db: Database) -> int | None:
    """Applied version, or ``None`` for an empty database."""
    if not db.table_exists(SchemaVersion._meta.table_name):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def backup_sqlite(db: SqliteDatabase, folder: Path, label: str) -> Path | None:
    """Copy the live SQLite database with the sqlite3 backup API (safe while it is open)."""
    source_path = db.database
    if source_path in (":memory:", "") or not Path(source_path).exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{label}-{stamp}.sqlite3"
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))  # owner-only from the start
    src = sqlite3.connect(source_path)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    target.chmod(0o600)
    return target


def migrate(db: Database, backup_dir: Path | None = None,
            migrations: list[Migration] | None = None) -> int:
    """Bring ``db`` to the latest schema; returns the version it is at afterwards."""
    steps = sorted(migrations or MIGRATIONS, key=lambda m: m.version)
    newest = steps[-1].version
    with _exclusive(db):
        version = current_version(db)
        if version is None:
            db.create_tables(ALL_MODELS, safe=True)
            _seed_default_group()
            SchemaVersion.delete().execute()
            SchemaVersion.create(version=newest)
            log.info("created schema version %d", newest)
            return newest
    if version > newest:  # a newer RelayDesk's data: this one would write rows it cannot know
        raise Conflict("the database was made by a newer RelayDesk (schema version {found}; "
                       "this one knows up to {latest}); update RelayDesk first",
                       found=version, latest=newest)
    pending = [m for m in steps if m.version > version]
    if not pending:
        return version
    if isinstance(db, SqliteDatabase) and backup_dir is not None:
        path = backup_sqlite(db, backup_dir, f"pre-migration-v{version}")
        log.info("backed up database to %s before migrating", path)
    for step in pending:
        with _exclusive(db):
            if (current_version(db) or 0) >= step.version:
                continue  # another process got there first
            log.info("applying migration %d: %s", step.version, step.description)
            step.apply(db)
            SchemaVersion.delete().execute()
            SchemaVersion.create(version=step.version)
    return newest


def _exclusive(db: Database):  # type: ignore[no-untyped-def]
    """A transaction that no other migrating process can interleave with."""
    if isinstance(db, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    ctx = db.atomic()
    if isinstance(db, PostgresqlDatabase):
        return _PgLocked(db, ctx)
    return ctx


class _PgLocked:
    def __init__(self, db: PostgresqlDatabase, ctx):  # type: ignore[no-untyped-def]
        self.db, self.ctx = db, ctx

    def __enter__(self):  # type: ignore[no-untyped-def]
        result = self.ctx.__enter__()
        self.db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PG_ADVISORY_LOCK_ID,))
        return result

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        return self.ctx.__exit__(*exc)
